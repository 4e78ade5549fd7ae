// The lower bound of a rollout, as DESIGN.md section 9 defines it: per node, the longest
// termination grace among the pods a drain evicts + the run-command start latency + the pool's
// reboot time + the slowest startup among the workloads that come back to the node or were
// evicted from it. With concurrency 1 it is the sum over the nodes to reboot; with concurrency
// N, the makespan of a greedy schedule that never runs two nodes of one zone at once and never
// takes more pods of a PDB than its budget allows.
import { createVirtualClock } from '../clock';
import { Cluster } from './cluster/cluster';
import { isActive } from './cluster/podState';
import { labelSelectorRequirements, matchesRequirements, type LabelRequirement } from './cluster/selectors';
import { PDBS } from './cluster/resourceNames';
import type { Pod, PodDisruptionBudget } from './cluster/types';
import { loadScenario, scenarioStartMs, type Scenario } from './scenario';

export interface NodeBound {
  node: string;
  pool: string;
  zone?: string;
  graceSeconds: number;
  runCommandStartSeconds: number;
  rebootSeconds: number;
  startupSeconds: number;
  seconds: number;
}

export interface LowerBound {
  concurrency: number;
  seconds: number;
  nodes: NodeBound[];
  /** The greedy schedule behind `seconds` (start and end in seconds from the rollout's start). */
  schedule: { node: string; start: number; end: number }[];
}

const isDaemonPod = (p: Pod) => (p.metadata.ownerReferences ?? []).some((r) => r.kind === 'DaemonSet');
const startupOf = (p: Pod) => Math.max(0, ...p.spec.containers.map((c) => c.readinessProbe?.initialDelaySeconds ?? 0));

/** The per-node terms, for the nodes whose sentinel says they need a reboot (or `nodes`). */
export function nodeBounds(cluster: Cluster, nodes?: string[]): NodeBound[] {
  const runCommand = cluster.scenario.cluster.runCommandStartSeconds ?? 0;
  const targets = nodes ?? cluster.pools.flatMap((p) => p.nodeNames).filter((n) => cluster.rebootRequired(n));
  return targets.map((node) => {
    const rt = cluster.nodeRuntime(node);
    if (!rt) throw new Error(`lowerBound: no node ${JSON.stringify(node)}`);
    const pods = cluster.podsOnNode(node).filter(isActive);
    const evicted = pods.filter((p) => !isDaemonPod(p));
    const graceSeconds = Math.max(0, ...evicted.map((p) => p.spec.terminationGracePeriodSeconds ?? 30));
    const startupSeconds = Math.max(0, ...pods.map(startupOf));
    return {
      node, pool: rt.pool, zone: rt.zone, graceSeconds, runCommandStartSeconds: runCommand, rebootSeconds: rt.rebootSeconds, startupSeconds,
      seconds: graceSeconds + runCommand + rt.rebootSeconds + startupSeconds,
    };
  });
}

/** The order a rollout takes: pools in scenario order, round-robin across zones, stable by name. */
export function rolloutOrder(bounds: NodeBound[], poolOrder: string[]): NodeBound[] {
  const out: NodeBound[] = [];
  for (const pool of poolOrder) {
    const byZone = new Map<string, NodeBound[]>();
    for (const b of bounds.filter((x) => x.pool === pool).sort((a, c) => (a.node < c.node ? -1 : 1))) {
      const z = b.zone ?? '';
      byZone.set(z, [...(byZone.get(z) ?? []), b]);
    }
    const queues = [...byZone.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, q]) => q);
    while (queues.some((q) => q.length)) for (const q of queues) if (q.length) out.push(q.shift()!);
  }
  return out;
}

export function lowerBound(cluster: Cluster, options: { concurrency?: number; nodes?: string[] } = {}): LowerBound {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const bounds = rolloutOrder(nodeBounds(cluster, options.nodes), cluster.pools.map((p) => p.spec.name));
  // Pods per PDB on each node, and what each budget allows in steady state.
  const pdbs = cluster.store.list<PodDisruptionBudget>(PDBS);
  const pdbsByNs = new Map<string, { key: string; reqs: LabelRequirement[] }[]>();
  for (const pdb of pdbs) {
    const reqs = labelSelectorRequirements(pdb.spec.selector);
    if (!reqs?.length) continue;
    const ns = pdb.metadata.namespace ?? 'default';
    pdbsByNs.set(ns, [...(pdbsByNs.get(ns) ?? []), { key: `${ns}/${pdb.metadata.name}`, reqs }]);
  }
  const budgetPods = new Map<string, Map<string, number>>();
  for (const b of bounds) {
    const counts = new Map<string, number>();
    for (const p of cluster.podsOnNode(b.node).filter((x) => isActive(x) && !isDaemonPod(x))) {
      for (const pdb of pdbsByNs.get(p.metadata.namespace ?? 'default') ?? []) {
        if (matchesRequirements(pdb.reqs, p.metadata.labels)) counts.set(pdb.key, (counts.get(pdb.key) ?? 0) + 1);
      }
    }
    budgetPods.set(b.node, counts);
  }
  const allowed = new Map(pdbs.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.status?.disruptionsAllowed ?? 0]));

  const pending = [...bounds];
  const running: { b: NodeBound; end: number }[] = [];
  const schedule: LowerBound['schedule'] = [];
  let t = 0;
  const fits = (b: NodeBound): boolean => {
    if (running.length === 0) return true;
    if (b.zone !== undefined && running.some((r) => r.b.zone === b.zone)) return false;
    for (const [pdb, n] of budgetPods.get(b.node)!) {
      const used = running.reduce((s, r) => s + (budgetPods.get(r.b.node)!.get(pdb) ?? 0), 0);
      if (used + n > (allowed.get(pdb) ?? 0)) return false;
    }
    return true;
  };
  while (pending.length) {
    let started = false;
    if (running.length < concurrency) {
      const i = pending.findIndex(fits);
      if (i >= 0) {
        const [b] = pending.splice(i, 1) as [NodeBound];
        running.push({ b, end: t + b.seconds });
        schedule.push({ node: b.node, start: t, end: t + b.seconds });
        started = true;
      }
    }
    if (!started) {
      running.sort((a, b) => a.end - b.end);
      const next = running.shift()!;
      t = next.end;
    }
  }
  const seconds = Math.max(0, ...schedule.map((s) => s.end));
  return { concurrency, seconds, nodes: bounds, schedule };
}

/** The lower bound of a scenario as it starts (builds the cluster on its own virtual clock). */
export function scenarioLowerBound(scenario: Scenario | unknown, options: { concurrency?: number } = {}): LowerBound {
  const s = loadScenario(scenario);
  return lowerBound(new Cluster(s, createVirtualClock(scenarioStartMs(s))), options);
}
