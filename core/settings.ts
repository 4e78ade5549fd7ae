// The settings schema (docs/design.md#settings-snapshot, README.md#settings): every setting with its default, a one-line
// description and its parser, as one zod object. parseSettings reads app settings once and
// reports every problem together, each naming the setting, the bad value (never for secret
// settings) and the accepted form. The result is plain JSON, snapshotted into run inputs.
import { z } from 'zod';
import {
  parseAksClusters, parseBoolean, parseDays, parseDuration, parseHttpUrl, parseLabelList,
  parseNcrontab, parsePoolList, parseSelector, parseSelectorList, parseTimeOfDay, parseTimeZone,
  parseWholeNumber, splitList, type ClusterRef, type Parsed,
} from './formats';
import { ACCEPTED_FORMS, isDns1123Label, isImageReference, isQualifiedName, isLabelValue, isSafeAbsolutePath } from './k8sNames';
import { compileAlertFilterRegexp } from './blockers';
import { checkMessageTemplate, KURED_MESSAGE_TEMPLATES, parseNotifyTarget } from './notifyMessages';
import type { ImplicitBudget } from './implicitBudget';
import { ALLOW_PRIVATE_URLS_SETTING, hostReach, urlPolicyProblem } from './urlPolicy';
import type { WindowSpec } from './window';

export type { ClusterRef } from './formats';
export type { WindowSpec } from './window';

export type OnFailure = 'halt' | 'skip';
export type Detector = 'sentinel' | 'node-label' | 'node-condition';
export type RebootMethod = 'run-command' | 'pod';
export type { ImplicitBudget };

/** The parsed settings: plain JSON, durations in whole seconds. */
export interface Settings {
  clusters: ClusterRef[];
  enabled: boolean;
  schedule: string;
  window: WindowSpec;
  concurrency: number;
  lockTtlSeconds: number;
  drainDelaySeconds: number;
  preDrainGate: boolean;
  preDrainTimeoutSeconds: number;
  drainTimeoutSeconds: number;
  /** null: each pod's own terminationGracePeriodSeconds. */
  drainGracePeriodSeconds: number | null;
  /** '' selects every pod. */
  drainPodSelector: string;
  drainDeleteEmptyDirData: boolean;
  drainForce: boolean;
  /** 0: wait for terminating pods however long. */
  skipWaitForDeleteTimeoutSeconds: number;
  /** A workload without a PDB: its rolling update's budget (ADR 0018), or none ('off', ADR 0014). */
  implicitBudget: ImplicitBudget;
  forceReboot: boolean;
  rebootDelaySeconds: number;
  rebootTimeoutSeconds: number;
  recoveryGate: boolean;
  recoveryTimeoutSeconds: number;
  postRebootDelaySeconds: number;
  blockedTimeoutSeconds: number;
  pollIntervalSeconds: number;
  onFailure: OnFailure;
  detector: Detector;
  sentinel: string;
  /** The node label the node-label detector reads; without a value, any value means "reboot". */
  nodeLabel: { key: string; value?: string };
  nodeCondition: string;
  method: RebootMethod;
  helperImage: string;
  namespace: string;
  /** Empty: every eligible pool. */
  nodePools: string[];
  excludeNodePools: string[];
  includeSpot: boolean;
  /** Each a kubectl selector (commas = AND); any one matching a pod blocks (OR). */
  blockingPodSelectors: string[];
  /** Secret. '' turns the Prometheus alert blocker off. */
  prometheusUrl: string;
  alertFilterRegexp: string;
  alertFilterMatchOnly: boolean;
  alertFiringOnly: boolean;
  preRebootNodeLabels: Record<string, string>;
  postRebootNodeLabels: Record<string, string>;
  /** Taint key; '' turns the PreferNoSchedule taint off. */
  preferNoScheduleTaint: string;
  /** Secret. Entries as written (optionally prefixed slack+, teams+ or generic+). */
  notifyUrls: string[];
  messageTemplateDrain: string;
  messageTemplateReboot: string;
  messageTemplateUncordon: string;
  /** true: every cluster signs in with its admin kubeconfig; false: none; a list: those aliases. */
  useAdminCredentials: boolean | string[];
  historyRetentionSeconds: number;
  /** Accept notification and Prometheus URLs on loopback, link-local or private addresses. */
  allowPrivateUrls: boolean;
}

