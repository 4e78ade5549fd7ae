// The repository explains itself: every project document a file cites (a relative path to a
// Markdown file or a bare `*.md` name, with its anchor) exists in the repository.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { citationsIn, headingAnchors } from './citations';

const root = path.resolve(__dirname, '../..');
const TEXT_FILE = /\.(?:ts|mts|mjs|md|ya?ml|json|bicep|bicepparam|sh)$/;
/** The checker and its test name missing documents on purpose. */
const SELF = [path.relative(root, __filename), path.relative(root, path.join(__dirname, 'citations.ts'))];

function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  return listed.split('\n').filter((f) => f !== '' && !SELF.includes(f) && f !== 'package-lock.json' && TEXT_FILE.test(f) && fs.existsSync(path.join(root, f)));
}

/**
 * Where a citation leads in the repository, or undefined. A path whose first folder is neither
 * beside the citing file nor at the root names a file of another repository (an upstream
 * source, e.g. Microsoft's troubleshooting articles): it is not a project document.
 */
function resolveCitation(file: string, target: string, byName: Map<string, string[]>): string | 'upstream' | undefined {
  if (!target.includes('/')) return byName.get(target)?.[0];
  const first = target.split('/')[0]!;
  if (first !== '.' && first !== '..' && ![path.dirname(file), '.'].some((base) => fs.existsSync(path.join(root, base, first)))) return 'upstream';
  for (const base of [path.dirname(file), '.']) {
    const resolved = path.normalize(path.join(base, target));
    if (!resolved.startsWith('..') && fs.existsSync(path.join(root, resolved))) return resolved;
  }
  return undefined;
}

describe('citations of project documents', () => {
  it('are found as paths, bare names and DESIGN sections; URLs are left out', () => {
    const text = [
      'see docs/design.md#the-bound and [ops](../operations.md), README.md too',
      '// DESIGN.md section 4, DESIGN section 9',
      'upstream: https://github.com/kubernetes/kubernetes/blob/master/README.md and eviction.go',
      '/*.md in .funcignore is a pattern, not a citation',
    ].join('\n');
    expect(citationsIn(text)).toEqual([
      { target: 'docs/design.md', anchor: 'the-bound', line: 1 },
      { target: '../operations.md', line: 1 },
      { target: 'README.md', line: 1 },
      { target: 'DESIGN.md', line: 2 },
      { target: 'DESIGN.md', line: 2 },
    ]);
  });

  it('anchors are GitHub\'s: lower case, punctuation dropped, repeats numbered', () => {
    expect([...headingAnchors('# Design\n## The critical-path bound (`lowerBound.ts`)\n## Notes\n### Notes\n')])
      .toEqual(['design', 'the-critical-path-bound-lowerboundts', 'notes', 'notes-1']);
  });

  it('lead to a document and a heading that exist in the repository', () => {
    const files = repositoryFiles();
    const byName = new Map<string, string[]>();
    for (const f of files) byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), f]);
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const c of citationsIn(fs.readFileSync(path.join(root, file), 'utf8'))) {
        checked++;
        const where = `${file}:${c.line}: ${c.target}${c.anchor ? `#${c.anchor}` : ''}`;
        const resolved = resolveCitation(file, c.target, byName);
        if (resolved === 'upstream') continue;
        if (!resolved) broken.push(`${where} (no such document in the repository)`);
        else if (c.anchor && !headingAnchors(fs.readFileSync(path.join(root, resolved), 'utf8')).has(c.anchor)) broken.push(`${where} (no such heading in ${resolved})`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });
});
