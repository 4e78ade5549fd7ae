// The README's command blocks that a test runs as a new user would. A block is marked by an HTML
// comment on the line right before its fence (invisible on GitHub):
//   <!-- runnable -->                  run as it stands, from the repository's root
//   <!-- runnable: with-demo-http -->  run while `npm run demo -- --http` serves the API, with
//                                      BASE and KEY set as the demo prints them
// Blocks without a marker are shown, not run (the setup commands, anything that needs Azure).

export type BlockNeed = 'none' | 'demo-http';

export interface RunnableBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  need: BlockNeed;
  language: string;
  code: string;
}

export type ParsedBlocks = { ok: true; blocks: RunnableBlock[] } | { ok: false; problems: string[] };

const MARKER = /^<!--\s*runnable(?::\s*([a-z-]+))?\s*-->$/;
// A line that opens with this is meant as a marker (prose that mentions one in backticks is not).
const ANY_MARKER = /^<!--\s*runnable/;
const FENCE = /^(```+|~~~+)\s*([\w-]*)\s*$/;
const NEEDS: Record<string, BlockNeed> = { '': 'none', 'with-demo-http': 'demo-http' };
const SHELLS = new Set(['sh', 'bash', 'shell', 'console']);

/** Every marked block, or every problem with a marker (unknown need, no fence after it, not a shell block). */
export function findRunnableBlocks(markdown: string): ParsedBlocks {
  const lines = markdown.split('\n');
  const blocks: RunnableBlock[] = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (!ANY_MARKER.test(text)) continue;
    const marker = MARKER.exec(text);
    const need = marker ? NEEDS[marker[1] ?? ''] : undefined;
    if (!marker || need === undefined) {
      problems.push(`line ${i + 1}: ${JSON.stringify(text)} is not a runnable marker; use <!-- runnable --> or <!-- runnable: with-demo-http -->`);
      continue;
    }
    const fence = FENCE.exec(lines[i + 1] ?? '');
    if (!fence) {
      problems.push(`line ${i + 1}: a runnable marker must be followed at once by a fenced block`);
      continue;
    }
    const language = fence[2] ?? '';
    if (!SHELLS.has(language)) problems.push(`line ${i + 2}: a runnable block must be a shell block (\`\`\`sh or \`\`\`bash), got ${JSON.stringify(language)}`);
    const close = lines.findIndex((l, j) => j > i + 1 && l.trim() === fence[1]);
    if (close < 0) {
      problems.push(`line ${i + 2}: the fenced block is never closed`);
      continue;
    }
    blocks.push({ line: i + 2, need, language, code: lines.slice(i + 2, close).join('\n') });
    i = close;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, blocks };
}
