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
