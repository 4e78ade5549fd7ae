// JSON as an API should read it from a stranger: RFC 8259 syntax, but an object that names a
// key twice is refused (JSON.parse keeps the last one silently, so what the caller meant is
// lost), and nesting is bounded (a body 5,000 levels deep must not reach code that recurses).
// Pure; errors name the position, never repeat the text.

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; problem: string };

export const MAX_JSON_DEPTH = 32;

/** Parses `text` as JSON, refusing duplicate keys and nesting deeper than `maxDepth`. */
export function parseStrictJson(text: string, maxDepth = MAX_JSON_DEPTH): StrictJsonResult {
  const problem = structureProblem(text, maxDepth);
  if (problem) return { ok: false, problem };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: 'is not valid JSON' };
  }
}

// One pass over the text with a stack of open containers; strings are decoded with JSON.parse
// (so escapes compare as the same key). Syntax errors other than these are left to JSON.parse.
function structureProblem(text: string, maxDepth: number): string | undefined {
  const stack: Array<{ keys?: Set<string>; path: string; expectKey: boolean }> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) return `nests deeper than ${maxDepth} levels (at character ${i})`;
      const parent = stack.at(-1);
      stack.push(c === '{' ? { keys: new Set(), path: parent?.path ?? '', expectKey: true } : { path: parent?.path ?? '', expectKey: false });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top?.keys) top.expectKey = true;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      const top = stack.at(-1);
      if (top?.keys && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          return undefined;
        }
        if (top.keys.has(key)) return `names the key ${describeKey(key)} twice in one object (at character ${i}); send each field once`;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    }
  }
  return undefined;
}

/** Index of the closing quote of the string starting at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** A key as an error may show it: short and printable, else described. */
function describeKey(key: string): string {
  return /^[A-Za-z0-9_.-]{1,40}$/.test(key) ? JSON.stringify(key) : `of ${key.length} characters`;
}