export interface SettingError {
  /** The app setting's name, e.g. REBOOT_DRAIN_TIMEOUT. */
  setting: string;
  /** One line: the setting, the bad value (unless secret) and the accepted form. */
  message: string;
}

export type ParseSettingsResult = { ok: true; settings: Settings } | { ok: false; errors: SettingError[] };

interface SettingSpec<T> {
  name: string;
  default: string;
  description: string;
  secret?: boolean;
  parse(text: string): Parsed<T>;
}

// ---- parsers that only settings need ---------------------------------------------------------

/** What REBOOT_USE_ADMIN_CREDENTIALS accepts (adapters/kube/signIn.ts repeats it in its errors). */
export const ADMIN_CREDENTIALS_ACCEPTED = 'true, false or a comma-separated list of cluster aliases from AKS_CLUSTERS';
const ADMIN_CREDENTIALS_FORM = `use ${ADMIN_CREDENTIALS_ACCEPTED}`;

function parseAdminCredentials(text: string): Parsed<boolean | string[]> {
  const asBoolean = parseBoolean(text);
  if (asBoolean.ok) return asBoolean;
  const aliases = splitList(text);
  const bad = aliases.filter((a) => !isDns1123Label(a));
  if (aliases.length === 0 || bad.length > 0) return { ok: false, problem: `is not accepted; ${ADMIN_CREDENTIALS_FORM}` };
  return { ok: true, value: [...new Set(aliases)] };
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

const duration = (min: number, max: number) => (text: string) => parseDuration(text, min, max);

function oneOf<T extends string>(...values: T[]) {
  return (text: string): Parsed<T> => {
    const t = text.trim().toLowerCase();
    return (values as string[]).includes(t) ? { ok: true, value: t as T } : { ok: false, problem: `is not accepted; use one of: ${values.join(', ')}` };
  };
}

function checked(test: (value: string) => boolean, form: string) {
  return (text: string): Parsed<string> => {
    const t = text.trim();
    return test(t) ? { ok: true, value: t } : { ok: false, problem: `is not valid; use ${form}` };
  };
}

function gracePeriod(text: string): Parsed<number | null> {
  const t = text.trim();
  if (t === '' || t === '-1') return { ok: true, value: null };
  return parseDuration(t, 0, HOUR);
}

function nodeLabel(text: string): Parsed<{ key: string; value?: string }> {
  const [key, value, extra] = text.trim().split('=');
  const form = `use key or key=value, e.g. aks-reboot-orchestrator/reboot-required=true (key: ${ACCEPTED_FORMS.qualifiedName})`;
  if (extra !== undefined || !isQualifiedName(key!.trim()) || (value !== undefined && !isLabelValue(value.trim()))) {
    return { ok: false, problem: `is not a node label; ${form}` };
  }
  return { ok: true, value: value === undefined ? { key: key!.trim() } : { key: key!.trim(), value: value.trim() } };
}

// Checked by the very compiler the blocker uses, so (?i) and other Go flags kured accepts pass.
function regexp(text: string): Parsed<string> {
  if (text === '') return { ok: true, value: text };
  const compiled = compileAlertFilterRegexp(text);
  return compiled.ok ? { ok: true, value: text } : { ok: false, problem: `is not a valid regular expression; use a pattern such as ^(RebootRequired|Watchdog)$` };
}

function messageTemplate(text: string): Parsed<string> {
  const checkedTemplate = checkMessageTemplate(text);
  return checkedTemplate.ok ? { ok: true, value: text } : { ok: false, problem: checkedTemplate.error };
}

const NOTIFY_SEPARATOR = /[\s,]+/;

// Entry numbers only: the URLs are secrets. Where they may point is checked with
// REBOOT_ALLOW_PRIVATE_URLS below (urlProblems), once every setting is read.
function notifyUrls(text: string): Parsed<string[]> {
  const entries = splitList(text, NOTIFY_SEPARATOR);
  for (const [i, entry] of entries.entries()) {
    const target = parseNotifyTarget(entry, { allowInsecureHttp: true });
    if (!target.ok) return { ok: false, problem: `entry ${i + 1} of ${entries.length} ${target.error}; separate several URLs with commas or spaces` };
    const url = new URL(target.target.url);
    if (url.protocol === 'http:' && hostReach(url.hostname) === 'public') {
      return { ok: false, problem: `entry ${i + 1} of ${entries.length} uses http:// to a public host (webhook URLs carry secrets); use https://` };
    }
  }
  return { ok: true, value: entries };
}

type UrlSettings = Pick<Values, 'notifyUrls' | 'prometheusUrl' | 'allowPrivateUrls'>;

/** What the URL policy refuses among the notify entries (by number), or undefined. */
function notifyUrlsProblem(v: UrlSettings): string | undefined {
  const problems = v.notifyUrls.flatMap((entry, i) => {
    const target = parseNotifyTarget(entry, { allowInsecureHttp: true });
    const problem = target.ok ? urlPolicyProblem(new URL(target.target.url), { allowPrivate: v.allowPrivateUrls, httpToPublic: false }) : undefined;
    return problem ? [`entry ${i + 1} of ${v.notifyUrls.length} ${problem}`] : [];
  });
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** What the URL policy refuses in the Prometheus URL, or undefined. */
function prometheusUrlProblem(v: UrlSettings): string | undefined {
  const url = v.prometheusUrl === '' ? undefined : URL.parse(v.prometheusUrl.trim());
  return url ? urlPolicyProblem(url, { allowPrivate: v.allowPrivateUrls, httpToPublic: true }) : undefined;
}

function prometheusUrl(text: string): Parsed<string> {
  return text.trim() === '' ? { ok: true, value: '' } : parseHttpUrl(text, 'the value');
}

// ---- the schema ------------------------------------------------------------------------------

const spec = <T>(s: SettingSpec<T>): SettingSpec<T> => s;

const SPECS = {
  clusters: spec({ name: 'AKS_CLUSTERS', default: '', parse: parseAksClusters,
    description: 'Clusters to manage: alias=<AKS managed cluster resource id>, comma-separated; empty manages none.' }),
  enabled: spec({ name: 'REBOOT_ENABLED', default: 'true', parse: parseBoolean,
    description: 'Kill switch: false makes the timer start nothing and the API refuse new runs.' }),
  schedule: spec({ name: 'REBOOT_SCHEDULE', default: '0 */15 * * * *', parse: parseNcrontab,
    description: 'NCRONTAB schedule (6 fields, seconds first) of the timer that starts runs in the window.' }),
  windowDays: spec({ name: 'REBOOT_DAYS', default: 'su,mo,tu,we,th,fr,sa', parse: parseDays,
    description: "Days the maintenance window is open (kured's --reboot-days): su,mo,… or 0-6, 0 = Sunday." }),
  windowStart: spec({ name: 'REBOOT_START_TIME', default: '0:00', parse: parseTimeOfDay,
    description: "Time of day the window opens, in REBOOT_TIME_ZONE (kured's --start-time: 15:04, 3pm, 03:04pm)." }),
  windowEnd: spec({ name: 'REBOOT_END_TIME', default: '23:59:59', parse: parseTimeOfDay,
    description: 'Time of day the window closes, included; before the start time it wraps past midnight.' }),
  windowTimeZone: spec({ name: 'REBOOT_TIME_ZONE', default: 'UTC', parse: parseTimeZone,
    description: 'IANA time zone of the window, DST-aware (e.g. Europe/Paris).' }),
  concurrency: spec({ name: 'REBOOT_CONCURRENCY', default: '1', parse: (t: string) => parseWholeNumber(t, 1, 100),
    description: 'Nodes disrupted at once (cordoned to back Ready), never two in one zone, each within its budgets.' }),
  lockTtlSeconds: spec({ name: 'REBOOT_LOCK_TTL', default: '30m', parse: duration(MINUTE, DAY),
    description: "Lifetime of the cluster's Lease; a run renews it, so it lapses only when a run died." }),
  drainDelaySeconds: spec({ name: 'REBOOT_DRAIN_DELAY', default: '0', parse: duration(0, DAY),
    description: "Wait after locking a node before its gate and drain (kured's --drain-delay)." }),
  preDrainGate: spec({ name: 'REBOOT_PRE_DRAIN_GATE', default: 'true', parse: parseBoolean,
    description: 'Before draining, wait until every workload on the node can take one disruption.' }),
  preDrainTimeoutSeconds: spec({ name: 'REBOOT_PRE_DRAIN_TIMEOUT', default: '30m', parse: duration(MINUTE, DAY),
    description: 'Longest wait for the pre-drain gate before the node fails.' }),
  drainTimeoutSeconds: spec({ name: 'REBOOT_DRAIN_TIMEOUT', default: '30m', parse: duration(MINUTE, DAY),
    description: "Longest drain before giving up (as AKS's drainTimeoutInMinutes)." }),
  drainGracePeriodSeconds: spec({ name: 'REBOOT_DRAIN_GRACE_PERIOD', default: '', parse: gracePeriod,
    description: "Termination grace period for evicted pods; empty (or -1) uses each pod's own." }),
  drainPodSelector: spec({ name: 'REBOOT_DRAIN_POD_SELECTOR', default: '', parse: parseSelector,
    description: "Only pods matching this label selector are evicted (kured's --drain-pod-selector); empty: all." }),
  drainDeleteEmptyDirData: spec({ name: 'REBOOT_DRAIN_DELETE_EMPTYDIR_DATA', default: 'true', parse: parseBoolean,
    description: 'Evict pods with emptyDir volumes, losing that data (as kured).' }),
  drainForce: spec({ name: 'REBOOT_DRAIN_FORCE', default: 'true', parse: parseBoolean,
    description: 'Evict pods that no controller recreates (as kured).' }),
  skipWaitForDeleteTimeoutSeconds: spec({ name: 'REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT', default: '0', parse: duration(0, DAY),
    description: 'Stop waiting for pods deleted longer ago than this; 0 waits however long (kubectl).' }),
  implicitBudget: spec({ name: 'REBOOT_IMPLICIT_BUDGET', default: 'rollout', parse: oneOf<ImplicitBudget>('rollout', 'off'),
    description: "Without a PDB, a workload loses at most its rolling update's maxUnavailable at once (ADR 0018)." }),
  forceReboot: spec({ name: 'REBOOT_FORCE_REBOOT', default: 'false', parse: parseBoolean,
    description: "Reboot even when the drain timed out (kured's --force-reboot)." }),
  rebootDelaySeconds: spec({ name: 'REBOOT_REBOOT_DELAY', default: '0', parse: duration(0, DAY),
    description: "Wait between the drain and the reboot (kured's --reboot-delay)." }),
  rebootTimeoutSeconds: spec({ name: 'REBOOT_TIMEOUT', default: '15m', parse: duration(MINUTE, DAY),
    description: 'Longest wait for a new boot id and Ready=True after the reboot was issued.' }),
  recoveryGate: spec({ name: 'REBOOT_RECOVERY_GATE', default: 'true', parse: parseBoolean,
    description: "After a reboot, wait until the node's pods are Ready and evicted workloads fully available." }),
  recoveryTimeoutSeconds: spec({ name: 'REBOOT_RECOVERY_TIMEOUT', default: '30m', parse: duration(MINUTE, DAY),
    description: 'Longest wait for the recovery gate before the node fails.' }),
  postRebootDelaySeconds: spec({ name: 'REBOOT_POST_REBOOT_DELAY', default: '0', parse: duration(0, DAY),
    description: "Wait after recovery before the next node (kured's --lock-release-delay)." }),
  blockedTimeoutSeconds: spec({ name: 'REBOOT_BLOCKED_TIMEOUT', default: '1h', parse: duration(0, 7 * DAY),
    description: 'Longest wait while a blocker holds the next node back; then the run stops.' }),
  pollIntervalSeconds: spec({ name: 'REBOOT_POLL_INTERVAL', default: '10s', parse: duration(1, 10 * MINUTE),
    description: 'Longest pause between checks; a wait with an expected end sleeps until it first (ADR 0023).' }),
  onFailure: spec({ name: 'REBOOT_ON_FAILURE', default: 'halt', parse: oneOf<OnFailure>('halt', 'skip'),
    description: 'When a node fails: halt the run, or skip the node and go on.' }),
  detector: spec({ name: 'REBOOT_DETECTOR', default: 'sentinel', parse: oneOf<Detector>('sentinel', 'node-label', 'node-condition'),
    description: 'How a pending reboot is found: sentinel file (check pods), node label, or node condition.' }),
  sentinel: spec({ name: 'REBOOT_SENTINEL', default: '/var/run/reboot-required', parse: checked(isSafeAbsolutePath, ACCEPTED_FORMS.safeAbsolutePath),
    description: "File on the node whose presence means a reboot is required (kured's --reboot-sentinel)." }),
  nodeLabel: spec({ name: 'REBOOT_NODE_LABEL', default: 'aks-reboot-orchestrator/reboot-required=true', parse: nodeLabel,
    description: 'For the node-label detector: key=value (or key, any value) that marks a node to reboot.' }),
  nodeCondition: spec({ name: 'REBOOT_NODE_CONDITION', default: 'RebootRequired', parse: checked(isQualifiedName, `a node condition type, e.g. RebootRequired (${ACCEPTED_FORMS.qualifiedName})`),
    description: 'For the node-condition detector: condition type whose status True marks a node to reboot.' }),
  method: spec({ name: 'REBOOT_METHOD', default: 'run-command', parse: oneOf<RebootMethod>('run-command', 'pod'),
    description: 'How the reboot helper pod is created: AKS run-command, or directly through the Kubernetes API.' }),
  helperImage: spec({ name: 'REBOOT_HELPER_IMAGE', default: 'mcr.microsoft.com/azurelinux/busybox:1.36', parse: checked(isImageReference, ACCEPTED_FORMS.imageReference),
    description: 'Image of the check and reboot helper pods; pin a digest in production.' }),
  namespace: spec({ name: 'REBOOT_NAMESPACE', default: 'aks-reboot-orchestrator', parse: checked(isDns1123Label, ACCEPTED_FORMS.dns1123Label),
    description: 'Namespace of the helper pods and of the Lease.' }),
  nodePools: spec({ name: 'REBOOT_NODE_POOLS', default: '', parse: parsePoolList,
    description: 'Only these node pools, comma-separated; empty: every Linux pool.' }),
  excludeNodePools: spec({ name: 'REBOOT_EXCLUDE_NODE_POOLS', default: '', parse: parsePoolList,
    description: 'Node pools never rebooted, comma-separated.' }),
  includeSpot: spec({ name: 'REBOOT_INCLUDE_SPOT', default: 'false', parse: parseBoolean,
    description: 'Also reboot Spot node pools.' }),
  blockingPodSelectors: spec({ name: 'REBOOT_BLOCKING_POD_SELECTOR', default: '', parse: parseSelectorList,
    description: "Label selectors separated by ';' (commas within one mean AND): a matching pod blocks reboots." }),
  prometheusUrl: spec({ name: 'REBOOT_PROMETHEUS_URL', default: '', secret: true, parse: prometheusUrl,
    description: 'Prometheus whose firing alerts block reboots (may carry credentials); empty: off.' }),
  alertFilterRegexp: spec({ name: 'REBOOT_ALERT_FILTER_REGEXP', default: '', parse: regexp,
    description: "Alert names to ignore (kured's --alert-filter-regexp); empty ignores none." }),
  alertFilterMatchOnly: spec({ name: 'REBOOT_ALERT_FILTER_MATCH_ONLY', default: 'false', parse: parseBoolean,
    description: 'Block only on alerts that match the filter, instead of ignoring them (kured).' }),
  alertFiringOnly: spec({ name: 'REBOOT_ALERT_FIRING_ONLY', default: 'false', parse: parseBoolean,
    description: 'Only firing alerts block, not pending ones (kured).' }),
  preRebootNodeLabels: spec({ name: 'REBOOT_PRE_REBOOT_NODE_LABELS', default: '', parse: parseLabelList,
    description: 'Labels set on a node before its drain, key=value comma-separated (kured).' }),
  postRebootNodeLabels: spec({ name: 'REBOOT_POST_REBOOT_NODE_LABELS', default: '', parse: parseLabelList,
    description: 'Labels set on a node after its reboot, key=value comma-separated (kured).' }),
  preferNoScheduleTaint: spec({ name: 'REBOOT_PREFER_NO_SCHEDULE_TAINT', default: '', parse: (t: string) => (t.trim() === '' ? { ok: true, value: '' } : checked(isQualifiedName, `a taint key such as weave.works/kured-node-reboot (${ACCEPTED_FORMS.qualifiedName})`)(t)),
    description: 'Taint key put (PreferNoSchedule) on nodes still to reboot, so pods land on done ones; empty: off.' }),
  notifyUrls: spec({ name: 'REBOOT_NOTIFY_URL', default: '', secret: true, parse: notifyUrls,
    description: 'Webhook URLs (Slack, Teams, generic JSON), separated by commas or spaces; empty: none.' }),
  messageTemplateDrain: spec({ name: 'REBOOT_MESSAGE_TEMPLATE_DRAIN', default: KURED_MESSAGE_TEMPLATES.drain, parse: messageTemplate,
    description: 'Notification when a drain starts; %s is the node name (kured).' }),
  messageTemplateReboot: spec({ name: 'REBOOT_MESSAGE_TEMPLATE_REBOOT', default: KURED_MESSAGE_TEMPLATES.reboot, parse: messageTemplate,
    description: 'Notification when the reboot is issued; %s is the node name (kured).' }),
  messageTemplateUncordon: spec({ name: 'REBOOT_MESSAGE_TEMPLATE_UNCORDON', default: KURED_MESSAGE_TEMPLATES.uncordon, parse: messageTemplate,
    description: 'Notification when the node is back and uncordoned; %s is the node name (kured).' }),
  useAdminCredentials: spec({ name: 'REBOOT_USE_ADMIN_CREDENTIALS', default: 'false', parse: parseAdminCredentials,
    description: 'Clusters that sign in with their admin kubeconfig: true, false, or aliases, comma-separated.' }),
  historyRetentionSeconds: spec({ name: 'REBOOT_HISTORY_RETENTION', default: '90d', parse: duration(DAY, 3650 * DAY),
    description: 'Instance histories older than this are purged.' }),
  allowPrivateUrls: spec({ name: ALLOW_PRIVATE_URLS_SETTING, default: 'false', parse: parseBoolean,
    description: 'Accept notify and Prometheus URLs on private or loopback addresses, and passwords over http.' }),
};

type Specs = typeof SPECS;
type Field = keyof Specs;
type Values = { [K in Field]: Specs[K] extends SettingSpec<infer T> ? T : never };

const ALL_SPECS: readonly SettingSpec<unknown>[] = Object.values(SPECS);
const NAMES = new Set(ALL_SPECS.map((s) => s.name));
const shown = (text: string): string => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);

function problemLine(s: SettingSpec<unknown>, text: string, problem: string): string {
  return s.secret ? `${s.name}: ${problem} (the value is secret and not shown)` : `${s.name}: ${shown(text)} ${problem}`;
}

function fieldSchema<T>(s: SettingSpec<T>) {
  return z.string()
    .transform((text, ctx): T => {
      const parsed = s.parse(text);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: problemLine(s as SettingSpec<unknown>, text, parsed.problem) });
      return z.NEVER;
    })
    .meta({ title: s.name, description: s.description, default: s.default, secret: s.secret ?? false });
}

