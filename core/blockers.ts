// Blockers: the rules that hold a node's reboot back, as kured's pkg/blockers decides them,
// plus two of ours (cluster health, kured's own lock). Each rule is pure: the facts are fetched
// beforehand (by an activity) and passed in, a failed fetch included, so that a blocker that
// could not check reports "blocked" with the reason (fail closed, as kured does).

import { RE2JS } from 're2js';
import { type NodeFacts, type PodFacts, type PodPhase, qualifiedName } from './kubeFacts';
import { compileLabelSelector } from './labelSelector';

/** A fact fetched from the cluster or Prometheus, or the reason it could not be. */
export type Fact<T> = { ok: true; value: T } | { ok: false; error: string };

export type BlockerName = 'pod-selector' | 'prometheus' | 'cluster-health' | 'kured-lock';

export interface BlockerVerdict {
  blocker: BlockerName;
  blocked: boolean;
  /** Why the reboot is held back (set when blocked). */
  reason?: string;
}

export interface BlockersSummary {
  blocked: boolean;
  /** The verdicts that block, in the order given. */
  blockedBy: BlockerVerdict[];
}

// Names listed in a reason; kured logs at most 10 and "..." too.
const MAX_LISTED = 10;

function listed(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(', ');
  return names.length > MAX_LISTED ? `${shown} (+${names.length - MAX_LISTED} more)` : shown;
}

function blocked(blocker: BlockerName, reason: string): BlockerVerdict {
  return { blocker, blocked: true, reason };
}

function clear(blocker: BlockerName): BlockerVerdict {
  return { blocker, blocked: false };
}

/** Any blocking verdict holds the reboot back (kured's RebootBlocked). */
export function summarizeBlockers(verdicts: readonly BlockerVerdict[]): BlockersSummary {
  const blockedBy = verdicts.filter((v) => v.blocked);
  return { blocked: blockedBy.length > 0, blockedBy };
}

// ---------------------------------------------------------------------------------------------
// Pod selector (kured --blocking-pod-selector, our REBOOT_BLOCKING_POD_SELECTOR)

/** The fields of a pod this rule reads (adapters pass their PodFacts as they are). */
export type PodFact = Pick<PodFacts, 'namespace' | 'name' | 'phase' | 'nodeName' | 'labels'>;

// kured lists with `status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown`: a pod
// counts while Pending or Running.
const COUNTING_PHASES = new Set<PodPhase>(['Pending', 'Running']);

export interface PodSelectorInput {
  node: string;
  /** Several selectors: any one matching blocks (OR); within one, comma = AND. */
  selectors: readonly string[];
  /** Pods on `node` (any that are not are ignored). */
  pods: Fact<readonly PodFact[]>;
}

/** Blocked while a Pending or Running pod on the node matches any of the selectors. */
export function podSelectorBlocker(input: PodSelectorInput): BlockerVerdict {
  if (input.selectors.length === 0) return clear('pod-selector');
  const selectors: Array<{ text: string; matches: (labels: PodFact['labels']) => boolean }> = [];
  for (const text of input.selectors) {
    try {
      selectors.push({ text, matches: compileLabelSelector(text) });
    } catch (error) {
      return blocked('pod-selector', `blocking pod selector could not be used: ${(error as Error).message}`);
    }
  }
  if (!input.pods.ok) return blocked('pod-selector', `could not list pods on node ${input.node}: ${input.pods.error}`);
  const live = input.pods.value.filter((p) => p.nodeName === input.node && COUNTING_PHASES.has(p.phase));
  const matching: string[] = [];
  const matchedSelectors = new Set<string>();
  for (const pod of live) {
    const selector = selectors.find((s) => s.matches(pod.labels));
    if (selector === undefined) continue;
    matching.push(qualifiedName(pod));
    matchedSelectors.add(selector.text);
  }
  if (matching.length === 0) return clear('pod-selector');
  const matched = [...matchedSelectors].map((s) => `"${s}"`).join(', ');
  return blocked('pod-selector', `pods matching blocking selector ${matched} on node ${input.node}: ${listed(matching)}`);
}

