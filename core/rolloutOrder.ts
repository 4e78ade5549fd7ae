// The order in which a run queues its candidate nodes (the scheduling rule, core/
// criticalPathSchedule, starts them from it and breaks ties by it; the plan shows the rule's
// start order, inStartOrder, not this queue), and a PDB's steady-state budget. Deterministic:
// the same facts always give the same queue, so a dry run shows what a real run will do.

import type { NodeFacts, PdbFacts } from './kubeFacts';

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
 * The scheduler predicts with it (core/scheduleTerms) while it tracks the pods it made
 * unavailable itself; the pre-drain gate checks the live disruptionsAllowed before each node.
 */
export function pdbBudget(pdb: PdbFacts): number {
  return Math.max(0, pdb.status.expectedPods - pdb.status.desiredHealthy);
}