const clean = (issues: readonly { path?: readonly PropertyKey[] }[], fields: Field[]): boolean =>
  !issues.some((i) => fields.includes(i.path?.[0] as Field));

/** The zod schema over `{ field: raw text }` (see settingInput); its output is `Settings`. */
export const settingsSchema = z
  .object(Object.fromEntries(Object.entries(SPECS).map(([field, s]) => [field, fieldSchema(s as SettingSpec<unknown>)])) as unknown as { [K in Field]: z.ZodType<Values[K], string> })
  .refine((v) => !v.nodePools.some((p) => v.excludeNodePools.includes(p)), {
    path: ['excludeNodePools'],
    when: (p) => clean(p.issues, ['nodePools', 'excludeNodePools']),
    error: (issue) => {
      const v = issue.input as Values;
      const both = v.nodePools.filter((p) => v.excludeNodePools.includes(p));
      return `${SPECS.excludeNodePools.name}: ${shown(both.join(','))} is also in ${SPECS.nodePools.name}; list a pool in only one of them`;
    },
  })
  .refine((v) => typeof v.useAdminCredentials === 'boolean' || v.useAdminCredentials.every((a) => v.clusters.some((c) => c.alias === a)), {
    path: ['useAdminCredentials'],
    when: (p) => clean(p.issues, ['useAdminCredentials', 'clusters']),
    error: (issue) => {
      const v = issue.input as Values;
      const unknown = (v.useAdminCredentials as string[]).filter((a) => !v.clusters.some((c) => c.alias === a));
      const known = v.clusters.map((c) => c.alias).join(', ') || 'none';
      return `${SPECS.useAdminCredentials.name}: ${shown(unknown.join(','))} names no cluster of ${SPECS.clusters.name} (aliases: ${known}); ${ADMIN_CREDENTIALS_FORM}`;
    },
  })
  .refine((v) => v.pollIntervalSeconds * 3 <= v.lockTtlSeconds, {
    path: ['pollIntervalSeconds'],
    when: (p) => clean(p.issues, ['pollIntervalSeconds', 'lockTtlSeconds']),
    error: (issue) => {
      const v = issue.input as Values;
      return `${SPECS.pollIntervalSeconds.name}: ${v.pollIntervalSeconds}s is more than a third of ${SPECS.lockTtlSeconds.name} (${v.lockTtlSeconds}s), so the Lease could lapse between renewals; use a shorter interval or a longer TTL`;
    },
  })
  .refine((v) => notifyUrlsProblem(v) === undefined, {
    path: ['notifyUrls'],
    when: (p) => clean(p.issues, ['notifyUrls', 'allowPrivateUrls']),
    error: (issue) => problemLine(SPECS.notifyUrls, '', notifyUrlsProblem(issue.input as Values)!),
  })
  .refine((v) => prometheusUrlProblem(v) === undefined, {
    path: ['prometheusUrl'],
    when: (p) => clean(p.issues, ['prometheusUrl', 'allowPrivateUrls']),
    error: (issue) => problemLine(SPECS.prometheusUrl, '', prometheusUrlProblem(issue.input as Values)!),
  })
  .transform((v): Settings => {
    const { windowDays, windowStart, windowEnd, windowTimeZone, ...rest } = v;
    return { ...rest, window: { days: windowDays, start: windowStart, end: windowEnd, timeZone: windowTimeZone } };
  });

