// The drain plan: which pods of a node to evict, leave, wait for, or refuse to touch, decided by
// kubectl drain's pod filter chain (k8s.io/kubectl/pkg/drain/filters.go) as pure functions over
// pod facts fetched beforehand, with `now` passed in. Like kubectl's GetPodsForDeletion it
// returns the whole plan with every blocker at once; the evictPods activity carries it out.
// DaemonSet pods are always left in place, as kured's drain does (--ignore-daemonsets).

import type { ImplicitBudget } from './implicitBudget';
import { compileLabelSelector, type Labels } from './labelSelector';
import { controllerOf, isFinished, qualifiedName, type PodFacts } from './kubeFacts';

/** Plain options (the settings snapshot maps onto them); names follow kubectl's flags. */
export interface DrainOptions {
  /** REBOOT_DRAIN_DELETE_EMPTYDIR_DATA (kubectl --delete-emptydir-data). */
  deleteEmptyDirData: boolean;
  /** REBOOT_DRAIN_FORCE (kubectl --force): evict pods no controller recreates, and orphaned DaemonSet pods. */
  force: boolean;
  /** REBOOT_DRAIN_POD_SELECTOR (kubectl --pod-selector): only matching pods are evicted. */
  podSelector?: string;
  /** REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT in seconds; 0 waits for terminating pods however long. */
  skipWaitForDeleteTimeoutSeconds: number;
  /** REBOOT_DRAIN_GRACE_PERIOD for the Eviction's deleteOptions; absent = each pod's own. */
  gracePeriodSeconds?: number;
  /** REBOOT_IMPLICIT_BUDGET: workloads without a PDB evicted within their rolling update's budget (core/implicitBudget). */
  implicitBudget: ImplicitBudget;
}

export interface DrainPlanInput {
  /** The pods on the node (any phase). */
  pods: readonly PodFacts[];
  /** The DaemonSets that exist among those owning the pods (namespace + name). */
  daemonSets: readonly { namespace: string; name: string }[];
  options: DrainOptions;
  /** ISO 8601. */
  now: string;
}

export type DrainAction = 'evict' | 'skip' | 'wait' | 'block';

export type DrainReason =
  | 'evictable'
  | 'finished'
  | 'not-selected'
  | 'mirror'
  | 'terminating'
  | 'deleted-long-ago'
  | 'daemonset'
  | 'daemonset-gone'
  | 'local-storage'
  | 'unreplicated';

/** One pod and what to do with it, as kubectl's PodDelete{Pod, Status}: acting on it needs no second lookup. */
export interface DrainDecision {
  pod: PodFacts;
  action: DrainAction;
  /** Why; for a pod with several blockers or warnings, the first. */
  reason: DrainReason;
  /** For people: what happens and, for a block or a warning, the setting that overrides it. */
  message: string;
}

export interface DrainPlan {
  /** One per pod, in input order. */
  decisions: DrainDecision[];
  evict: PodFacts[];
  /** Terminating pods the drain must see gone before the node counts as empty. */
  waitFor: PodFacts[];
  /** Any pod blocks: nothing may be evicted (kubectl aborts before evicting). */
  blocked: boolean;
  /** Each blocking condition with the pods it holds, e.g. "cannot evict … (set X=true): ns/a, ns/b". */
  blockers: string[];
  /** Each risk taken with the pods it applies to. */
  warnings: string[];
  /** For the Eviction's deleteOptions; absent = each pod's own grace period. */
  gracePeriodSeconds?: number;
}

// What one filter says about one pod: go on (perhaps with a warning), stop with a decision, or
// block (the chain goes on so that every blocker of the pod is reported together).
type Verdict =
  | { kind: 'continue'; warning?: Finding }
  | { kind: 'decide'; action: 'evict' | 'skip' | 'wait'; reason: DrainReason; message: string; warning?: Finding }
  | { kind: 'block'; blocker: Finding };

interface Finding { reason: DrainReason; message: string }

interface FilterContext {
  options: DrainOptions;
  nowMs: number;
  selects: (labels: Labels) => boolean;
  daemonSets: ReadonlySet<string>;
}

type PodFilter = (pod: PodFacts, context: FilterContext) => Verdict;

const CONTINUE: Verdict = { kind: 'continue' };

const BLOCKER_SUMMARY: Partial<Record<DrainReason, string>> = {
  'daemonset-gone': 'cannot evict Pods whose DaemonSet no longer exists (set REBOOT_DRAIN_FORCE=true to override)',
  'local-storage': 'cannot evict Pods with local storage (emptyDir) (set REBOOT_DRAIN_DELETE_EMPTYDIR_DATA=true to override)',
  unreplicated: 'cannot evict Pods that declare no controller (set REBOOT_DRAIN_FORCE=true to override)',
};

