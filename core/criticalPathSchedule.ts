// Which nodes a run starts now (ADR 0019). Pure: the run passes what is disrupted, which
// workloads are short of pods and until when (expected), and the nodes still to start with
// their expected terms; the rule answers with the nodes to start. The same rule, stepped over
// expected durations, gives the plan's estimate (estimateSchedule), so the two never disagree.
//
// The rule: a node may start when fewer than C nodes are disrupted, no other disrupted node is
// in its zone (C > 1), system nodes are not held back (the canary, ADR 0019) and every workload
// on it is whole or stays within its budget with the node's pods. Among eligible nodes the
// workload with the largest remaining bound (Σ u of its pods on nodes not started / budget) is
// served first; any other node starts only if it cannot delay that workload's next node, or
// if the nodes left to disrupt outlast that chain even with the delay (ADR 0024).

/** A workload's pods on one node and how long each is expected to be unavailable (u). */
export interface PodsOnNode {
  /** A stable key: `PDB ns/name`, or the owning controller for a workload without one. */
  workload: string;
  pods: number;
  unavailableSeconds: number;
  /**
   * u when its pods are replaced elsewhere rather than back on this node: their start-to-Ready,
   * once per budget-sized batch the drain evicts. Only for ReplicaSet pods the drain removes that
   * can move; the run uses it unless it saw the workload's replacement unplaceable (ADR 0024).
   */
  replacedSeconds?: number;
  /** With `replacedSeconds`: one replacement's start-to-Ready, what each pod costs the workload's budget. */
  replacedPodSeconds?: number;
  /** What each pod costs the workload's budget, in seconds, when not `unavailableSeconds` (a pod replaced elsewhere). */
  podSeconds?: number;
  /**
   * The pre-drain gate wants the workload whole before this node's drain (its pods here are a
   * controller's pods the drain evicts, core/gates.ts): the node may not start while pods of it
   * are short from a node started earlier, only together with nodes starting now.
   */
  needsWhole?: boolean;
}

export interface CandidateNode {
  name: string;
  zone: string;
  system: boolean;
  /** d_n: expected seconds from cordon to Ready and uncordoned. */
  disruptionSeconds: number;
  workloads: readonly PodsOnNode[];
}

/** A node cordoned, draining, rebooting or not yet back; `until` is its expected end (seconds). */
export interface DisruptedNode {
  node: string;
  zone: string;
  until: number;
}

/** Pods of a workload not available, expected back at `until` (seconds). */
export interface UnavailablePods {
  workload: string;
  pods: number;
  until: number;
  /** When their node started (seconds); absent: long before now. */
  since?: number;
  /**
   * When they were expected back, when that has passed and they are not (`until` is then just
   * after now, so they still count): the status says they are overdue instead of "back by now".
   */
  overdueSince?: number;
}

export interface ScheduleState {
  /** Seconds, on the same clock as every `until`. */
  now: number;
  concurrency: number;
  /** Nodes still to start, in plan order (the tie-breaker). */
  pending: readonly CandidateNode[];
  disrupted: readonly DisruptedNode[];
  unavailable: readonly UnavailablePods[];
  /** Pods of each workload that may be unavailable at once; a workload not listed: 1. */
  budgets: Readonly<Record<string, number>>;
  /** True while no user-pool node of the run has passed its recovery gate (and one exists). */
  holdSystemNodes: boolean;
}

export interface ScheduleDecision {
  start: string[];
  /** The chain the rule served first (a workload key, or `zone <name>`), when one had nodes left. */
  critical?: string;
}

function budgetOf(state: ScheduleState, workload: string): number {
  return state.budgets[workload] ?? 1;
}

/** Pods of the workload short at `at`: from nodes started before it, and from nodes starting at it. */
function unavailableAt(state: ScheduleState, workload: string, at: number): { before: number; together: number } {
  let before = 0;
  let together = 0;
  for (const u of state.unavailable) {
    if (u.workload !== workload || u.until <= at) continue;
    if ((u.since ?? Number.NEGATIVE_INFINITY) < at) before += u.pods;
    else together += u.pods;
  }
  return { before, together };
}

/** What keeps a node from starting (the first rule that does, in the order mayStart checks them). */
type Hold =
  | { rule: 'canary' }
  | { rule: 'concurrency'; disrupted: number }
  | { rule: 'zone'; node: string }
  | { rule: 'workload'; workload: string; short: number; pods: number; budget: number; whole: boolean };

