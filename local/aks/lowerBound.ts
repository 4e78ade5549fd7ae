// The critical-path bound of a rollout: a time no schedule can beat, computed from the
// simulator's own rules and the durations the scenario configures (never from product code).
// Two limits, the larger wins:
// - nodes: each node is disrupted at least d_n = its drain's least duration + run-command's
//   start + the helper pod's start + the pool's reboot + the time to Ready; with concurrency C
//   the rollout takes at least max(max d_n, Σ d_n / C) and, with C > 1 and zones (one node per
//   zone at a time), the largest per-zone Σ d_n. The drain lasts at least the longest effective
//   shutdown, min(grace, the app's shutdown time), among the pods it removes, and at least its
//   budget-paced time: a budget b (as below) lets at most b of its pods be evicted and not yet
//   replaced at once (the Eviction API for a PDB, our drain for the implicit budget), so with
//   k > b of them on the node the last is evicted no sooner than (⌈k / b⌉ − 1) × r, r being the
//   least time from an eviction to its replacement's Ready, and then shuts down;
// - workloads: a workload W may have at most b_W pods unavailable at once (its PDB's
//   disruptionsAllowed in steady state, or the implicit budget of its rolling update), and each
//   of its pods on a node to reboot is unavailable at least u, so the rollout takes at least
//   Σ u / b_W. u is the replacement's start-to-Ready for a Deployment/ReplicaSet pod that can be
//   placed elsewhere (the ReplicaSet replaces it at eviction), shutdown + start-to-Ready for a
//   StatefulSet pod that can move (its replacement waits for the old pod), and shutdown +
//   run-command start + helper start + reboot + time to Ready + start-to-Ready for a pod that
//   can only come back to its own node. A pod the drain leaves in place (DaemonSet, mirror) that
//   a PDB selects goes down with its node: u = reboot + time to Ready + its readiness delay.
// Image pulls (cluster/imagePulls.ts: first use per node) are left out: images stay on a node
// across reboots, the helper's image was pulled by the reboot check before any drain, and a
// replacement may land on a node that already holds its image — a bound may not count them.
import { createVirtualClock } from '../clock';
import { Cluster } from './cluster/cluster';
import { CONTAINER_START_SECONDS } from './cluster/kubelet';
import { isActive } from './cluster/podState';
import { DEPLOY, NODES, RS, STS } from './cluster/resourceNames';
import { sumRequests } from './cluster/resources';
import { resolvedMaxUnavailable } from './cluster/rolloutStrategy';
import { schedulePod, type SchedulingView } from './cluster/scheduler';
import type { Node, Pod, PodDisruptionBudget, Workload } from './cluster/types';
import { loadScenario, scenarioStartMs, type Scenario } from './scenario';

export interface BoundOptions {
  /** REBOOT_CONCURRENCY (default 1). */
  concurrency?: number;
  /** The nodes the run rebooted (default: those whose sentinel says they need a reboot). */
  nodes?: string[];
  /** Whether workloads without a PDB have a budget (REBOOT_IMPLICIT_BUDGET=rollout, the default). */
  implicitBudget?: boolean;
}

/** A drain paced by a budget: more of its pods on the node than it lets go at once. */
export interface BudgetPacedDrain {
  /** The budget: `PDB ns/name`, or `Deployment ns/name` (…) for the implicit budget. */
  workload: string;
  budget: number;
  /** Its pods the drain removes from the node (more than the budget). */
  pods: number;
  /** The least time from an eviction until its replacement is Ready. */
  replacementReadySeconds: number;
  /** The least effective shutdown among those pods: any of them may be the last. */
  lastShutdownSeconds: number;
  /** (⌈pods / budget⌉ − 1) × replacementReadySeconds + lastShutdownSeconds. */
  seconds: number;
}

