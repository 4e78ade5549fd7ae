import { describe, expect, it } from 'vitest';
import { clusterFor, seedScenario, smallScenario } from './cluster/testing';
import { CONTAINER_START_SECONDS } from './cluster/kubelet';
import { criticalPathBound, scenarioCriticalPathBound } from './lowerBound';
import type { ScenarioWorkload } from './scenario';

const START = CONTAINER_START_SECONDS;

describe('critical-path bound', () => {
  it('seed: java-app can lose one pod at a time and each comes back only to its own node', () => {
    const b = scenarioCriticalPathBound(seedScenario());
    // Every node: 30 s shutdown + 20 s run-command start + the helper's start + 120 s reboot (Ready at boot).
    for (const n of b.nodes) expect(n).toMatchObject({ shutdownSeconds: 30, runCommandStartSeconds: 20, helperStartSeconds: START, rebootSeconds: 120, readySeconds: 0, seconds: 170 + START });
    expect(b.nodeBound).toEqual({ seconds: 6 * (170 + START), longestNode: 170 + START, sumOverConcurrency: 6 * (170 + START) });
    const java = b.workloads.find((w) => w.workload === 'PDB shop/java-app-pdb')!;
    expect(java.budget).toBe(1);
    // Hostname anti-affinity over four nodes: a pod waits for its node, then its 240 s startup.
    expect(java.pods.map((p) => [p.course, p.seconds])).toEqual(Array(4).fill(['back-on-its-node', 30 + 20 + START + 120 + START + 240]));
    expect(b).toMatchObject({ seconds: 4 * (410 + 2 * START), limitedBy: 'PDB shop/java-app-pdb' });
    expect(b.workloads.find((w) => w.workload === 'PDB kube-system/coredns-pdb')!.seconds).toBe(2 * (170 + 2 * START + 20));
  });

  it('concurrency: the node bound is the longest node, the sum over C, or the busiest zone', () => {
    const web: ScenarioWorkload = { name: 'web', kind: 'Deployment', replicas: 6, startupSeconds: 30, graceSeconds: 10, pdb: { maxUnavailable: '50%' } };
    const s = smallScenario({ rebootRequired: 'all', workloads: [web] }, 6);
    const d = 10 + 0 + START + 60;
    expect(scenarioCriticalPathBound(s).nodeBound.seconds).toBe(6 * d);
    const three = scenarioCriticalPathBound(s, { concurrency: 3 });
    // Two nodes per zone: a zone's nodes one after the other.
    expect(three.nodeBound).toMatchObject({ longestNode: d, sumOverConcurrency: 2 * d, busiestZone: { seconds: 2 * d } });
    const six = scenarioCriticalPathBound(s, { concurrency: 6 });
    expect(six.nodeBound.seconds).toBe(2 * d);
  });

  it('a Deployment pod with room elsewhere is unavailable for its replacement start; a StatefulSet pod waits for its own shutdown first', () => {
    const s = smallScenario({
      workloads: [
        { name: 'web', kind: 'Deployment', replicas: 3, startupSeconds: 30, graceSeconds: 60, shutdownSeconds: 5, antiAffinity: 'hostname', pdb: { maxUnavailable: 1 } },
        { name: 'db', kind: 'StatefulSet', replicas: 1, startupSeconds: 50, graceSeconds: 40 },
      ],
    }, 4);
    const c = clusterFor(s);
    const node = c.pod('default', 'db-0')!.spec.nodeName!;
    const b = criticalPathBound(c, { nodes: [node] });
    // web has a pod on 3 of the 4 nodes; the db's node may or may not hold one.
    for (const p of b.workloads.find((w) => w.workload === 'PDB default/web-pdb')?.pods ?? []) expect(p).toMatchObject({ course: 'replaced-elsewhere', seconds: START + 30 });
    expect(b.workloads.find((w) => w.workload === 'StatefulSet default/db')).toMatchObject({ budget: 1, pods: [{ course: 'moves', seconds: 40 + START + 50 }] });
    // The drain waits for the slowest effective shutdown: min(grace, the app's shutdown) = the db's 40 s.
    expect(b.nodes[0]!.shutdownSeconds).toBe(40);
  });

  it('a workload without a PDB gets its rolling update budget, or none with the implicit budget off', () => {
    const s = smallScenario({
      rebootRequired: 'all',
      workloads: [{ name: 'api', kind: 'Deployment', replicas: 3, startupSeconds: 100, antiAffinity: 'hostname', maxUnavailable: 1, maxSurge: 0 }],
    }, 3);
    const b = scenarioCriticalPathBound(s);
    const api = b.workloads.find((w) => w.workload === 'Deployment default/api')!;
    expect(api.budget).toBe(1);
    expect(api.pods.map((p) => p.course)).toEqual(Array(3).fill('back-on-its-node'));
    expect(b.seconds).toBe(3 * (30 + START + 60 + START + 100));
    expect(scenarioCriticalPathBound(s, { implicitBudget: false }).workloads).toEqual([]);
    // 25 % of 3 rounds down to 0: the implicit budget is still one pod.
    const byDefault = scenarioCriticalPathBound(smallScenario({ rebootRequired: 'all', workloads: [{ name: 'api', kind: 'Deployment', replicas: 3 }] }, 3));
    expect(byDefault.workloads[0]!.budget).toBe(1);
  });

  it('counts only the nodes given (those the run rebooted); a node with nothing to drain costs its reboot alone', () => {
    const c = clusterFor(smallScenario({ rebootRequired: 'all' }, 3));
    const b = criticalPathBound(c, { nodes: c.pools[0]!.nodeNames.slice(0, 2) });
    expect(b.nodes).toHaveLength(2);
    expect(b.seconds).toBe(2 * (START + 60));
    expect(() => criticalPathBound(c, { nodes: ['nope'] })).toThrow('critical-path bound: no node "nope"');
  });

  it('a DaemonSet pod under a PDB goes down with its node: reboot + its readiness delay, against the PDB; without a PDB it bounds nothing', () => {
    const agent: ScenarioWorkload = { name: 'agent', kind: 'DaemonSet', startupSeconds: 15, pdb: { minAvailable: 2 } };
    const b = scenarioCriticalPathBound(smallScenario({ rebootRequired: 'all', workloads: [agent] }, 3), { concurrency: 3 });
    const pdb = b.workloads.find((w) => w.workload === 'PDB default/agent-pdb')!;
    expect(pdb).toMatchObject({ budget: 1, seconds: 3 * (60 + 15) });
    expect(pdb.pods.map((p) => p.course)).toEqual(Array(3).fill('down-with-its-node'));
    // One node per zone at C = 3: the nodes alone would allow all three at once.
    expect(b).toMatchObject({ seconds: 3 * 75, limitedBy: 'PDB default/agent-pdb' });
    expect(b.nodeBound.seconds).toBe(START + 60);
    const { pdb: _pdb, ...noPdb } = agent;
    expect(scenarioCriticalPathBound(smallScenario({ rebootRequired: 'all', workloads: [noPdb] }, 3)).workloads).toEqual([]);
  });
});

