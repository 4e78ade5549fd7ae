// The order in which a run reboots its candidate nodes, and how it groups them into waves when
// REBOOT_CONCURRENCY > 1. Deterministic: the same facts always give the same plan, so a dry
// run shows exactly what a real run will do.

import { workloadOf } from './gates';
import { implicitBudgetOf, type ImplicitBudget } from './implicitBudget';
import { controllerOf, isDisruptedByDrain, pdbsSelecting, qualifiedName, type NodeFacts, type PdbFacts, type PodFacts, type WorkloadFacts } from './kubeFacts';

export interface OrderOptions {
  /** Pools to take first, in this order (e.g. REBOOT_NODE_POOLS as written); the rest follow. */
  poolOrder?: readonly string[];
}

// Code-point order, not localeCompare: the plan must not depend on the machine's locale.
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Unlisted pools: user pools before system pools, then by name. System pools hold CoreDNS,
// konnectivity, metrics-server and the other add-ons every workload and our own run-command
// path depend on; taking them last means a bad update (a kernel that does not boot, a node
// that comes back broken) halts the run on a user pool before it can reach the cluster's
// plumbing, and the user pools' outcome is checked where it hurts least. An operator who wants
// otherwise lists the pools in the order wanted.
function poolRank(pool: string, mode: NodeFacts['mode'], poolOrder: readonly string[]): [number, number, string] {
  const listed = poolOrder.indexOf(pool);
  if (listed >= 0) return [0, listed, pool];
  return [1, mode === 'system' ? 1 : 0, pool];
}

function compareRank(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || byText(a[2], b[2]);
}

/** Zones in name order take turns, each giving its next node by name: z1 z2 z3 z1 z2 z1 … */
function roundRobinByZone(nodes: readonly NodeFacts[]): NodeFacts[] {
  const zones = new Map<string, NodeFacts[]>();
  for (const node of [...nodes].sort((a, b) => byText(a.name, b.name))) {
    zones.set(node.zone, [...(zones.get(node.zone) ?? []), node]);
  }
  const queues = [...zones].sort(([a], [b]) => byText(a, b)).map(([, queue]) => queue);
  const ordered: NodeFacts[] = [];
  for (let turn = 0; ordered.length < nodes.length; turn++) {
    for (const queue of queues) {
      const node = queue[turn];
      if (node) ordered.push(node);
    }
  }
  return ordered;
}

/**
 * Orders candidate nodes: pool by pool (listed pools first, then user pools, then system pools,
 * each by name), and within a pool round-robin across zones so consecutive reboots spread over
 * zones. A pool's mode is the first of its nodes' `mode`.
 */
export function orderNodes(nodes: readonly NodeFacts[], options: OrderOptions = {}): NodeFacts[] {
  const pools = new Map<string, NodeFacts[]>();
  for (const node of nodes) pools.set(node.pool, [...(pools.get(node.pool) ?? []), node]);
  const poolOrder = options.poolOrder ?? [];
  return [...pools]
    .map(([pool, members]) => ({ rank: poolRank(pool, members[0]?.mode, poolOrder), members }))
    .sort((a, b) => compareRank(a.rank, b.rank))
    .flatMap(({ members }) => roundRobinByZone(members));
}

/**
 * The disruptions a PDB allows when all its pods are healthy (expectedPods - desiredHealthy).
 * Waves are planned once for the whole run, and each wave starts only after the previous one
 * recovered, so the steady-state budget is the one that applies; the pre-drain gate checks the
 * live disruptionsAllowed before each node.
 */
export function pdbBudget(pdb: PdbFacts): number {
  return Math.max(0, pdb.status.expectedPods - pdb.status.desiredHealthy);
}

export interface WaveFacts {
  pods: readonly PodFacts[];
  pdbs: readonly PdbFacts[];
  /** The workloads owning the pods (for REBOOT_IMPLICIT_BUDGET=rollout); without them, one pod. */
  workloads?: readonly WorkloadFacts[];
  /** REBOOT_IMPLICIT_BUDGET (default rollout); `off` gives a workload without a PDB one pod (ADR 0014). */
  implicitBudget?: ImplicitBudget;
}

/**
 * Groups ordered nodes into waves of at most `concurrency` nodes that never hold two nodes of
 * one zone and never take more pods of one PDB than its budget (a workload without a PDB: its
 * implicit budget, ADR 0018, or one pod with REBOOT_IMPLICIT_BUDGET=off). Greedy in the given order: each
 * wave takes the first remaining node, then every later one that still fits. A node whose pods
 * alone exceed a budget (minAvailable = replicas, say) still gets a wave, alone, so that no
 * other node stays cordoned while its drain waits on that PDB.
 */
export function planWaves(ordered: readonly NodeFacts[], concurrency: number, facts: WaveFacts): NodeFacts[][] {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`concurrency: ${concurrency} must be a whole number >= 1 (REBOOT_CONCURRENCY)`);
  }
  const budgets = new Map(facts.pdbs.map((pdb) => [qualifiedName(pdb), pdbBudget(pdb)]));
  const podsPerPdb = new Map<string, Map<string, number>>();
  for (const node of ordered) podsPerPdb.set(node.name, new Map());
  for (const pod of facts.pods) {
    const counts = podsPerPdb.get(pod.nodeName);
    if (!counts || !isDisruptedByDrain(pod)) continue;
    const selecting = pdbsSelecting(pod, facts.pdbs);
    for (const pdb of selecting) {
      counts.set(qualifiedName(pdb), (counts.get(qualifiedName(pdb)) ?? 0) + 1);
    }
    // A workload without a PDB declared no budget: it gets its rolling update's (ADR 0018), or
    // with REBOOT_IMPLICIT_BUDGET=off the one a single node would take (ADR 0014).
    const owner = controllerOf(pod);
    if (selecting.length === 0 && owner) {
      const workload = facts.workloads ? workloadOf(pod, facts.workloads) : undefined;
      const key = workload ? `workload ${workload.kind} ${qualifiedName(workload)}` : `workload ${pod.namespace}/${owner.kind}/${owner.name}`;
      budgets.set(key, workload && (facts.implicitBudget ?? 'rollout') === 'rollout' ? implicitBudgetOf(workload) : 1);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }

  const waves: NodeFacts[][] = [];
  let remaining = [...ordered];
  while (remaining.length > 0) {
    const wave: NodeFacts[] = [];
    const zones = new Set<string>();
    const spent = new Map<string, number>();
    const withinBudgets = (node: NodeFacts) =>
      [...podsPerPdb.get(node.name)!].every(([pdb, count]) => (spent.get(pdb) ?? 0) + count <= budgets.get(pdb)!);
    const fits = (node: NodeFacts) => wave.length < concurrency && !zones.has(node.zone) && withinBudgets(node);
    for (const node of remaining) {
      if (wave.length === 0 && !withinBudgets(node)) {
        wave.push(node);
        break;
      }
      if (!fits(node)) continue;
      wave.push(node);
      zones.add(node.zone);
      for (const [pdb, count] of podsPerPdb.get(node.name)!) spent.set(pdb, (spent.get(pdb) ?? 0) + count);
    }
    waves.push(wave);
    remaining = remaining.filter((node) => !wave.includes(node));
  }
  return waves;
}
