// The marker grammar of the README's runnable blocks.
import { describe, expect, it } from 'vitest';
import { findRunnableBlocks } from './runnableBlocks';

const fence = '```';

describe('findRunnableBlocks', () => {
  it('finds marked shell blocks with their need, and leaves unmarked blocks alone', () => {
    const markdown = [
      '# Title',
      '<!-- runnable -->',
      `${fence}sh`,
      'echo one',
      'echo two',
      fence,
      `${fence}sh`,
      'azd up',
      fence,
      '<!-- runnable: with-demo-http -->',
      `${fence}bash`,
      'curl -s "$BASE/api/clusters"',
      fence,
      'Prose may mention `<!-- runnable -->` in backticks.',
    ].join('\n');
    expect(findRunnableBlocks(markdown)).toEqual({
      ok: true,
      blocks: [
        { line: 3, need: 'none', language: 'sh', code: 'echo one\necho two' },
        { line: 11, need: 'demo-http', language: 'bash', code: 'curl -s "$BASE/api/clusters"' },
      ],
    });
  });

  it.each([
    ['an unknown need', `<!-- runnable: with-azure -->\n${fence}sh\naz login\n${fence}`, /not a runnable marker/],
    ['a marker with no block right after it', `<!-- runnable -->\n\n${fence}sh\necho\n${fence}`, /followed at once by a fenced block/],
    ['a block that is not shell', `<!-- runnable -->\n${fence}json\n{}\n${fence}`, /must be a shell block/],
    ['a block never closed', `<!-- runnable -->\n${fence}sh\necho`, /never closed/],
  ])('reports %s with its line', (_, markdown, problem) => {
    const parsed = findRunnableBlocks(markdown);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.join('\n')).toMatch(problem);
  });
});
