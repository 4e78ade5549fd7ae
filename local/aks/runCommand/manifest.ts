// Reads a manifest file as kubectl does: a stream of JSON objects or YAML documents, empty
// documents skipped, `kind: List` expanded; every object must be a map with a `kind`. Errors
// use kubectl's wording (`error parsing <file>: …`, `unable to decode "<file>": …`).
import { parseAllDocuments } from 'yaml';

export interface ManifestObject {
  apiVersion?: string;
  kind: string;
  metadata?: { name?: string; generateName?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export type ParsedManifest = { ok: true; objects: ManifestObject[] } | { ok: false; error: string };

export function parseManifest(file: string, text: string): ParsedManifest {
  const docs = text.trimStart().startsWith('{') ? parseJsonStream(file, text) : parseYamlDocs(file, text);
  if (!docs.ok) return docs;
  const objects: ManifestObject[] = [];
  for (const doc of docs.values) {
    const error = collect(file, doc, objects);
    if (error) return { ok: false, error };
  }
  return { ok: true, objects };
}

/** Adds `doc` (or a List's items) to `objects`; returns kubectl's error for a doc it cannot decode. */
function collect(file: string, doc: unknown, objects: ManifestObject[]): string | undefined {
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    const type = Array.isArray(doc) ? 'array' : typeof doc === 'number' ? 'number' : typeof doc === 'boolean' ? 'bool' : 'string';
    return `error: unable to decode "${file}": json: cannot unmarshal ${type} into Go value of type unstructured.detector`;
  }
  const object = doc as Record<string, unknown>;
  if (typeof object.kind !== 'string' || object.kind === '') {
    return `error: unable to decode "${file}": Object 'Kind' is missing in '${goJson(object)}'`;
  }
  if (object.kind === 'List' && Array.isArray(object.items)) {
    for (const item of object.items) {
      const error = collect(file, item, objects);
      if (error) return error;
    }
    return undefined;
  }
  objects.push(object as ManifestObject);
  return undefined;
}

type Docs = { ok: true; values: unknown[] } | { ok: false; error: string };

function parseYamlDocs(file: string, text: string): Docs {
  const values: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    const problem = doc.errors[0];
    if (problem) {
      const line = problem.linePos?.[0].line;
      const detail = problem.message.split('\n')[0];
      return { ok: false, error: `error: error parsing ${file}: error converting YAML to JSON: yaml: ${line !== undefined ? `line ${line}: ` : ''}${detail}` };
    }
    values.push(doc.toJS());
  }
  return { ok: true, values };
}

/** Consecutive JSON values, as Go's json.Decoder reads them. */
function parseJsonStream(file: string, text: string): Docs {
  const values: unknown[] = [];
  let rest = text.trim();
  while (rest !== '') {
    const end = endOfJsonValue(rest);
    if (end === undefined) return { ok: false, error: `error: error parsing ${file}: unexpected EOF` };
    try {
      values.push(JSON.parse(rest.slice(0, end)));
    } catch (error) {
      return { ok: false, error: `error: error parsing ${file}: ${error instanceof Error ? error.message : String(error)}` };
    }
    rest = rest.slice(end).trim();
  }
  return { ok: true, values };
}

/** Index just past the first complete top-level JSON object or array, if the text holds one. */
function endOfJsonValue(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

/** JSON as Go's encoding/json writes a map: compact, keys sorted. */
function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${goJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