const WARNING_SUMMARY: Partial<Record<DrainReason, string>> = {
  'daemonset-gone': 'deleting orphaned DaemonSet Pods',
  'local-storage': 'deleting Pods with local storage (their emptyDir data is lost)',
  unreplicated: 'deleting Pods that declare no controller (nothing recreates them)',
  'deleted-long-ago': 'not waiting for Pods deleted longer ago than REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT',
};

const notSelectedFilter: PodFilter = (pod, { options, selects }) =>
  selects(pod.labels)
    ? CONTINUE
    : { kind: 'decide', action: 'skip', reason: 'not-selected', message: `not selected by REBOOT_DRAIN_POD_SELECTOR=${options.podSelector ?? ''}; left on the node` };

const mirrorFilter: PodFilter = (pod) =>
  pod.isMirror
    ? { kind: 'decide', action: 'skip', reason: 'mirror', message: 'mirror of a static pod: the kubelet runs it from a file and restarts it with the node' }
    : CONTINUE;

// kubectl's skipDeletedFilter and waitForDelete: whole seconds since deletion, strictly more
// than the timeout, and a timeout of 0 never skips.
const terminatingFilter: PodFilter = (pod, { options, nowMs }) => {
  if (pod.deletionTimestamp === undefined) return CONTINUE;
  const deletedMs = parseInstant(pod.deletionTimestamp, `pod ${qualifiedName(pod)} deletionTimestamp`);
  const secondsAgo = Math.floor((nowMs - deletedMs) / 1000);
  const timeout = options.skipWaitForDeleteTimeoutSeconds;
  if (timeout > 0 && secondsAgo > timeout) {
    const message = `deleted ${secondsAgo}s ago, longer than REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT (${timeout}s): no longer waiting for it`;
    return { kind: 'decide', action: 'skip', reason: 'deleted-long-ago', message, warning: { reason: 'deleted-long-ago', message } };
  }
  const skipHint = timeout > 0
    ? `stops waiting after REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT (${timeout}s)`
    : 'set REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT to stop waiting for pods stuck terminating';
  return { kind: 'decide', action: 'wait', reason: 'terminating', message: `terminating since ${pod.deletionTimestamp} (${secondsAgo}s ago): waiting for it to go; ${skipHint}` };
};

const finishedFilter: PodFilter = (pod) =>
  isFinished(pod)
    ? { kind: 'decide', action: 'evict', reason: 'finished', message: `finished (${pod.phase}): removed with no disruption budget check` }
    : CONTINUE;

const daemonSetFilter: PodFilter = (pod, { options, daemonSets }) => {
  const controller = controllerOf(pod);
  if (controller?.kind !== 'DaemonSet') return CONTINUE;
  const owner = `${pod.namespace}/${controller.name}`;
  if (daemonSets.has(owner)) {
    return { kind: 'decide', action: 'skip', reason: 'daemonset', message: `managed by DaemonSet ${owner}, which keeps it on every node: left in place` };
  }
  if (options.force) {
    return { kind: 'continue', warning: { reason: 'daemonset-gone', message: `its DaemonSet ${owner} no longer exists: deleting the orphan (REBOOT_DRAIN_FORCE=true)` } };
  }
  return { kind: 'block', blocker: { reason: 'daemonset-gone', message: `its DaemonSet ${owner} no longer exists; set REBOOT_DRAIN_FORCE=true to delete the orphan` } };
};

const localStorageFilter: PodFilter = (pod, { options }) => {
  if (pod.emptyDirVolumes.length === 0) return CONTINUE;
  const volumes = pod.emptyDirVolumes.join(', ');
  if (options.deleteEmptyDirData) {
    return { kind: 'continue', warning: { reason: 'local-storage', message: `emptyDir data (${volumes}) is lost (REBOOT_DRAIN_DELETE_EMPTYDIR_DATA=true)` } };
  }
  return { kind: 'block', blocker: { reason: 'local-storage', message: `uses emptyDir volumes (${volumes}) whose data eviction loses; set REBOOT_DRAIN_DELETE_EMPTYDIR_DATA=true to evict it` } };
};

const unreplicatedFilter: PodFilter = (pod, { options }) => {
  if (controllerOf(pod) !== undefined) return CONTINUE;
  if (options.force) {
    return { kind: 'continue', warning: { reason: 'unreplicated', message: 'declares no controller, so nothing recreates it: deleting it anyway (REBOOT_DRAIN_FORCE=true)' } };
  }
  return { kind: 'block', blocker: { reason: 'unreplicated', message: 'declares no controller, so nothing would recreate it; set REBOOT_DRAIN_FORCE=true to delete it anyway' } };
};

/** The chain, in order; the first decision wins, blockers and warnings accumulate. */
const DRAIN_FILTERS: readonly PodFilter[] = [
  notSelectedFilter,
  mirrorFilter,
  terminatingFilter,
  finishedFilter,
  daemonSetFilter,
  localStorageFilter,
  unreplicatedFilter,
];

