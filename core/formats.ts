// Parsers for the value formats our settings share with kured (durations, days, times, zones)
// and with Kubernetes and Azure (label selector lists, label lists, NCRONTAB, AKS resource ids).
// Each returns a value or a problem phrase that completes "SETTING: "value" …" and names the
// accepted form; phrases never repeat the value, so callers can hide secret ones.
import { isDns1123Label, isLabelValue, isQualifiedName, ACCEPTED_FORMS } from './k8sNames';
import { parseLabelSelector } from './labelSelector';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(problem: string): Parsed<T> => ({ ok: false, problem });
const quote = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);

/** Items of a comma-separated list, trimmed, empty items dropped. */
export function splitList(text: string, separator: RegExp | string = ','): string[] {
  return text.split(separator).map((s) => s.trim()).filter((s) => s !== '');
}

// ---- booleans and numbers ------------------------------------------------------------------

export const BOOLEAN_FORM = 'use true or false';

export function parseBoolean(text: string): Parsed<boolean> {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return ok(true);
  if (t === 'false' || t === '0') return ok(false);
  return fail(`is not a boolean; ${BOOLEAN_FORM}`);
}

export function parseWholeNumber(text: string, min: number, max: number): Parsed<number> {
  const t = text.trim();
  const n = /^\d{1,9}$/.test(t) ? Number(t) : NaN;
  if (Number.isNaN(n) || n < min || n > max) return fail(`is not a whole number from ${min} to ${max}; use for example ${min}`);
  return ok(n);
}

// ---- durations (Go's time.ParseDuration, as kured's flags, plus d for days) ------------------

export const DURATION_FORM = "use kured's form such as 30m, 1h30m or 90s (units h, m, s, ms; d for days)";

const NANOS: Record<string, bigint> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n,
  m: 60_000_000_000n, h: 3_600_000_000_000n, d: 86_400_000_000_000n,
};
const DURATION_PART = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h|d)/;

/** Seconds as the shortest kured duration, e.g. 5400 → "1h30m", 0 → "0s", 7776000 → "90d". */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

/** A non-negative duration in whole seconds, within [minSeconds, maxSeconds]. */
export function parseDuration(text: string, minSeconds = 0, maxSeconds = 366 * 86_400): Parsed<number> {
  let rest = text.trim();
  if (rest === '0') return rangeChecked(0, minSeconds, maxSeconds);
  if (rest === '') return fail(`is not a duration; ${DURATION_FORM}`);
  let nanos = 0n;
  while (rest !== '') {
    const m = DURATION_PART.exec(rest);
    const whole = m?.[1] ?? '';
    const fraction = m?.[2] ?? '';
    if (!m || (whole === '' && fraction === '') || whole.length + fraction.length > 15) {
      return fail(`is not a duration; ${DURATION_FORM}`);
    }
    const unit = NANOS[m[3]!]!;
    nanos += BigInt(whole || '0') * unit + (BigInt(fraction || '0') * unit) / 10n ** BigInt(fraction.length);
    rest = rest.slice(m[0].length);
  }
  if (nanos % 1_000_000_000n !== 0n) return fail(`is not a whole number of seconds; ${DURATION_FORM}`);
  const seconds = nanos / 1_000_000_000n;
  return rangeChecked(seconds > BigInt(maxSeconds) ? maxSeconds + 1 : Number(seconds), minSeconds, maxSeconds);
}

function rangeChecked(seconds: number, min: number, max: number): Parsed<number> {
  if (seconds < min || seconds > max) {
    return fail(`is out of range; use a duration from ${formatDuration(min)} to ${formatDuration(max)}, in kured's form such as 30m or 1h30m`);
  }
  return ok(seconds);
}

// ---- days of the week (kured's pkg/timewindow) ---------------------------------------------

export const DAYS_FORM = 'use days such as su,mo,tu,we,th,fr,sa (or sun/sunday…, or 0-6 with 0 = Sunday; ranges such as mo-fr), separated by commas';

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function parseDay(token: string): number | undefined {
  const t = token.trim().toLowerCase();
  if (/^\d$/.test(t)) return Number(t) <= 6 ? Number(t) : undefined;
  const index = DAY_NAMES.findIndex((name) => name === t || name.slice(0, 3) === t || name.slice(0, 2) === t);
  return index < 0 ? undefined : index;
}