/** The rule that holds `node` at time `at`, given what is disrupted and unavailable then; undefined: it may start. */
function holdOf(state: ScheduleState, node: CandidateNode, at: number): Hold | undefined {
  if (node.system && state.holdSystemNodes) return { rule: 'canary' };
  const disrupted = state.disrupted.filter((d) => d.until > at);
  if (disrupted.length >= state.concurrency) return { rule: 'concurrency', disrupted: disrupted.length };
  const sameZone = state.concurrency > 1 ? disrupted.find((d) => d.zone === node.zone) : undefined;
  if (sameZone) return { rule: 'zone', node: sameZone.node };
  for (const w of node.workloads) {
    const { before, together } = unavailableAt(state, w.workload, at);
    const short = before + together;
    const budget = budgetOf(state, w.workload);
    // The gate would wait for the pods of nodes started earlier to be back (ADR 0024). A whole
    // workload lets the node go even when its pods there exceed the budget (ADR 0014: the drain
    // evicts what the budget allows and waits for the rest).
    const whole = w.needsWhole === true && before > 0;
    if (whole || (short > 0 && short + w.pods > budget)) return { rule: 'workload', workload: w.workload, short, pods: w.pods, budget, whole };
  }
  return undefined;
}

/** Whether `node` may start at time `at`, given what is disrupted and unavailable then. */
export function mayStart(state: ScheduleState, node: CandidateNode, at: number): boolean {
  return holdOf(state, node, at) === undefined;
}

/**
 * Why `node` does not start now, in words, for the run's status: what an operator reads to know
 * why a node waits. `critical`: the chain the rule served first, for a node held only by it.
 */
export function waitReason(state: ScheduleState, node: CandidateNode, critical?: string): string {
  const hold = holdOf(state, node, state.now);
  if (!hold) return `may start; held so as not to delay ${critical ?? 'the critical chain'}, which is served first`;
  switch (hold.rule) {
    case 'canary':
      return 'a system node: waits until a user-pool node of the run has passed its recovery gate (the canary)';
    case 'concurrency':
      return `REBOOT_CONCURRENCY ${state.concurrency} reached: ${hold.disrupted} node(s) disrupted`;
    case 'zone':
      return `its zone has ${hold.node} disrupted (one node per zone at a time)`;
    case 'workload': {
      const expected = Math.max(...state.unavailable.filter((u) => u.workload === hold.workload && u.until > state.now).map((u) => u.overdueSince ?? u.until));
      const by = new Date(expected * 1000).toISOString();
      const back = state.now - expected >= OVERDUE_AFTER_SECONDS ? `expected back by ${by}, overdue by ${Math.round(state.now - expected)} s` : `expected back by ${by}`;
      return hold.whole
        ? `${hold.workload}: ${hold.short} pod(s) from nodes started earlier not back yet; the pre-drain gate wants it whole (${back})`
        : `${hold.workload}: ${hold.short} unavailable + ${hold.pods} here would exceed its budget of ${hold.budget} (${back})`;
    }
  }
}

/** Pods whose expected time passed this long ago or more are said to be overdue. */
const OVERDUE_AFTER_SECONDS = 1;

/**
 * Pods expected back at `expected` that are not back yet: they count until just after `now`
 * (the run looks again), and say since when they are overdue.
 */
export function stillShort(now: number, expected: number): Pick<UnavailablePods, 'until' | 'overdueSince'> {
  const until = Math.max(now + 1, expected);
  return now - expected >= OVERDUE_AFTER_SECONDS ? { until, overdueSince: expected } : { until };
}

/** The state once `node` starts at `state.now`, with its expected terms. */
export function withStarted(state: ScheduleState, node: CandidateNode): ScheduleState {
  const end = state.now + node.disruptionSeconds;
  return {
    ...state,
    pending: state.pending.filter((n) => n.name !== node.name),
    disrupted: [...state.disrupted, { node: node.name, zone: node.zone, until: end }],
    unavailable: [
      ...state.unavailable,
      // A pod replaced elsewhere may be whole again before its node's disruption ends.
      ...node.workloads.map((w) => ({ workload: w.workload, pods: w.pods, until: state.now + w.unavailableSeconds, since: state.now })),
    ],
  };
}

/** Σ u of a workload's pods on nodes not started, over its budget. */
function remainingBound(state: ScheduleState, workload: string): number {
  let seconds = 0;
  for (const node of state.pending) {
    for (const w of node.workloads) if (w.workload === workload) seconds += w.pods * (w.podSeconds ?? w.unavailableSeconds);
  }
  return seconds / Math.max(1, budgetOf(state, workload));
}

