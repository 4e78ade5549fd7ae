// README.md's settings table is generated from core/settings.ts: this fails when they drift
// apart (a setting added, removed, renamed, or its default or description changed) and tells how
// to regenerate it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingDescriptions } from '../../core/settings';
import { settingsTable } from '../../core/settingsTable';
import { findSettingsSection, README, SETTINGS_BEGIN, SETTINGS_END, withSettingsTable } from './settingsDoc';

const readme = readFileSync(README, 'utf8');

describe('README settings table', () => {
  it('is exactly the table generated from core/settings.ts (run `npm run docs:settings` when this fails)', () => {
    const section = findSettingsSection(readme);
    if (!section.ok) throw new Error(section.problem);
    expect(section.table).toBe(settingsTable());
  });

  it('has one row per setting, in schema order', () => {
    const section = findSettingsSection(readme);
    if (!section.ok) throw new Error(section.problem);
    const names = section.table.split('\n').slice(2).map((row) => /^\| `([A-Z_]+)` \|/.exec(row)?.[1]);
    expect(names).toEqual(settingDescriptions().map((s) => s.name));
  });

  it.each([
    ['a setting removed from the table', (t: string) => t.split('\n').filter((l) => !l.includes('`REBOOT_CONCURRENCY`')).join('\n')],
    ['a default edited by hand', (t: string) => t.replace('| `REBOOT_LOCK_TTL` | `30m` |', '| `REBOOT_LOCK_TTL` | `1h` |')],
    ['a setting the code does not have', (t: string) => `${t}\n| \`REBOOT_PERIOD\` | \`1h\` | kured's period | |`],
  ])('tells %s apart from the generated table, and regenerating puts it back', (_, drift) => {
    const drifted = withSettingsTable(readme, drift(settingsTable()));
    const section = findSettingsSection(drifted);
    expect(section.ok && section.table).not.toBe(settingsTable());
    expect(withSettingsTable(drifted)).toBe(withSettingsTable(readme));
  });

  it.each([
    ['no markers', 'text only', /exactly once, found 0/],
    ['two begin markers', `${SETTINGS_BEGIN}\n${SETTINGS_BEGIN}\n${SETTINGS_END}`, /exactly once, found 2/],
    ['markers in the wrong order', `${SETTINGS_END}\n${SETTINGS_BEGIN}`, /comes before/],
  ])('refuses a README with %s', (_, markdown, problem) => {
    const section = findSettingsSection(markdown);
    expect(section.ok).toBe(false);
    expect(!section.ok && section.problem).toMatch(problem);
  });
});
