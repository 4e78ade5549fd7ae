// The settings schema printed as a Markdown table, for the README and the infra drift tests.
import { settingDescriptions } from './settings';

// Markdown table cells cannot hold "|" or line breaks, and "<…>" would be read as HTML.
const cell = (text: string): string =>
  text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `| Setting | Default | Description | Secret |`, one row per setting in schema order. */
export function settingsTable(): string {
  const rows = settingDescriptions().map((s) =>
    `| \`${s.name}\` | ${s.default === '' ? '*(empty)*' : `\`${cell(s.default)}\``} | ${cell(s.description)} | ${s.secret ? 'yes' : ''} |`);
  return ['| Setting | Default | Description | Secret |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