/** Node n's least disruption d_n and its terms, in seconds. */
export interface NodeTerms {
  node: string;
  pool: string;
  zone?: string;
  /** The longest effective shutdown among the pods the drain removes. */
  shutdownSeconds: number;
  /** The budget that paces the drain most, when one holds more of its pods here than it allows at once. */
  budgetPaced?: BudgetPacedDrain;
  /** The drain's least duration: the larger of shutdownSeconds and budgetPaced.seconds. */
  drainSeconds: number;
  runCommandStartSeconds: number;
  helperStartSeconds: number;
  rebootSeconds: number;
  readySeconds: number;
  seconds: number;
}

export type PodCourse = 'replaced-elsewhere' | 'moves' | 'back-on-its-node' | 'down-with-its-node';

export interface WorkloadTerm {
  /** `PDB ns/name` or `Deployment ns/name` (…) for the implicit budget. */
  workload: string;
  budget: number;
  /** Each pod on a node to reboot and the least time it is unavailable. */
  pods: { pod: string; node: string; course: PodCourse; seconds: number }[];
  /** Σ u / budget. */
  seconds: number;
}

export interface CriticalPathBound {
  concurrency: number;
  seconds: number;
  /** What sets the bound: `nodes` or a workload's name. */
  limitedBy: string;
  nodeBound: { seconds: number; longestNode: number; sumOverConcurrency: number; busiestZone?: { zone: string; seconds: number } };
  nodes: NodeTerms[];
  workloads: WorkloadTerm[];
}

// The model's own durations, as Cluster, Kubelet and the run-command interpreter apply them.
interface Durations {
  runCommandStart: number;
  helperStart: number;
  /** From boot to the node's Ready: the model posts Ready with the new boot id. */
  nodeReady: number;
  containerStart: number;
}

function durationsOf(cluster: Cluster): Durations {
  return {
    runCommandStart: cluster.scenario.cluster.runCommandStartSeconds ?? 0,
    helperStart: CONTAINER_START_SECONDS,
    nodeReady: 0,
    containerStart: CONTAINER_START_SECONDS,
  };
}

const isDaemonPod = (p: Pod) => (p.metadata.ownerReferences ?? []).some((r) => r.kind === 'DaemonSet');
const isMirror = (p: Pod) => p.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;
const podName = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;

/** Pods a drain of the node must remove (what kubectl drain evicts; DaemonSet and mirror pods stay). */
function podsToRemove(cluster: Cluster, node: string): Pod[] {
  return cluster.podsOnNode(node).filter((p) => isActive(p) && !isDaemonPod(p) && !isMirror(p));
}

/** Pods the drain leaves on the node, which go down with it all the same. */
function podsLeftInPlace(cluster: Cluster, node: string): Pod[] {
  return cluster.podsOnNode(node).filter((p) => isActive(p) && (isDaemonPod(p) || isMirror(p)));
}

function shutdownOf(cluster: Cluster, pod: Pod): number {
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  const workload = cluster.workloadOf(pod);
  const shutdown = workload ? cluster.behaviours.get(`${pod.metadata.namespace ?? 'default'}/${workload}`)?.shutdownSeconds : undefined;
  return Math.min(grace, shutdown ?? grace);
}

function readinessDelay(pod: Pod): number {
  return Math.max(0, ...pod.spec.containers.map((c) => c.readinessProbe?.initialDelaySeconds ?? 0));
}

function startToReady(pod: Pod, d: Durations): number {
  return d.containerStart + readinessDelay(pod);
}

/** What every term reads: the cluster as the run starts, its durations, and which pods can move (asked once per pod). */
interface BoundContext {
  cluster: Cluster;
  d: Durations;
  implicitBudget: boolean;
  canMove: (pod: Pod) => boolean;
}

function contextOf(cluster: Cluster, implicitBudget: boolean): BoundContext {
  const moves = new Map<string, boolean>();
  const canMoveOnce = (pod: Pod) => {
    const key = podName(pod);
    if (!moves.has(key)) moves.set(key, canMove(cluster, pod));
    return moves.get(key)!;
  };
  return { cluster, d: durationsOf(cluster), implicitBudget, canMove: canMoveOnce };
}

