// Validation of the body of a manual start (POST /api/clusters/{alias}/reboots). Every
// problem is reported at once, each naming the field and the accepted form; nothing the
// caller sent is changed or dropped silently (unknown fields are an error, not ignored).
import { ACCEPTED_FORMS, isDns1123Label, isDns1123Subdomain } from './k8sNames';
import type { ManualRequest } from './runTypes';

export const MAX_REQUEST_NODES = 1000;
const MAX_REASON_LENGTH = 500;
const FIELDS = ['nodes', 'pools', 'ignoreWindow', 'reason'] as const;

function hasControlCharacter(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

export interface FieldError {
  field: string;
  message: string;
}

export type ManualRequestResult = { ok: true; request: ManualRequest } | { ok: false; errors: FieldError[] };

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
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

/** Parses a start request's JSON body (`undefined` or `{}` for "every node that needs a reboot"). */
export function parseManualRequest(body: unknown): ManualRequestResult {
  if (body === undefined || body === null) return { ok: true, request: {} };
  if (typeof body !== 'object' || Array.isArray(body)) {
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
  if (input.reason !== undefined && (typeof input.reason !== 'string' || input.reason.length > MAX_REASON_LENGTH || hasControlCharacter(input.reason))) {
    errors.push({ field: 'reason', message: `reason must be a single line of text of at most ${MAX_REASON_LENGTH} characters, got ${quote(input.reason)}` });
  }
  if (errors.length > 0) return { ok: false, errors };
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