/** Sorted, distinct day numbers (0 = Sunday). A range may wrap (fr-mo = fr,sa,su,mo). */
export function parseDays(text: string): Parsed<number[]> {
  const days = new Set<number>();
  for (const item of splitList(text)) {
    const bounds = item.split('-');
    const from = parseDay(bounds[0]!);
    const to = bounds.length === 2 ? parseDay(bounds[1]!) : from;
    if (from === undefined || to === undefined || bounds.length > 2) return fail(`has an unknown day ${quote(item)}; ${DAYS_FORM}`);
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  if (days.size === 0) return fail(`lists no day; ${DAYS_FORM}`);
  return ok([...days].sort((a, b) => a - b));
}

// ---- times of day (kured: 15:04, 15:04:05, 03:04pm, 15, 03pm, 3pm) ------------------------

export const TIME_FORM = 'use a time of day as kured takes it, such as 15:04, 23:59:59, 3pm or 03:04pm';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A time of day normalised to "HH:MM:SS". */
export function parseTimeOfDay(text: string): Parsed<string> {
  const t = text.trim();
  const h24 = /^(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?$/.exec(t);
  const h12 = /^(\d{1,2})(?::(\d{2}))?\s*([ap]m)$/i.exec(t);
  let hour: number, minute: number, second: number;
  if (h24) {
    [hour, minute, second] = [Number(h24[1]), Number(h24[2] ?? 0), Number(h24[3] ?? 0)];
    if (hour > 23) return fail(`is not a time of day; ${TIME_FORM}`);
  } else if (h12) {
    [hour, minute, second] = [Number(h12[1]), Number(h12[2] ?? 0), 0];
    if (hour > 12) return fail(`is not a time of day; ${TIME_FORM}`);
    const pm = h12[3]!.toLowerCase() === 'pm';
    hour = (hour % 12) + (pm ? 12 : 0);
  } else {
    return fail(`is not a time of day; ${TIME_FORM}`);
  }
  if (minute > 59 || second > 59) return fail(`is not a time of day; ${TIME_FORM}`);
  return ok(`${pad2(hour)}:${pad2(minute)}:${pad2(second)}`);
}

// ---- IANA time zones -----------------------------------------------------------------------

export const TIME_ZONE_FORM = 'use an IANA time zone name such as UTC, Europe/Paris or America/Los_Angeles';

/** An IANA zone name known to this runtime's Intl, in its canonical spelling. */
export function parseTimeZone(text: string): Parsed<string> {
  const t = text.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(t)) return fail(`is not a time zone; ${TIME_ZONE_FORM}`);
  try {
    return ok(new Intl.DateTimeFormat('en-US', { timeZone: t }).resolvedOptions().timeZone);
  } catch {
    return fail(`is not a time zone known to the IANA database; ${TIME_ZONE_FORM}`);
  }
}

// ---- NCRONTAB (Azure Functions timer trigger) ----------------------------------------------

export const NCRONTAB_FORM = 'use a 6-field NCRONTAB expression "{second} {minute} {hour} {day} {month} {day-of-week}", e.g. 0 */15 * * * *';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const CRON_FIELDS: { name: string; min: number; max: number; names?: string[]; offset?: number }[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, offset: 1 },
  { name: 'day-of-week', min: 0, max: 6, names: DAY_NAMES.map((d) => d.slice(0, 3)), offset: 0 },
];

// The most days each month can have (February in a leap year).
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Checks the syntax and ranges of a 6-field NCRONTAB expression, and that it can work as the
 * maintenance timer: it fires at most once a minute (one second value; the timer starts runs,
 * it does not poll) and on some date (a day that exists in one of its months; NCrontab asks
 * for the day of month and the day of week both, and every date falls on every weekday in
 * some year). Returns it normalised.
 */
export function parseNcrontab(text: string): Parsed<string> {
  const fields = text.trim().split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 6) return fail(`has ${fields.length} fields; ${NCRONTAB_FORM}`);
  const sets: Set<number>[] = [];
  for (const [i, field] of fields.entries()) {
    const spec = CRON_FIELDS[i]!;
    const values = expandCronField(field, spec);
    if (!values) return fail(`has a bad ${spec.name} field ${quote(field)} (${spec.min}-${spec.max}); ${NCRONTAB_FORM}`);
    sets.push(values);
  }
  const [seconds, , , days, months] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (seconds.size > 1) {
    return fail(`fires ${seconds.size} times a minute (second field ${quote(fields[0]!)}); fire at most once a minute, with one second value such as 0; ${NCRONTAB_FORM}`);
  }
  if (![...months].some((month) => [...days].some((day) => day <= MONTH_DAYS[month - 1]!))) {
    return fail(`never fires: no month of ${quote(fields[4]!)} has a day of ${quote(fields[3]!)}; ${NCRONTAB_FORM}`);
  }
  return ok(fields.join(' '));
}

