// Reads the few facts the drift tests need from Bicep *text*, not a Bicep parser (the Bicep CLI
// cannot be installed here): a block between `// BEGIN <name>` and `// END <name>` lines, the
// `NAME: value` lines of an object literal inside it, '...' string literals, and the literal
// default of a `param`. Anything outside these narrow forms is an error that names the line, so
// a file edited into another shape fails loudly instead of being half-read.
import fs from 'node:fs';
import path from 'node:path';

export const INFRA_DIR = path.resolve(__dirname, '../../infra');

export function readInfraFile(relative: string): string {
  return fs.readFileSync(path.join(INFRA_DIR, relative), 'utf8');
}

/** The lines strictly between `// BEGIN name` and `// END name`, each marker present exactly once. */
export function delimitedBlock(text: string, name: string): string[] {
  const lines = text.split(/\r?\n/);
  const begins = lines.flatMap((l, i) => (l.trim() === `// BEGIN ${name}` ? [i] : []));
  const ends = lines.flatMap((l, i) => (l.trim() === `// END ${name}` ? [i] : []));
  if (begins.length !== 1 || ends.length !== 1 || ends[0]! < begins[0]!) {
    throw new Error(`expected one "// BEGIN ${name}" line followed by one "// END ${name}" line (found ${begins.length} and ${ends.length})`);
  }
  return lines.slice(begins[0]! + 1, ends[0]!);
}

export interface Entry {
  name: string;
  /** The Bicep expression after the colon, trimmed. */
  value: string;
}

// `  NAME: value` — a Bicep identifier key (letters, digits, underscores) and a one-line value.
const ENTRY_LINE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(\S.*?)\s*$/;
// The object's own frame: `var x = {` and the closing `}`.
const FRAME_LINE = /^\s*(var\s+[A-Za-z_][A-Za-z0-9_]*\s*=\s*\{|\})\s*$/;

/** The entries of the single object literal in `lines`; comments, blank lines and its frame skipped. */
export function objectEntries(lines: readonly string[]): Entry[] {
  const entries: Entry[] = [];
  for (const line of lines) {
    if (line.trim() === '' || line.trim().startsWith('//') || FRAME_LINE.test(line)) continue;
    const match = ENTRY_LINE.exec(line);
    // A value that opens an object or array spans lines: not one of the narrow forms.
    if (!match || /[{[(]$/.test(match[2]!)) throw new Error(`line ${JSON.stringify(line)} is not a one-line NAME: value entry`);
    entries.push({ name: match[1]!, value: match[2]! });
  }
  return entries;
}

const BICEP_ESCAPES: Record<string, string> = { "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t', $: '$' };

/** The text of a single-quoted Bicep string literal without interpolation; undefined otherwise. */
export function stringLiteral(expression: string): string | undefined {
  const match = /^'((?:[^'\\]|\\.)*)'$/.exec(expression.trim());
  if (!match || /(^|[^\\])\$\{/.test(match[1]!)) return undefined;
  return match[1]!.replace(/\\(.)/g, (whole, c: string) => BICEP_ESCAPES[c] ?? whole);
}

/** Every `'...'` literal in `lines` (for lists such as a role's actions). */
export function stringLiterals(lines: readonly string[]): string[] {
  return lines.flatMap((line) => [...line.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => stringLiteral(`'${m[1]!}'`) ?? m[1]!));
}

export interface Param {
  name: string;
  type: string;
  /** The default's expression, trimmed; undefined for a parameter without a default. */
  defaultExpression?: string;
}

/** Every `param name type [= default]` line of a Bicep file (decorators sit on their own lines). */
export function params(text: string): Param[] {
  return [...text.matchAll(/^param\s+([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z]+)(?:\s*=\s*(.+?))?\s*$/gm)].map((m) => ({
    name: m[1]!,
    type: m[2]!,
    ...(m[3] !== undefined && { defaultExpression: m[3] }),
  }));
}

/**
 * The app-setting text a value resolves to when the deployment leaves its parameters at their
 * defaults. Accepted forms: a string literal; a string parameter whose default is a literal; a
 * bool parameter written `p ? 'true' : 'false'`. Undefined for anything else.
 */
export function defaultSettingValue(value: string, declared: readonly Param[]): string | undefined {
  const literal = stringLiteral(value);
  if (literal !== undefined) return literal;
  const asParam = declared.find((p) => p.name === value.trim());
  if (asParam?.type === 'string' && asParam.defaultExpression !== undefined) return stringLiteral(asParam.defaultExpression);
  const ternary = /^([A-Za-z_][A-Za-z0-9_]*)\s*\?\s*'true'\s*:\s*'false'$/.exec(value.trim());
  const asBool = ternary && declared.find((p) => p.name === ternary[1]);
  if (asBool?.type === 'bool' && (asBool.defaultExpression === 'true' || asBool.defaultExpression === 'false')) return asBool.defaultExpression;
  return undefined;
}