// ---------------------------------------------------------------------------------------------
// Prometheus alerts (kured --prometheus-url, --alert-filter-regexp, --alert-filter-match-only,
// --alert-firing-only; our REBOOT_PROMETHEUS_URL, REBOOT_ALERT_FILTER_*, REBOOT_ALERT_FIRING_ONLY)

/** One sample of the `ALERTS` instant query: its labels and its value. */
export interface AlertSample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface AlertFilter {
  /** Without `matchOnly`: alerts whose name matches are ignored. With it: only they block. */
  regexp?: AlertNameMatcher;
  matchOnly: boolean;
  /** Only `alertstate="firing"` alerts count (pending ones are ignored). */
  firingOnly: boolean;
}

/**
 * The names of the alerts that block, sorted and unique, exactly as kured's ActiveAlerts: a
 * sample counts when it has an `alertname` and a non-zero value; the regexp is searched (not
 * anchored) in the name, and with no regexp every alert counts whatever `matchOnly` says.
 */
export function blockingAlertNames(samples: readonly AlertSample[], filter: AlertFilter): string[] {
  const names = new Set<string>();
  for (const sample of samples) {
    const name = sample.labels['alertname'];
    if (name === undefined || sample.value === 0) continue;
    const passesRegexp = filter.regexp === undefined || filter.regexp.test(name) === filter.matchOnly;
    const passesState = !filter.firingOnly || sample.labels['alertstate'] === 'firing';
    if (passesRegexp && passesState) names.add(name);
  }
  return [...names].sort();
}

export interface PrometheusBlockerInput {
  alerts: Fact<readonly AlertSample[]>;
  filter: AlertFilter;
}

/** Blocked while an alert passes the filter, or when Prometheus could not be queried. */
export function prometheusBlocker(input: PrometheusBlockerInput): BlockerVerdict {
  if (!input.alerts.ok) return blocked('prometheus', `could not query Prometheus alerts: ${input.alerts.error}`);
  const names = blockingAlertNames(input.alerts.value, input.filter);
  if (names.length === 0) return clear('prometheus');
  return blocked('prometheus', `${names.length} active Prometheus alert${names.length === 1 ? '' : 's'}: ${listed(names.map(shownAlertName))}`);
}

// An alert name comes from outside (any UTF-8 label value): it is repeated in a reason only when
// it looks like the names alerting rules use, else it is described by its length.
const ORDINARY_ALERT_NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]{0,127}$/;
function shownAlertName(name: string): string {
  return ORDINARY_ALERT_NAME.test(name) ? name : `(an alert name of ${name.length} unusual characters)`;
}

export const ALERT_FILTER_REGEXP_FORM =
  'a Go (RE2) regular expression searched in alert names, flags as a group such as (?i); no lookaround or backreferences, e.g. ^(KubeNodeNotReady|EtcdMembersDown)$';

/** Searches (unanchored) an alert name; `test` is pure and takes time linear in the name. */
export interface AlertNameMatcher {
  test(name: string): boolean;
}

/**
 * Compiles REBOOT_ALERT_FILTER_REGEXP as kured's flag does: a Go regexp (RE2 syntax and
 * semantics, through re2js, a port of RE2), searched unanchored. RE2 never backtracks, so no
 * pattern can make a blocker check take exponential time as a JavaScript RegExp can (`(a+)+$`).
 * An empty string matches every name (as in Go): treat an empty setting as unset first.
 */