/** Whether the scheduler would place a copy of the pod on another node while its own is cordoned. */
function canMove(cluster: Cluster, pod: Pod): boolean {
  const own = pod.spec.nodeName!;
  const nodes = cluster.store.list<Node>(NODES).map((n) => (n.metadata.name === own ? { ...n, spec: { ...n.spec, unschedulable: true } } : n));
  const view: SchedulingView = {
    nodes,
    node: (name) => nodes.find((n) => n.metadata.name === name),
    load: (name) => cluster.podsOnNode(name).filter(isActive).length,
    requested: (name) => sumRequests(cluster.podsOnNode(name).filter(isActive)),
    podsInNamespace: (ns) => cluster.pods(ns).filter((p) => p.metadata.uid !== pod.metadata.uid),
  };
  const copy: Pod = { ...pod, metadata: { ...pod.metadata, name: `${pod.metadata.name}-replacement`, uid: 'bound' }, spec: { ...pod.spec, nodeName: undefined }, status: {} };
  return 'node' in schedulePod(copy, view);
}

/** The object that keeps the pod's replicas: its Deployment, StatefulSet or lone ReplicaSet. */
function controllerObject(cluster: Cluster, pod: Pod): Workload | undefined {
  const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (!owner) return undefined;
  const ns = pod.metadata.namespace ?? 'default';
  if (owner.kind === 'StatefulSet') return cluster.store.get<Workload>(STS, ns, owner.name);
  if (owner.kind !== 'ReplicaSet') return undefined;
  const rs = cluster.store.get<Workload>(RS, ns, owner.name);
  const deployment = (rs?.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Deployment');
  return deployment ? cluster.store.get<Workload>(DEPLOY, ns, deployment.name) : rs;
}

/** The budget a workload without a PDB gets from its rolling update (REBOOT_IMPLICIT_BUDGET=rollout). */
export function implicitBudgetOf(w: Workload): number {
  if (w.kind === 'ReplicaSet') return 1;
  return Math.max(1, resolvedMaxUnavailable(w));
}

const pdbKey = (pdb: PodDisruptionBudget) => `PDB ${pdb.metadata.namespace ?? 'default'}/${pdb.metadata.name}`;

/**
 * The budgets an eviction of the pod counts against: each PDB that selects it (its
 * disruptionsAllowed in steady state; every one must allow it, so the smallest paces it), or,
 * without a PDB and with the implicit budget on, its workload's rolling update budget.
 */
function budgetsOf(ctx: BoundContext, pod: Pod, controller: Workload | undefined): { workload: string; budget: number }[] {
  const pdbs = ctx.cluster.pdbsFor(pod);
  if (pdbs.length > 0) return pdbs.map((pdb) => ({ workload: pdbKey(pdb), budget: pdb.status?.disruptionsAllowed ?? 0 }));
  if (!ctx.implicitBudget || !controller) return [];
  return [{ workload: `${controller.kind} ${controller.metadata.namespace ?? 'default'}/${controller.metadata.name}`, budget: implicitBudgetOf(controller) }];
}

/**
 * The least time from a movable pod's eviction until its replacement is Ready: the ReplicaSet
 * replaces it at eviction; a StatefulSet only once the old pod is gone.
 */
function replacementReady(ctx: BoundContext, pod: Pod, kind: string | undefined): number {
  const ready = startToReady(pod, ctx.d);
  return kind === 'StatefulSet' ? shutdownOf(ctx.cluster, pod) + ready : ready;
}

/**
 * The slowest budget-paced part of a drain. A budget b lets at most b of its pods be evicted and
 * not yet replaced by a Ready pod, so the (i + b)-th eviction waits for one of the b before it to
 * be replaced, at least r after the i-th: with k > b pods here the last goes no sooner than
 * (⌈k / b⌉ − 1) × r into the drain, and then shuts down (any of them may be last: the least
 * shutdown). A pod that cannot move is not replaced before the reboot, which waits for the
 * drain: a drain that needs its replacement never finishes (the run halts at the drain timeout
 * and, as with a budget of 0 in workloadTerms, bounds nothing). Its budget is left out here,
 * which can only lower the bound. A pod under several PDBs counts against each (the Eviction
 * API needs every one to allow it), so the smallest budget paces it.
 */
function budgetPacedDrain(ctx: BoundContext, pods: Pod[]): BudgetPacedDrain | undefined {
  const groups = new Map<string, { budget: number; pods: { pod: Pod; kind: string | undefined }[] }>();
  for (const pod of pods) {
    const controller = controllerObject(ctx.cluster, pod);
    for (const { workload, budget } of budgetsOf(ctx, pod, controller)) {
      const g = groups.get(workload) ?? { budget, pods: [] };
      g.pods.push({ pod, kind: controller?.kind });
      groups.set(workload, g);
    }
  }
  let slowest: BudgetPacedDrain | undefined;
  for (const [workload, g] of groups) {
    const k = g.pods.length;
    if (g.budget <= 0 || k <= g.budget || !g.pods.every((p) => ctx.canMove(p.pod))) continue;
    const replacementReadySeconds = Math.min(...g.pods.map((p) => replacementReady(ctx, p.pod, p.kind)));
    const lastShutdownSeconds = Math.min(...g.pods.map((p) => shutdownOf(ctx.cluster, p.pod)));
    const seconds = (Math.ceil(k / g.budget) - 1) * replacementReadySeconds + lastShutdownSeconds;
    if (!slowest || seconds > slowest.seconds) slowest = { workload, budget: g.budget, pods: k, replacementReadySeconds, lastShutdownSeconds, seconds };
  }
  return slowest;
}

function nodeTerms(ctx: BoundContext, node: string): NodeTerms {
  const { cluster, d } = ctx;
  const rt = cluster.nodeRuntime(node);
  if (!rt) throw new Error(`critical-path bound: no node ${JSON.stringify(node)}`);
  const pods = podsToRemove(cluster, node);
  const shutdownSeconds = Math.max(0, ...pods.map((p) => shutdownOf(cluster, p)));
  const budgetPaced = budgetPacedDrain(ctx, pods);
  const drainSeconds = Math.max(shutdownSeconds, budgetPaced?.seconds ?? 0);
  return {
    node, pool: rt.pool, ...(rt.zone !== undefined ? { zone: rt.zone } : {}),
    shutdownSeconds, ...(budgetPaced ? { budgetPaced } : {}), drainSeconds,
    runCommandStartSeconds: d.runCommandStart, helperStartSeconds: d.helperStart, rebootSeconds: rt.rebootSeconds, readySeconds: d.nodeReady,
    seconds: drainSeconds + d.runCommandStart + d.helperStart + rt.rebootSeconds + d.nodeReady,
  };
}

function unavailableFor(ctx: BoundContext, pod: Pod, n: NodeTerms, kind: string | undefined): { course: PodCourse; seconds: number } {
  if (ctx.canMove(pod)) return { course: kind === 'StatefulSet' ? 'moves' : 'replaced-elsewhere', seconds: replacementReady(ctx, pod, kind) };
  // Its own shutdown, not the node's drain: it may be the last pod the drain evicts. Such a pod
  // adds no budget-paced term to the drain (see budgetPacedDrain).
  const ready = startToReady(pod, ctx.d);
  return { course: 'back-on-its-node', seconds: shutdownOf(ctx.cluster, pod) + n.runCommandStartSeconds + n.helperStartSeconds + n.rebootSeconds + n.readySeconds + ready };
}

function workloadTerms(ctx: BoundContext, nodes: NodeTerms[]): WorkloadTerm[] {
  const { cluster } = ctx;
  const groups = new Map<string, { budget: number; pods: WorkloadTerm['pods'] }>();
  const add = (key: string, budget: number, entry: WorkloadTerm['pods'][number]) => {
    const g = groups.get(key) ?? { budget, pods: [] };
    g.pods.push(entry);
    groups.set(key, g);
  };
  for (const n of nodes) {
    for (const pod of podsToRemove(cluster, n.node)) {
      const controller = controllerObject(cluster, pod);
      const budgets = budgetsOf(ctx, pod, controller);
      if (budgets.length === 0) continue;
      const e = { pod: podName(pod), node: n.node, ...unavailableFor(ctx, pod, n, controller?.kind) };
      for (const { workload, budget } of budgets) add(workload, budget, e);
    }
    // Down from the reboot until Ready again on the booted node (its containers start at the boot).
    for (const pod of podsLeftInPlace(cluster, n.node)) {
      const e = { pod: podName(pod), node: n.node, course: 'down-with-its-node' as const, seconds: n.rebootSeconds + n.readySeconds + readinessDelay(pod) };
      for (const pdb of cluster.pdbsFor(pod)) add(pdbKey(pdb), pdb.status?.disruptionsAllowed ?? 0, e);
    }
  }
  // A budget of 0 allows no disruption at all: such a run never completes, so it bounds nothing.
  return [...groups]
    .filter(([, g]) => g.budget > 0)
    .map(([workload, g]) => ({ workload, budget: g.budget, pods: g.pods, seconds: g.pods.reduce((s, p) => s + p.seconds, 0) / g.budget }));
}

function nodeBoundOf(nodes: NodeTerms[], concurrency: number): CriticalPathBound['nodeBound'] {
  const longestNode = Math.max(0, ...nodes.map((n) => n.seconds));
  const sumOverConcurrency = nodes.reduce((s, n) => s + n.seconds, 0) / concurrency;
  const zoned = nodes.filter((n) => n.zone !== undefined);
  let busiestZone: { zone: string; seconds: number } | undefined;
  if (concurrency > 1 && zoned.length === nodes.length && nodes.length > 0) {
    const perZone = new Map<string, number>();
    for (const n of zoned) perZone.set(n.zone!, (perZone.get(n.zone!) ?? 0) + n.seconds);
    const [zone, seconds] = [...perZone].sort((a, b) => b[1] - a[1])[0]!;
    busiestZone = { zone, seconds };
  }
  const seconds = Math.max(longestNode, sumOverConcurrency, busiestZone?.seconds ?? 0);
  return { seconds, longestNode, sumOverConcurrency, ...(busiestZone ? { busiestZone } : {}) };
}

// Rounded down to a tenth, so that the figure stays a bound.
const round = (n: number) => Math.floor(n * 10 + 1e-9) / 10;

/** The bound over `options.nodes` on the cluster as it is now (build it as the run starts). */
export function criticalPathBound(cluster: Cluster, options: BoundOptions = {}): CriticalPathBound {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const ctx = contextOf(cluster, options.implicitBudget ?? true);
  const targets = options.nodes ?? cluster.pools.flatMap((p) => p.nodeNames).filter((n) => cluster.rebootRequired(n));
  const nodes = targets.map((n) => nodeTerms(ctx, n));
  const nodeBound = nodeBoundOf(nodes, concurrency);
  const workloads = workloadTerms(ctx, nodes);
  let seconds = nodeBound.seconds;
  let limitedBy = 'nodes';
  for (const w of workloads) {
    if (w.seconds > seconds) [seconds, limitedBy] = [w.seconds, w.workload];
  }
  return { concurrency, seconds: round(seconds), limitedBy, nodeBound, nodes, workloads };
}

/** The bound of a scenario as it starts (builds the cluster on its own virtual clock). */
export function scenarioCriticalPathBound(scenario: Scenario | unknown, options: BoundOptions = {}): CriticalPathBound {
  const s = loadScenario(scenario);
  return criticalPathBound(new Cluster(s, createVirtualClock(scenarioStartMs(s))), options);
}