/** The chain the rule serves first: a workload, or (C > 1) a zone, whose remaining bound is the largest. */
interface Critical {
  /** A workload key, or `zone <name>`. */
  name: string;
  seconds: number;
  serves: (node: CandidateNode) => boolean;
}

function criticalWorkload(state: ScheduleState): Critical | undefined {
  const names = [...new Set(state.pending.flatMap((n) => n.workloads.map((w) => w.workload)))].sort();
  let best: Critical | undefined;
  for (const workload of names) {
    const seconds = remainingBound(state, workload);
    if (!best || seconds > best.seconds) best = { name: workload, seconds, serves: (n) => n.workloads.some((w) => w.workload === workload) };
  }
  return best;
}

/**
 * With C > 1 one node per zone is disrupted at a time, so a zone is a chain too: Σ d_n of its
 * nodes still to start, plus what its disrupted node has left (the bound's busiest zone).
 */
function zoneRemaining(state: ScheduleState, zone: string): number {
  const pending = state.pending.filter((n) => n.zone === zone).reduce((sum, n) => sum + n.disruptionSeconds, 0);
  return pending + Math.max(0, ...state.disrupted.filter((d) => d.zone === zone).map((d) => d.until - state.now));
}

/**
 * The nodes' own chain: Σ d_n of the nodes still to start plus what the disrupted ones have
 * left, over C (the bound's Σ d_n / C term). No schedule ends sooner, whatever it serves first.
 */
function nodesRemaining(state: ScheduleState): number {
  const pending = state.pending.reduce((sum, n) => sum + n.disruptionSeconds, 0);
  const disrupted = state.disrupted.reduce((sum, d) => sum + Math.max(0, d.until - state.now), 0);
  return (pending + disrupted) / state.concurrency;
}

function critical(state: ScheduleState): Critical | undefined {
  const workload = criticalWorkload(state);
  if (state.concurrency <= 1) return workload;
  let zone: Critical | undefined;
  for (const name of [...new Set(state.pending.map((n) => n.zone))].sort()) {
    const seconds = zoneRemaining(state, name);
    if (!zone || seconds > zone.seconds) zone = { name: `zone ${name}`, seconds, serves: (n) => n.zone === name };
  }
  return zone && (!workload || zone.seconds > workload.seconds) ? zone : workload;
}

/**
 * The node that serves the critical chain next: an eligible one if any, else the first in line.
 * Among them (C > 1) the node of the zone with the most left goes first, so the busiest zone's
 * chain is not the one left waiting; then plan order.
 */
function nextServing(state: ScheduleState, served: Critical, eligible: readonly CandidateNode[]): CandidateNode | undefined {
  const serving = state.pending.filter(served.serves);
  const inEligible = serving.filter((n) => eligible.includes(n));
  const pool = inEligible.length > 0 ? inEligible : serving;
  if (state.concurrency <= 1) return pool[0];
  const left = new Map(pool.map((n) => [n.zone, zoneRemaining(state, n.zone)]));
  return [...pool].sort((a, b) => left.get(b.zone)! - left.get(a.zone)!)[0];
}

/** The largest remaining bound among a node's workloads: who it serves. */
function nodeWeight(state: ScheduleState, node: CandidateNode): number {
  return Math.max(0, ...node.workloads.map((w) => remainingBound(state, w.workload)));
}

/** The earliest expected time ≥ now at which `node` may start if nothing else starts. */
export function eligibleAt(state: ScheduleState, node: CandidateNode): number {
  const times = [state.now, ...state.disrupted.map((d) => d.until), ...state.unavailable.map((u) => u.until)]
    .filter((t) => t >= state.now)
    .sort((a, b) => a - b);
  for (const at of times) if (mayStart(state, node, at)) return at;
  return Number.POSITIVE_INFINITY;
}

