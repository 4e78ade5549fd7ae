// Validation of the body of a manual start (POST /api/clusters/{alias}/reboots). Every
// problem is reported at once, each naming the field and the accepted form; nothing the
// caller sent is changed or dropped silently (unknown fields are an error, not ignored).
import { ACCEPTED_FORMS, isDns1123Label, isDns1123Subdomain } from './k8sNames';
import type { ManualRequest } from './runTypes';

export const MAX_REQUEST_NODES = 1000;
const MAX_REASON_LENGTH = 500;
/** An answer lists at most this many problems, so that it cannot grow with the request. */
export const MAX_REPORTED_PROBLEMS = 20;
const FIELDS = ['nodes', 'pools', 'ignoreWindow', 'reason'] as const;

// What a single line of text for an operator's eyes may not hold: C0 and C1 controls (U+0085
// is a line break), the Unicode line and paragraph separators, and the bidirectional controls
// that make a log line read differently from what it holds (Trojan Source, CVE-2021-42574).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` is not a single, plain line of text, or undefined. */
function lineProblem(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'holds a lone surrogate (not valid Unicode)';
  const bad = NOT_ONE_LINE.exec(text);
  return bad ? `holds the control character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

export interface FieldError {
  field: string;
  message: string;
}

export type ManualRequestResult = { ok: true; request: ManualRequest } | { ok: false; errors: FieldError[] };

/** The first problems, and one line saying how many more there were. */
function capped(errors: FieldError[]): FieldError[] {
  if (errors.length <= MAX_REPORTED_PROBLEMS) return errors;
  const more = errors.length - MAX_REPORTED_PROBLEMS;
  return [...errors.slice(0, MAX_REPORTED_PROBLEMS), { field: 'body', message: `and ${more} more problem${more === 1 ? '' : 's'} not listed; fix these first` }];
}

/** A value as an error shows it: short scalars as JSON, anything else described, never walked. */
function quote(value: unknown): string {
  if (value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  if (typeof value === 'string') {
    return value.length <= 80 && lineProblem(value) === undefined ? JSON.stringify(value) : `a string of ${value.length} characters`;
  }
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function nameList(field: 'nodes' | 'pools', value: unknown, valid: (v: string) => boolean, form: string, errors: FieldError[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_REQUEST_NODES) {
    errors.push({ field, message: `${field} must be a non-empty array of at most ${MAX_REQUEST_NODES} names, got ${quote(value)}` });
    return undefined;
  }
  const names: string[] = [];
  value.forEach((item, i) => {
    if (typeof item !== 'string' || !valid(item)) errors.push({ field: `${field}[${i}]`, message: `${field}[${i}] ${quote(item)} is not a valid name: use ${form}` });
    else if (names.includes(item)) errors.push({ field: `${field}[${i}]`, message: `${field}[${i}] ${quote(item)} is listed twice` });
    else names.push(item);
  });
  return names;
}

/** Parses a start request's JSON body (no body, `undefined`, or `{}` for "every node that needs a reboot"). */
export function parseManualRequest(body: unknown): ManualRequestResult {
  if (body === undefined) return { ok: true, request: {} };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ field: 'body', message: `the body must be a JSON object such as {"nodes":["aks-user-12345678-vmss000000"],"ignoreWindow":true,"reason":"CVE patch"}, got ${quote(body)}` }] };
  }
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(input)) {
    if (!(FIELDS as readonly string[]).includes(key)) errors.push({ field: key, message: `unknown field ${quote(key)}: accepted fields are ${FIELDS.join(', ')} (use GET …/plan for a dry run)` });
  }
  const nodes = nameList('nodes', input.nodes, isDns1123Subdomain, ACCEPTED_FORMS.dns1123Subdomain, errors);
  const pools = nameList('pools', input.pools, (v) => isDns1123Label(v) && v.length <= 12, 'a node pool name: lower-case letters and digits, at most 12 characters', errors);
  if (input.ignoreWindow !== undefined && typeof input.ignoreWindow !== 'boolean') {
    errors.push({ field: 'ignoreWindow', message: `ignoreWindow must be true or false, got ${quote(input.ignoreWindow)}` });
  }
  if (input.reason !== undefined) {
    const why = typeof input.reason !== 'string' ? undefined : input.reason.length > MAX_REASON_LENGTH ? `is ${input.reason.length} characters long` : lineProblem(input.reason);
    if (typeof input.reason !== 'string' || why) {
      errors.push({ field: 'reason', message: `reason must be a single line of plain text of at most ${MAX_REASON_LENGTH} characters, got ${quote(input.reason)}${why ? ` (it ${why})` : ''}` });
    }
  }
  if (errors.length > 0) return { ok: false, errors: capped(errors) };
  return {
    ok: true,
    request: {
      ...(nodes ? { nodes } : {}),
      ...(pools ? { pools } : {}),
      ...(input.ignoreWindow === true ? { ignoreWindow: true } : {}),
      ...(typeof input.reason === 'string' ? { reason: input.reason } : {}),
    },
  };
}