interface PodOutcome { decision: DrainDecision; blockers: Finding[]; warnings: Finding[] }

function decidePod(pod: PodFacts, context: FilterContext): PodOutcome {
  const warnings: Finding[] = [];
  const blockers: Finding[] = [];
  for (const filter of DRAIN_FILTERS) {
    const verdict = filter(pod, context);
    if (verdict.kind === 'block') {
      blockers.push(verdict.blocker);
      continue;
    }
    if (verdict.warning) warnings.push(verdict.warning);
    // Deciding filters come before blocking ones: a decision here means no blocker yet.
    if (verdict.kind === 'decide') {
      return { decision: { pod, action: verdict.action, reason: verdict.reason, message: verdict.message }, blockers, warnings };
    }
  }
  const [firstBlocker] = blockers;
  if (firstBlocker) {
    // A blocked pod is not deleted, so the risks its warnings announce are not taken.
    const message = blockers.map((b) => b.message).join('; ');
    return { decision: { pod, action: 'block', reason: firstBlocker.reason, message }, blockers, warnings: [] };
  }
  const [firstWarning] = warnings;
  const decision: DrainDecision = firstWarning
    ? { pod, action: 'evict', reason: firstWarning.reason, message: warnings.map((w) => w.message).join('; ') }
    : { pod, action: 'evict', reason: 'evictable', message: 'evicted through the Eviction API (its disruption budgets apply)' };
  return { decision, blockers, warnings };
}

function parseInstant(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${field}: ${JSON.stringify(value)} is not an ISO 8601 instant such as 2024-05-01T03:00:00Z`);
  return ms;
}

// kubectl's Warnings()/errors(): one line per condition listing its pods, in order of appearance.
function summarise(findings: { pod: PodFacts; finding: Finding }[], texts: Partial<Record<DrainReason, string>>): string[] {
  const groups = new Map<DrainReason, string[]>();
  for (const { pod, finding } of findings) {
    groups.set(finding.reason, [...(groups.get(finding.reason) ?? []), qualifiedName(pod)]);
  }
  return [...groups].map(([reason, pods]) => `${texts[reason] ?? reason}: ${pods.join(', ')}`);
}

/** Plans the drain of one node's pods. Throws only on malformed input (bad selector or instant). */
export function planDrain(input: DrainPlanInput): DrainPlan {
  const { options } = input;
  if (!Number.isInteger(options.skipWaitForDeleteTimeoutSeconds) || options.skipWaitForDeleteTimeoutSeconds < 0) {
    throw new Error(`drain option skipWaitForDeleteTimeoutSeconds: ${options.skipWaitForDeleteTimeoutSeconds} must be a whole number of seconds >= 0`);
  }
  const context: FilterContext = {
    options,
    nowMs: parseInstant(input.now, 'drain plan now'),
    selects: options.podSelector ? compileLabelSelector(options.podSelector) : () => true,
    daemonSets: new Set(input.daemonSets.map(qualifiedName)),
  };

  const outcomes = input.pods.map((pod) => decidePod(pod, context));
  const decisions = outcomes.map((o) => o.decision);
  const podsTo = (action: DrainAction): PodFacts[] => decisions.filter((d) => d.action === action).map((d) => d.pod);
  return {
    decisions,
    evict: podsTo('evict'),
    waitFor: podsTo('wait'),
    blocked: decisions.some((d) => d.action === 'block'),
    blockers: summarise(outcomes.flatMap((o) => o.blockers.map((finding) => ({ pod: o.decision.pod, finding }))), BLOCKER_SUMMARY),
    warnings: summarise(outcomes.flatMap((o) => o.warnings.map((finding) => ({ pod: o.decision.pod, finding }))), WARNING_SUMMARY),
    ...(options.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: options.gracePeriodSeconds }),
  };
}

/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;

/**
 * When the pods a drain pass leaves behind are gone at the latest (ISO 8601), for the drain's
 * next look (ADR 0023): a terminating pod at its deletionTimestamp (the apiserver sets it to the
 * deletion + the grace period), a pod evicted at `now` after its grace period (the drain's
 * override, else its own). Undefined when there is nothing to wait for.
 */
export function drainEndsBy(input: { waitFor: readonly PodFacts[]; evicted: readonly PodFacts[]; gracePeriodSeconds?: number; now: string }): string | undefined {
  const now = parseInstant(input.now, 'drain pass now');
  const ends = [
    ...input.waitFor.map((pod) => (pod.deletionTimestamp === undefined ? now : Date.parse(pod.deletionTimestamp))),
    ...input.evicted.map((pod) => now + 1000 * (!pod.nodeName || isFinished(pod) ? 0 : input.gracePeriodSeconds ?? pod.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS)),
  ].filter((t) => Number.isFinite(t));
  return ends.length === 0 ? undefined : new Date(Math.max(...ends)).toISOString();
}
