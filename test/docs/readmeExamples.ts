// The README's JSON examples, found by the sentence that introduces them, and the shape of a JSON
// value (its keys, recursively), so that a test can hold an example to the answer it stands for.
import { readFileSync } from 'node:fs';
import { README } from './settingsDoc';

const FENCE = '```';

/** The first JSON block after the first line of README.md that contains `intro`. */
export function readmeJsonExample(intro: string, markdown = readFileSync(README, 'utf8')): unknown {
  const lines = markdown.split('\n');
  const at = lines.findIndex((line) => line.includes(intro));
  if (at < 0) throw new Error(`README.md: no line contains "${intro}"`);
  const open = lines.findIndex((line, i) => i > at && line.trim() === `${FENCE}json`);
  const close = lines.findIndex((line, i) => open >= 0 && i > open && line.trim() === FENCE);
  if (open < 0 || close < 0) throw new Error(`README.md: no closed ${FENCE}json block after line ${at + 1} ("${intro}")`);
  return JSON.parse(lines.slice(open + 1, close).join('\n'));
}

export type Shape = string | Shape[] | { [key: string]: Shape };

/** An object's keys in order, each with its value's shape; an array by its first element's; a leaf by its JSON type. */
export function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return value.length > 0 ? [shapeOf(value[0])] : [];
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(object).sort().map((key) => [key, shapeOf(object[key])]));
  }
  return value === null ? 'null' : typeof value;
}