/** The schema's input: each setting's text from `env`, its default when unset or blank. */
export function settingInput(env: Readonly<Record<string, string | undefined>>): Record<Field, string> {
  return Object.fromEntries(Object.entries(SPECS).map(([field, s]) => {
    const raw = env[s.name];
    return [field, raw === undefined || raw.trim() === '' ? s.default : raw];
  })) as Record<Field, string>;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length]!;
}

// Typos must not be silently ignored: any REBOOT_* name (any case) that is not ours is an error.
// The value is never shown: a misspelt secret setting is still a secret.
function unknownSettings(env: Readonly<Record<string, string | undefined>>): SettingError[] {
  return Object.keys(env)
    .filter((name) => /^reboot_/i.test(name) && !NAMES.has(name))
    .sort()
    .map((name) => {
      const nearest = [...NAMES].map((known) => ({ known, d: editDistance(name.toUpperCase(), known) })).sort((a, b) => a.d - b.d)[0]!;
      const hint = nearest.d <= 2 ? `; did you mean ${nearest.known}?` : '.';
      return { setting: name, message: `${name}: is not a setting of aks-reboot-orchestrator${hint} Names are case-sensitive; see the settings table in README.md.` };
    });
}

/** Reads the settings from app settings / environment variables, reporting every problem. */
export function parseSettings(env: Readonly<Record<string, string | undefined>>): ParseSettingsResult {
  const unknown = unknownSettings(env);
  const result = settingsSchema.safeParse(settingInput(env));
  const invalid: SettingError[] = result.success ? [] : result.error.issues.map((issue) => ({
    setting: SPECS[issue.path[0] as Field]?.name ?? String(issue.path[0]),
    message: issue.message,
  }));
  const errors = [...invalid, ...unknown];
  if (errors.length > 0 || !result.success) return { ok: false, errors };
  return { ok: true, settings: result.data };
}

/** One readable message for logs and the API's 500 answer. */
export function formatSettingsErrors(errors: readonly SettingError[]): string {
  const count = `${errors.length} problem${errors.length === 1 ? '' : 's'}`;
  return [`Invalid settings (${count}); no run starts until they are fixed:`, ...errors.map((e) => `  - ${e.message}`)].join('\n');
}

export interface SettingDescription {
  name: string;
  default: string;
  description: string;
  secret: boolean;
}

/** Every setting in schema order, for documentation and drift tests. */
export function settingDescriptions(): SettingDescription[] {
  return ALL_SPECS.map((s) => ({ name: s.name, default: s.default, description: s.description, secret: s.secret ?? false }));
}

/** Setting name → default text, in schema order (for the infra drift tests). */
export function settingDefaults(): Record<string, string> {
  return Object.fromEntries(ALL_SPECS.map((s) => [s.name, s.default]));
}