describe('critical-path bound: a drain paced by a budget', () => {
  // Two nodes, each holding half of every workload without anti-affinity (the scheduler spreads by load).
  const onTwoNodes = (workloads: ScenarioWorkload[]) => smallScenario({ rebootRequired: 'all', workloads }, 2);
  const web = (replicas: number, extra: Partial<ScenarioWorkload>): ScenarioWorkload => ({ name: 'web', kind: 'Deployment', replicas, startupSeconds: 30, graceSeconds: 20, ...extra });
  const firstNode = (s: ReturnType<typeof onTwoNodes>, options: Parameters<typeof criticalPathBound>[1] = {}) => {
    const c = clusterFor(s);
    const node = c.pools[0]!.nodeNames[0]!;
    return { pods: c.podsOnNode(node).map((p) => p.metadata.name), terms: criticalPathBound(c, { ...options, nodes: [node] }).nodes[0]! };
  };

  it('2 pods of a budget-1 PDB: the second goes once the first replacement is Ready, then shuts down', () => {
    const { pods, terms } = firstNode(onTwoNodes([web(4, { pdb: { maxUnavailable: 1 } })]));
    expect(pods.filter((p) => p.startsWith('web-'))).toHaveLength(2);
    // (⌈2 / 1⌉ − 1) × (1 s container start + 30 s to Ready) + 20 s shutdown = 51 s, against a 20 s shutdown alone.
    expect(terms.budgetPaced).toEqual({ workload: 'PDB default/web-pdb', budget: 1, pods: 2, replacementReadySeconds: START + 30, lastShutdownSeconds: 20, seconds: 51 });
    // d_n = 51 s drain + 0 s run-command start + 1 s helper start + 60 s reboot + 0 s to Ready = 112 s.
    expect(terms).toMatchObject({ shutdownSeconds: 20, drainSeconds: 51, seconds: 51 + START + 60 });
  });

  it('3 pods of a budget-2 PDB: one round of replacements before the last', () => {
    const { pods, terms } = firstNode(onTwoNodes([web(6, { pdb: { maxUnavailable: 2 } })]));
    expect(pods).toHaveLength(3);
    // (⌈3 / 2⌉ − 1) × 31 s + 20 s = 51 s.
    expect(terms.budgetPaced).toMatchObject({ budget: 2, pods: 3, seconds: 1 * (START + 30) + 20 });
    // 5 pods: (⌈5 / 2⌉ − 1) × 31 s + 20 s = 82 s.
    expect(firstNode(onTwoNodes([web(10, { pdb: { maxUnavailable: 2 } })])).terms).toMatchObject({ budgetPaced: { pods: 5 }, drainSeconds: 2 * (START + 30) + 20 });
    // 2 pods within a budget of 2 leave at once: the shutdown alone.
    expect(firstNode(onTwoNodes([web(4, { pdb: { maxUnavailable: 2 } })])).terms).toMatchObject({ drainSeconds: 20, seconds: 20 + START + 60 });
  });

  it('a Deployment without a PDB is paced by its implicit budget, and not with the implicit budget off', () => {
    const s = onTwoNodes([web(4, { maxUnavailable: 1, maxSurge: 0 })]);
    // Budget 1, 2 pods here: 1 × 31 s + 20 s = 51 s.
    expect(firstNode(s).terms).toMatchObject({ budgetPaced: { workload: 'Deployment default/web', budget: 1, pods: 2, seconds: 51 }, drainSeconds: 51 });
    const off = firstNode(s, { implicitBudget: false }).terms;
    expect(off.budgetPaced).toBeUndefined();
    expect(off).toMatchObject({ drainSeconds: 20, seconds: 20 + START + 60 });
  });

  it('a StatefulSet replacement waits for the old pod: its shutdown counts in the pace', () => {
    const { pods, terms } = firstNode(onTwoNodes([{ name: 'db', kind: 'StatefulSet', replicas: 4, startupSeconds: 30, graceSeconds: 20, pdb: { maxUnavailable: 1 } }]));
    expect(pods).toHaveLength(2);
    // 1 × (20 s shutdown + 1 s start + 30 s to Ready) + 20 s = 71 s.
    expect(terms.budgetPaced).toMatchObject({ replacementReadySeconds: 20 + START + 30, seconds: 71 });
  });

  it('pods that cannot move add nothing; a pod back on its own node counts its own shutdown, not the paced drain', () => {
    // Pinned to a one-node pool: neither pod can be placed elsewhere, so the drain of the second never finishes.
    const pinned = smallScenario({
      rebootRequired: 'all',
      pools: [{ name: 'solo', mode: 'User', count: 1, zones: ['1'], rebootSeconds: 60 }, { name: 'user', mode: 'User', count: 2, zones: ['1', '2'], rebootSeconds: 60 }],
      workloads: [web(2, { pool: 'solo', pdb: { maxUnavailable: 1 } })],
    });
    const solo = scenarioCriticalPathBound(pinned).nodes.find((n) => n.pool === 'solo')!;
    expect(solo.budgetPaced).toBeUndefined();
    expect(solo).toMatchObject({ shutdownSeconds: 20, drainSeconds: 20 });

    // web paces the drain (51 s as above); db has one pod per node (hostname anti-affinity) and can only come back.
    const db: ScenarioWorkload = { name: 'db', kind: 'Deployment', replicas: 2, startupSeconds: 40, graceSeconds: 5, antiAffinity: 'hostname', pdb: { maxUnavailable: 1 } };
    const b = scenarioCriticalPathBound(onTwoNodes([web(4, { pdb: { maxUnavailable: 1 } }), db]));
    expect(b.nodes.map((n) => n.drainSeconds)).toEqual([51, 51]);
    // u = 5 s shutdown + 0 + 1 s helper + 60 s reboot + 0 + 1 s start + 40 s to Ready = 107 s (not 51 s drain + … = 153 s).
    expect(b.workloads.find((w) => w.workload === 'PDB default/db-pdb')!.pods.map((p) => [p.course, p.seconds])).toEqual(Array(2).fill(['back-on-its-node', 5 + START + 60 + START + 40]));
  });
});
