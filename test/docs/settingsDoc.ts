// The settings table of README.md, generated from core/settings.ts between two markers, so the
// README can never describe a setting the code does not have (or miss one it has).
// `npm run docs:settings` rewrites it; `npm run docs:settings -- --check` only compares.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { settingsTable } from '../../core/settingsTable';

export const SETTINGS_BEGIN = '<!-- settings:begin -->';
export const SETTINGS_END = '<!-- settings:end -->';
export const README = path.resolve(__dirname, '../../README.md');

export type SettingsSection = { ok: true; start: number; end: number; table: string } | { ok: false; problem: string };

/** Finds the text between the markers (each must appear exactly once, begin before end). */
export function findSettingsSection(markdown: string): SettingsSection {
  const count = (marker: string) => markdown.split(marker).length - 1;
  for (const marker of [SETTINGS_BEGIN, SETTINGS_END]) {
    if (count(marker) !== 1) return { ok: false, problem: `README.md must hold ${marker} exactly once, found ${count(marker)}` };
  }
  const start = markdown.indexOf(SETTINGS_BEGIN) + SETTINGS_BEGIN.length;
  const end = markdown.indexOf(SETTINGS_END);
  if (end < start) return { ok: false, problem: `${SETTINGS_END} comes before ${SETTINGS_BEGIN} in README.md` };
  return { ok: true, start, end, table: markdown.slice(start, end).trim() };
}

/** The markdown with the generated table between the markers. */
export function withSettingsTable(markdown: string, table = settingsTable()): string {
  const section = findSettingsSection(markdown);
  if (!section.ok) throw new Error(section.problem);
  return `${markdown.slice(0, section.start)}\n${table}\n${markdown.slice(section.end)}`;
}

function main(argv: readonly string[]): number {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${JSON.stringify(unknown[0])}; usage: npm run docs:settings [-- --check]\n`);
    return 2;
  }
  const current = readFileSync(README, 'utf8');
  const wanted = withSettingsTable(current);
  if (argv.includes('--check')) {
    if (wanted === current) {
      process.stdout.write('README.md settings table matches core/settings.ts\n');
      return 0;
    }
    process.stderr.write('README.md settings table differs from core/settings.ts: run npm run docs:settings\n');
    return 1;
  }
  if (wanted !== current) writeFileSync(README, wanted);
  process.stdout.write(wanted === current ? 'README.md settings table already up to date\n' : 'README.md settings table rewritten from core/settings.ts\n');
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