/** The values one NCRONTAB field selects, or undefined when it is not valid. */
function expandCronField(field: string, spec: (typeof CRON_FIELDS)[number]): Set<number> | undefined {
  const value = (v: string): number | undefined => {
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const n = spec.names?.indexOf(v.toLowerCase()) ?? -1;
    return n < 0 ? undefined : n + (spec.offset ?? 0);
  };
  const inRange = (n: number | undefined): n is number => n !== undefined && n >= spec.min && n <= spec.max;
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^(\*|([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?)(?:\/(\d{1,2}))?$/.exec(item);
    if (!m) return undefined;
    const from = m[2] === undefined ? spec.min : value(m[2]);
    const to = m[3] === undefined ? (m[4] !== undefined || m[1] === '*' ? spec.max : from) : value(m[3]);
    const step = m[4] === undefined ? 1 : Number(m[4]);
    if (!inRange(from) || !inRange(to) || from > to || step < 1) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

// ---- label selectors (parsed and matched by core/labelSelector) ---------------------------

/** The reason a selector does not parse, without repeating the selector. */
export function selectorProblem(text: string): string | undefined {
  const parsed = parseLabelSelector(text);
  if (parsed.ok) return undefined;
  const prefix = `label selector ${JSON.stringify(text)}: `;
  return parsed.error.startsWith(prefix) ? parsed.error.slice(prefix.length) : parsed.error;
}

/** One kubectl-style selector (commas mean AND); the empty selector selects every pod. */
export function parseSelector(text: string): Parsed<string> {
  const problem = selectorProblem(text.trim());
  return problem === undefined ? ok(text.trim()) : fail(`is not a label selector: ${problem}`);
}

/** Several selectors separated by ";" (each may use commas for AND); any one matching blocks. */
export function parseSelectorList(text: string): Parsed<string[]> {
  const selectors = splitList(text, ';');
  for (const [i, selector] of selectors.entries()) {
    const problem = selectorProblem(selector);
    if (problem !== undefined) return fail(`has a bad selector ${quote(selector)} (number ${i + 1} of ${selectors.length}, separated by ";"): ${problem}`);
  }
  return ok(selectors);
}

// ---- label lists k=v -----------------------------------------------------------------------

export const LABEL_LIST_FORM = 'use key=value pairs separated by commas, such as example.com/rebooting=true,team=ops';

export function parseLabelList(text: string): Parsed<Record<string, string>> {
  const labels: Record<string, string> = {};
  for (const item of splitList(text)) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq).trim();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (eq < 0) return fail(`has ${quote(item)} without "="; ${LABEL_LIST_FORM}`);
    if (!isQualifiedName(key)) return fail(`has a bad label key ${quote(key)} (${ACCEPTED_FORMS.qualifiedName}); ${LABEL_LIST_FORM}`);
    if (!isLabelValue(value)) return fail(`has a bad value for ${key} (${ACCEPTED_FORMS.labelValue}); ${LABEL_LIST_FORM}`);
    if (key in labels) return fail(`sets ${key} twice; ${LABEL_LIST_FORM}`);
    labels[key] = value;
  }
  return ok(labels);
}

// ---- AKS node pools and clusters -----------------------------------------------------------

export const POOL_LIST_FORM = 'use AKS node pool names (a lower-case letter, then up to 11 lower-case letters or digits) separated by commas, such as nodepool1,user';

export function parsePoolList(text: string): Parsed<string[]> {
  const pools = splitList(text);
  const bad = pools.find((p) => !/^[a-z][a-z0-9]{0,11}$/.test(p));
  if (bad !== undefined) return fail(`has a bad node pool name ${quote(bad)}; ${POOL_LIST_FORM}`);
  return ok([...new Set(pools)]);
}

export interface ClusterRef {
  /** The name used in the API routes and instance ids (RFC 1123 label). */
  alias: string;
  /** `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>`. */
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export const CLUSTERS_FORM =
  'use alias=/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>, separated by commas (alias: lower-case letters, digits and "-")';

const RESOURCE_ID =
  /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/resourcegroups\/([-\p{L}\p{N}_.()]{1,90})\/providers\/microsoft\.containerservice\/managedclusters\/([A-Za-z0-9](?:[-\w]{0,61}[A-Za-z0-9])?)$/iu;

export function parseAksClusters(text: string): Parsed<ClusterRef[]> {
  const clusters: ClusterRef[] = [];
  for (const item of splitList(text)) {
    const eq = item.indexOf('=');
    const alias = item.slice(0, Math.max(eq, 0)).trim();
    const id = item.slice(eq + 1).trim();
    if (eq < 0 || !isDns1123Label(alias)) return fail(`has an entry ${quote(item)} without a valid alias; ${CLUSTERS_FORM}`);
    const m = RESOURCE_ID.exec(id);
    if (!m || m[2]!.endsWith('.')) return fail(`has a malformed AKS resource id for ${alias}; ${CLUSTERS_FORM}`);
    const [subscriptionId, resourceGroup, name] = [m[1]!.toLowerCase(), m[2]!, m[3]!];
    const resourceId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
    const twin = clusters.find((c) => c.alias === alias || c.resourceId.toLowerCase() === resourceId.toLowerCase());
    if (twin?.alias === alias) return fail(`uses the alias ${alias} twice; give each cluster its own alias`);
    if (twin) return fail(`names the same cluster twice (${twin.alias} and ${alias}); configure each cluster once`);
    clusters.push({ alias, resourceId, subscriptionId, resourceGroup, name });
  }
  return ok(clusters);
}

// ---- URLs ------------------------------------------------------------------------------------

/** An absolute http(s) URL; `what` names the entry in the problem (the URL is never echoed). */
export function parseHttpUrl(text: string, what = 'the value'): Parsed<string> {
  const t = text.trim();
  const url = !/\s/.test(t) && URL.canParse(t) ? new URL(t) : undefined;
  if (!url) return fail(`${what} is not a URL; use an http:// or https:// URL`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`${what} is not an http:// or https:// URL`);
  return ok(t);
}
