import { describe, expect, it } from 'vitest';
import { implicitBudgetOf, limitByImplicitBudget } from './implicitBudget';
import { type PdbFacts, type PodFacts, type WorkloadFacts } from './kubeFacts';

function workload(kind: WorkloadFacts['kind'], replicas: number, extra: Partial<WorkloadFacts> = {}): WorkloadFacts {
  return { kind, namespace: 'shop', name: 'web', replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas, selector: { matchLabels: { app: 'web' } }, ...extra };
}

const deployment = (replicas: number, extra: Partial<WorkloadFacts> = {}) => workload('Deployment', replicas, extra);
const replicaSet = (d: WorkloadFacts): WorkloadFacts => ({ ...d, kind: 'ReplicaSet', name: 'web-5c7d', owner: { kind: 'Deployment', name: d.name, controller: true } });

function pod(i: number, extra: Partial<PodFacts> = {}): PodFacts {
  return {
    namespace: 'shop', name: `web-5c7d-${i}`, uid: `u${i}`, nodeName: 'n1', phase: 'Running', ready: true, labels: { app: 'web' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5c7d', controller: true }], isMirror: false, emptyDirVolumes: [], ...extra,
  };
}

const pdb: PdbFacts = {
  namespace: 'shop', name: 'web', selector: { matchLabels: { app: 'web' } }, maxUnavailable: 1, generation: 1,
  status: { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, observedGeneration: 1 },
};

/** One pass of a drain over `evict` (default: every pod here) of workload `w` and its ReplicaSet. */
const pass = (pods: PodFacts[], w: WorkloadFacts, evict = pods, pdbs: PdbFacts[] = []) => limitByImplicitBudget({ evict, pods, workloads: [w, replicaSet(w)], pdbs });

describe('implicit budget', () => {
  it.each<[string, WorkloadFacts, number]>([
    ['a Deployment at the default 25 % of 3 (rounds down to 0, at least 1)', deployment(3), 1],
    ['a Deployment at the default 25 % of 8', deployment(8), 2],
    ['a Deployment at 50 % of 5 (rounds down)', deployment(5, { maxUnavailable: '50%' }), 2],
    ['a Deployment with maxUnavailable 3', deployment(6, { maxUnavailable: 3 }), 3],
    ['a StatefulSet by default', workload('StatefulSet', 5), 1],
    ['a StatefulSet at 50 % of 3 (rounds up)', workload('StatefulSet', 3, { maxUnavailable: '50%' }), 2],
    ['a lone ReplicaSet', workload('ReplicaSet', 4, { maxUnavailable: 3 }), 1],
  ])('%s', (_, w, budget) => {
    expect(implicitBudgetOf(w)).toBe(budget);
  });

  it('names the workload and the accepted form for a bad maxUnavailable', () => {
    expect(() => implicitBudgetOf(deployment(3, { maxUnavailable: 'half' }))).toThrow('Deployment shop/web maxUnavailable: "half" is neither a whole number nor a percentage such as "25%"');
  });

  const three = [pod(0), pod(1), pod(2)];
  const d = deployment(3);

  it('evicts one of three replicas on the node per pass, holding the others with the reason', () => {
    const out = pass(three, d);
    expect(out.evict).toEqual([three[0]!]);
    expect(out.held.map((h) => h.pod.name)).toEqual(['web-5c7d-1', 'web-5c7d-2']);
    expect(out.held[0]!.message).toContain('Deployment shop/web has no PDB: its rolling update allows 1 unavailable at once and 1 is');
  });

  it('evicts nothing more while a replacement is not yet available, and the next once it is', () => {
    const waiting = deployment(3, { availableReplicas: 2, readyReplicas: 2 });
    const rest = [pod(1), pod(2)];
    expect(pass(rest, waiting).evict).toEqual([]);
    expect(pass(rest, d).evict).toEqual([rest[0]!]);
  });

  it('counts a pod of the workload still terminating here as unavailable, even before the status says so', () => {
    const pods = [pod(0, { deletionTimestamp: '2026-01-05T02:00:00Z' }), pod(1), pod(2)];
    const out = pass(pods, d, [pods[1]!, pods[2]!]);
    expect(out.evict).toEqual([]);
  });

  // A zone-spread Deployment of 8 (budget 2) with 3 pods on its zone's only node: two evicted at
  // once lower the zone's count before either replacement is placed, and both stay Pending.
  const eight = deployment(8);
  const threeOfEight = [pod(0), pod(1), pod(2)];

  it('sends one pod per pass when the node holds more Ready pods of the workload than its budget has left', () => {
    const out = pass(threeOfEight, eight);
    expect(out.evict).toEqual([threeOfEight[0]!]);
    expect(out.held.map((h) => h.pod.name)).toEqual(['web-5c7d-1', 'web-5c7d-2']);
    expect(out.held[0]!.message).toContain('allows 2 unavailable at once and 1 is; it has more pods here than that, so they leave one per pass');
  });

  it('sends the next pod while one replacement starts, and the rest at once when the budget covers them', () => {
    const starting = deployment(8, { availableReplicas: 7, readyReplicas: 7 });
    const rest = [pod(1), pod(2)];
    expect(pass(rest, starting).evict).toEqual([rest[0]!]);
    const last = [pod(2)];
    expect(pass(last, starting).evict).toEqual(last);
    const two = [pod(0), pod(1)];
    expect(pass(two, eight).evict).toEqual(two);
  });

  it('lets through pods that are not Ready, pods with a PDB, finished pods and pods of no known workload', () => {
    const notReady = pod(0, { ready: false });
    const finished = pod(1, { phase: 'Succeeded', ready: false });
    const orphan = pod(2, { ownerReferences: [] });
    const all = [notReady, finished, orphan];
    expect(pass(all, d).evict).toHaveLength(3);
    expect(pass(three, d, three, [pdb]).evict).toHaveLength(3);
  });
});