/** The nodes to start now, in the order to start them. */
export function nodesToStart(initial: ScheduleState): ScheduleDecision {
  if (!Number.isInteger(initial.concurrency) || initial.concurrency < 1) {
    throw new Error(`concurrency: ${initial.concurrency} must be a whole number >= 1 (REBOOT_CONCURRENCY)`);
  }
  let state = initial;
  const start: string[] = [];
  const first = critical(state)?.name;
  for (;;) {
    const eligible = state.pending.filter((n) => mayStart(state, n, state.now));
    if (eligible.length === 0) break;
    const served = critical(state);
    const next = served && nextServing(state, served, eligible);
    let chosen: CandidateNode | undefined;
    if (next && eligible.includes(next)) {
      chosen = next;
    } else {
      const due = next ? eligibleAt(state, next) : Number.POSITIVE_INFINITY;
      const byWeight = [...eligible].sort((a, b) => nodeWeight(state, b) - nodeWeight(state, a));
      // A filler may start only if the critical workload's next node is still free to start
      // when it is expected to become eligible: its disruption ends first, or a slot and the
      // zone stay free, and it takes none of that workload's budget. Or if delaying that chain
      // by the filler's whole disruption still leaves it shorter than the nodes left to
      // disrupt: an empty slot would then lengthen the run, not the chain (ADR 0024).
      chosen = byWeight.find((n) => !next || due === Number.POSITIVE_INFINITY || mayStart(withStarted({ ...state }, n), next, due)
        || (served !== undefined && served.seconds + n.disruptionSeconds <= nodesRemaining(state)));
    }
    if (!chosen) break;
    start.push(chosen.name);
    state = withStarted(state, chosen);
  }
  return { start, ...(first ? { critical: first } : {}) };
}

export interface ScheduleEstimate {
  /** Seconds from the first start until the last node's workloads are expected whole. */
  seconds: number;
  /** Each node's expected start, in seconds from the run's start. */
  starts: { node: string; at: number }[];
}

/**
 * Steps the rule over expected durations: the plan's estimate. The first user-pool node is the
 * canary: system nodes wait until its workloads are expected back.
 */
export function estimateSchedule(nodes: readonly CandidateNode[], concurrency: number, budgets: Readonly<Record<string, number>>): ScheduleEstimate {
  const hasUserNodes = nodes.some((n) => !n.system);
  let canaryBackAt = hasUserNodes ? Number.POSITIVE_INFINITY : 0;
  let state: ScheduleState = { now: 0, concurrency, pending: nodes, disrupted: [], unavailable: [], budgets, holdSystemNodes: hasUserNodes };
  const starts: { node: string; at: number }[] = [];
  let end = 0;
  // Each step starts a node or moves to the next expected end: a node's disruption, each of its
  // workloads' returns, the canary's. Past that many steps the rule is stuck (a defect).
  const steps = nodes.length + nodes.reduce((sum, n) => sum + 1 + n.workloads.length, 0) + 2;
  for (let step = 0; state.pending.length > 0; step++) {
    if (step > steps) throw new Error('estimateSchedule: no progress (a node can never start)');
    state = { ...state, holdSystemNodes: state.now < canaryBackAt };
    for (const name of nodesToStart(state).start) {
      const node = state.pending.find((n) => n.name === name)!;
      state = withStarted(state, node);
      starts.push({ node: name, at: state.now });
      const back = state.now + Math.max(node.disruptionSeconds, ...node.workloads.map((w) => w.unavailableSeconds));
      if (!node.system && canaryBackAt === Number.POSITIVE_INFINITY) canaryBackAt = back;
      end = Math.max(end, back);
    }
    if (state.pending.length === 0) break;
    const later = [...state.disrupted.map((d) => d.until), ...state.unavailable.map((u) => u.until), canaryBackAt].filter((t) => t > state.now);
    if (later.length === 0) throw new Error('estimateSchedule: no progress (a node can never start)');
    const now = Math.min(...later);
    state = {
      ...state,
      now,
      disrupted: state.disrupted.filter((d) => d.until > now),
      unavailable: state.unavailable.filter((u) => u.until > now),
    };
  }
  return { seconds: end, starts };
}

/**
 * The queue in the order the estimate starts its nodes: the plan's `order`, so the dry run
 * shows what the run will do (issue 14 item 6). Nodes started at the same expected second keep
 * the rule's order. A node the estimate did not place keeps its queue place after the placed
 * ones (never dropped).
 */
export function inStartOrder<T extends { node: string }>(queue: readonly T[], starts: ScheduleEstimate['starts']): T[] {
  const rank = new Map<string, number>();
  starts.forEach((s, i) => { if (!rank.has(s.node)) rank.set(s.node, i); });
  const placed = queue.filter((n) => rank.has(n.node)).sort((a, b) => rank.get(a.node)! - rank.get(b.node)!);
  return [...placed, ...queue.filter((n) => !rank.has(n.node))];
}
