// `.funcignore` read the two ways the package is filtered before it reaches Azure: azd applies
// it with gitignore rules (a pattern without a slash matches at any depth, so `infra` would also
// drop node_modules/undici/lib/web/infra), Core Tools anchors every pattern at the package root.
// The `ignore` package implements gitignore's rules; anchoring is a leading slash added to each
// pattern. Used by package.test.ts to copy what each tool would ship.
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export type Semantics = 'gitignore' | 'anchored';

/** The patterns of a `.funcignore` text: blank lines and comments left out. */
export function funcignorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** A matcher for the patterns under the given semantics. */
export function funcignoreMatcher(patterns: readonly string[], semantics: Semantics): Ignore {
  const rules = semantics === 'gitignore' ? patterns : patterns.map(anchored);
  return ignore().add([...rules]);
}

function anchored(pattern: string): string {
  const negated = pattern.startsWith('!');
  const body = negated ? pattern.slice(1) : pattern;
  return `${negated ? '!' : ''}${body.startsWith('/') ? body : `/${body}`}`;
}

/**
 * Puts every file of `from` that the matcher keeps into the empty folder `to` (a hard link when
 * both are on one file system, a copy otherwise), and returns their paths (relative, with `/`).
 * A folder the matcher drops is not entered: under gitignore rules nothing below an excluded
 * folder can be kept.
 */
export function copyKept(from: string, to: string, matcher: Ignore): string[] {
  if (fs.existsSync(to) && fs.readdirSync(to).length > 0) throw new Error(`copyKept: ${to} must be empty`);
  const kept: string[] = [];
  const walk = (relative: string): void => {
    let made = false;
    for (const entry of fs.readdirSync(path.join(from, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!matcher.ignores(`${child}/`)) walk(child);
      } else if (!matcher.ignores(child)) {
        if (!made) fs.mkdirSync(path.join(to, relative), { recursive: true });
        made = true;
        place(path.join(from, child), path.join(to, child));
        kept.push(child);
      }
    }
  };
  walk('');
  return kept;
}

function place(source: string, target: string): void {
  try {
    fs.linkSync(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    fs.copyFileSync(source, target);
  }
}