export function compileAlertFilterRegexp(source: string): { ok: true; regexp: AlertNameMatcher } | { ok: false; error: string } {
  try {
    const compiled = RE2JS.compile(source);
    return { ok: true, regexp: { test: (name) => compiled.matcher(name).find() } };
  } catch (error) {
    return { ok: false, error: `invalid regular expression: ${(error as Error).message}; expected ${ALERT_FILTER_REGEXP_FORM}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Cluster health: rebooting a node while another one is already down takes two away at once.

/** The fields of a node this rule reads: its name and whether its Ready condition is True. */
export type NodeHealthFact = Pick<NodeFacts, 'name' | 'ready'>;

export interface ClusterHealthInput {
  /** The node (or the wave's nodes) about to be rebooted: their own state does not block. */
  candidates: readonly string[];
  /**
   * The run's own nodes in their disruption: REBOOT_CONCURRENCY already counts them, and a node
   * it is rebooting is NotReady by design (with concurrency > 1, blocking on it would make every
   * run serial). Absent: none.
   */
  disrupting?: readonly string[];
  nodes: Fact<readonly NodeHealthFact[]>;
}

/** Blocked while any node other than the candidates and the run's own disrupted nodes is not Ready. */
export function clusterHealthBlocker(input: ClusterHealthInput): BlockerVerdict {
  if (!input.nodes.ok) return blocked('cluster-health', `could not list nodes: ${input.nodes.error}`);
  const candidates = new Set([...input.candidates, ...(input.disrupting ?? [])]);
  const notReady = input.nodes.value.filter((n) => !n.ready && !candidates.has(n.name)).map((n) => n.name);
  if (notReady.length === 0) return clear('cluster-health');
  return blocked('cluster-health', `node${notReady.length === 1 ? '' : 's'} not Ready: ${listed(notReady.sort())}`);
}

// ---------------------------------------------------------------------------------------------
// kured's lock: if kured also runs in the cluster, never reboot while it holds its lock.

/** kured's default --lock-annotation, set on its DaemonSet while a node holds the lock. */
export const KURED_LOCK_ANNOTATION = 'weave.works/kured-node-lock';

export interface DaemonSetAnnotationsFact {
  namespace: string;
  name: string;
  annotations: Readonly<Record<string, string>>;
}

export interface KuredLockInput {
  /** DaemonSets that may carry kured's lock (those without the annotation are ignored). */
  daemonSets: Fact<readonly DaemonSetAnnotationsFact[]>;
  /** Epoch milliseconds, to judge the lock's TTL. */
  now: number;
  /** kured's --lock-annotation, when it was changed. */
  annotation?: string;
}

// kured's LockAnnotationValue: TTL is a Go time.Duration (nanoseconds), 0 = never expires.
interface KuredLockValue {
  nodeID?: unknown;
  created?: unknown;
  TTL?: unknown;
}

const NANOS_PER_MS = 1_000_000;

/** kured's ttlExpired: only a positive TTL expires, once `now - created >= TTL`. */
function lockLive(lock: KuredLockValue, now: number): boolean {
  const ttlMs = typeof lock.TTL === 'number' ? lock.TTL / NANOS_PER_MS : 0;
  if (ttlMs <= 0) return true;
  const created = typeof lock.created === 'string' ? Date.parse(lock.created) : Number.NaN;
  // A lock whose time we cannot read is taken as live: fail closed.
  return Number.isNaN(created) || now - created < ttlMs;
}

/** The nodes holding a live lock in one annotation value (single- or multi-owner form). */
function liveHolders(raw: string, now: number): string[] {
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null) throw new Error('not a JSON object');
  // kured with --concurrency > 1 writes { maxOwners, locks: [LockAnnotationValue…] }.
  const locks: unknown[] = 'locks' in parsed ? (Array.isArray(parsed.locks) ? parsed.locks : []) : [parsed];
  return locks
    .filter((l): l is KuredLockValue => typeof l === 'object' && l !== null)
    .filter((l) => lockLive(l, now))
    .map((l) => (typeof l.nodeID === 'string' && l.nodeID !== '' ? l.nodeID : 'unknown node'));
}

/** Blocked while kured's lock annotation holds a live (unexpired) lock on any DaemonSet. */
export function kuredLockBlocker(input: KuredLockInput): BlockerVerdict {
  if (!input.daemonSets.ok) return blocked('kured-lock', `could not read kured's DaemonSets: ${input.daemonSets.error}`);
  const key = input.annotation ?? KURED_LOCK_ANNOTATION;
  const held: string[] = [];
  for (const ds of input.daemonSets.value) {
    const raw = ds.annotations[key];
    if (raw === undefined) continue;
    const where = `DaemonSet ${ds.namespace}/${ds.name}`;
    let holders: string[];
    try {
      holders = liveHolders(raw, input.now);
    } catch (error) {
      return blocked('kured-lock', `kured's lock annotation ${key} on ${where} is unreadable (${(error as Error).message}): taken as held`);
    }
    if (holders.length > 0) held.push(`${where} (held by ${holders.join(', ')})`);
  }
  if (held.length === 0) return clear('kured-lock');
  return blocked('kured-lock', `kured holds its reboot lock ${key}: ${listed(held)}`);
}
