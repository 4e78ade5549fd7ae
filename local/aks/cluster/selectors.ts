// Label and field selectors as the apiserver parses them: the string forms of `?labelSelector=`
// and `?fieldSelector=`, and the structured LabelSelector of workloads and PDBs.
import type { LabelSelector } from './types';

export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export type Labels = Record<string, string> | undefined;

export class SelectorError extends Error {}

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`. An empty string selects everything. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const out: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const s = part.trim();
    if (!s) continue;
    let m = /^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/.exec(s);
    if (m) {
      out.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '') });
      continue;
    }
    m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(s);
    if (m) {
      out.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
      continue;
    }
    m = /^(!?)([A-Za-z0-9][-A-Za-z0-9_./]*)$/.exec(s);
    if (m) {
      out.push({ key: m[2]!, op: m[1] ? '!exists' : 'exists' });
      continue;
    }
    throw new SelectorError(`unable to parse requirement: ${JSON.stringify(s)}`);
  }
  return out;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

export function matchesRequirements(reqs: LabelRequirement[], labels: Labels): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists': return has;
      case '!exists': return !has;
      case 'in': return has && r.values.includes(l[r.key]!);
      case 'notin': return !has || !r.values.includes(l[r.key]!);
    }
  });
}

/** Converts a structured LabelSelector to requirements. `undefined` selects nothing (as PDBs treat it). */
export function labelSelectorRequirements(sel: LabelSelector | undefined): LabelRequirement[] | undefined {
  if (!sel) return undefined;
  const reqs: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, op: 'in', values: [v] }));
  for (const e of sel.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In': reqs.push({ key: e.key, op: 'in', values: e.values ?? [] }); break;
      case 'NotIn': reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] }); break;
      case 'Exists': reqs.push({ key: e.key, op: 'exists' }); break;
      case 'DoesNotExist': reqs.push({ key: e.key, op: '!exists' }); break;
      default: throw new SelectorError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    }
  }
  return reqs;
}

/** Whether a structured selector matches; an empty or missing selector matches nothing. */
export function selectorMatches(sel: LabelSelector | undefined, labels: Labels): boolean {
  const reqs = labelSelectorRequirements(sel);
  if (!reqs || reqs.length === 0) return false;
  return matchesRequirements(reqs, labels);
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** Parses `spec.nodeName=x,status.phase!=Succeeded`; fails on a field not in `supported`. */
export function parseFieldSelector(text: string, supported: readonly string[]): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const raw of text.split(',')) {
    const s = raw.trim();
    if (!s) continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(s);
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${s}'`);
    const field = m[1]!;
    if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    out.push({ field, value: m[3]!, negate: m[2] === '!=' });
  }
  return out;
}

export function matchesFields(reqs: FieldRequirement[], get: (field: string) => string): boolean {
  return reqs.every((r) => (get(r.field) === r.value) !== r.negate);
}
