import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDisruptedByDrain, pdbsSelecting, qualifiedName, type NodeFacts, type PdbFacts, type PodFacts, type WorkloadFacts } from './kubeFacts';
import { orderNodes, pdbBudget, planWaves } from './rolloutOrder';

function node(name: string, zone: string, pool = 'user', mode: NodeFacts['mode'] = 'user'): NodeFacts {
  return { name, pool, zone, mode, ready: true, unschedulable: false };
}

function appPod(app: string, nodeName: string, index: number, overrides: Partial<PodFacts> = {}): PodFacts {
  return {
    namespace: 'shop', name: `${app}-${index}`, uid: `${app}-${index}`, nodeName, phase: 'Running', ready: true, labels: { app },
    ownerReferences: [{ kind: 'ReplicaSet', name: `${app}-rs`, controller: true }], isMirror: false, emptyDirVolumes: [], ...overrides,
  };
}

function pdb(app: string, expectedPods: number, desiredHealthy: number): PdbFacts {
  return {
    namespace: 'shop', name: app, selector: { matchLabels: { app } }, generation: 1,
    status: { expectedPods, currentHealthy: expectedPods, desiredHealthy, disruptionsAllowed: expectedPods - desiredHealthy, observedGeneration: 1 },
  };
}

const names = (nodes: readonly NodeFacts[]) => nodes.map((n) => n.name);
const waveNames = (waves: readonly NodeFacts[][]) => waves.map(names);

describe('orderNodes', () => {
  it.each<[string, NodeFacts[], string[] | undefined, string[]]>([
    ['round-robin across zones, by name within a zone', [
      node('u-a2', 'z1'), node('u-a1', 'z1'), node('u-b1', 'z2'), node('u-c1', 'z3'), node('u-b2', 'z2'), node('u-c2', 'z3'),
    ], undefined, ['u-a1', 'u-b1', 'u-c1', 'u-a2', 'u-b2', 'u-c2']],
    ['uneven zones: exhausted zones drop out of the turn', [
      node('a1', 'z1'), node('a2', 'z1'), node('a3', 'z1'), node('a4', 'z1'), node('b1', 'z2'), node('c1', 'z3'), node('c2', 'z3'),
    ], undefined, ['a1', 'b1', 'c1', 'a2', 'c2', 'a3', 'a4']],
    ['nodes without a zone count as one zone', [node('x2', ''), node('x1', ''), node('y1', 'z1')], undefined, ['x1', 'y1', 'x2']],
    ['user pools before system pools, pools by name', [
      node('sys1', 'z1', 'system', 'system'), node('b1', 'z1', 'bpool'), node('a1', 'z1', 'apool'), node('sys2', 'z2', 'system', 'system'),
    ], undefined, ['a1', 'b1', 'sys1', 'sys2']],
    ['a node without a mode is a user node', [node('sys1', 'z1', 'agentpool', 'system'), node('n1', 'z1', 'zzz', undefined)], undefined, ['n1', 'sys1']],
    ['listed pools first, in the order listed, even a system pool', [
      node('sys1', 'z1', 'system', 'system'), node('a1', 'z1', 'apool'), node('b1', 'z1', 'bpool'), node('c1', 'z1', 'cpool'),
    ], ['system', 'cpool'], ['sys1', 'c1', 'a1', 'b1']],
    ['zone order by code point, not locale', [node('n1', 'Zb'), node('n2', 'za'), node('n3', 'zB')], undefined, ['n1', 'n3', 'n2']],
  ])('%s', (_name, nodes, poolOrder, expected) => {
    expect(names(orderNodes(nodes, poolOrder ? { poolOrder } : {}))).toEqual(expected);
  });

  it('is stable: any input order gives the same order', () => {
    const nodes = [
      node('a1', 'z1'), node('a2', 'z1'), node('b1', 'z2'), node('c1', 'z3'),
      node('s1', 'z1', 'sys', 'system'), node('s2', 'z2', 'sys', 'system'), node('g1', 'z2', 'gpu'),
    ];
    const expected = names(orderNodes(nodes));
    expect(expected).toEqual(['g1', 'a1', 'b1', 'c1', 'a2', 's1', 's2']);
    fc.assert(fc.property(fc.shuffledSubarray(nodes, { minLength: nodes.length }), (shuffled) => {
      expect(names(orderNodes(shuffled))).toEqual(expected);
    }), { numRuns: 200 });
  });
});

describe('planWaves', () => {
  // Seed cluster: 4 nodes over 3 zones, one Java replica on each.
  const seedNodes = orderNodes([node('n0', 'z1'), node('n1', 'z2'), node('n2', 'z3'), node('n3', 'z1')]);
  const seedPods = ['n0', 'n1', 'n2', 'n3'].map((n, i) => appPod('java-app', n, i));

  it.each<[string, NodeFacts[], number, PodFacts[], PdbFacts[], string[][]]>([
    ['concurrency 1: one node per wave, in order', seedNodes, 1, seedPods, [], [['n0'], ['n1'], ['n2'], ['n3']]],
    ['seed with PDB minAvailable 3 (budget 1): one node at a time', seedNodes, 3, seedPods, [pdb('java-app', 4, 3)], [['n0'], ['n1'], ['n2'], ['n3']]],
    ['seed with a budget of 2: pairs of distinct zones', seedNodes, 3, seedPods, [pdb('java-app', 4, 2)], [['n0', 'n1'], ['n2', 'n3']]],
    ['seed without a PDB: one java-app pod per wave, so one node at a time', seedNodes, 3, seedPods, [], [['n0'], ['n1'], ['n2'], ['n3']]],
    ['different workloads without a PDB share a wave', seedNodes, 3, ['n0', 'n1', 'n2', 'n3'].map((n, i) => appPod(`app-${i % 3}`, n, i)), [], [['n0', 'n1', 'n2'], ['n3']]],
    ['never two nodes of one zone', [node('a1', 'z1'), node('a2', 'z1'), node('a3', 'z1')], 3, [], [], [['a1'], ['a2'], ['a3']]],
    ['a node that does not fit is deferred, later ones fill the wave', [node('a', 'z1'), node('b', 'z1'), node('c', 'z2')], 2, [], [], [['a', 'c'], ['b']]],
    ['a node whose pods alone exceed the budget goes alone', [node('a', 'z1'), node('b', 'z2')], 2, [
      appPod('db', 'a', 0), appPod('db', 'a', 1), appPod('db', 'b', 2),
    ], [pdb('db', 3, 2)], [['a'], ['b']]],
    ['pods of several PDBs add up separately', [node('a', 'z1'), node('b', 'z2'), node('c', 'z3')], 3, [
      appPod('web', 'a', 0), appPod('web', 'b', 1), appPod('db', 'b', 2), appPod('db', 'c', 3), appPod('web', 'c', 4),
    ], [pdb('web', 3, 1), pdb('db', 2, 1)], [['a', 'b'], ['c']]],
    ['pods the drain leaves alone spend no budget', [node('a', 'z1'), node('b', 'z2')], 2, [
      appPod('java-app', 'a', 0),
      appPod('java-app', 'b', 1, { ownerReferences: [{ kind: 'DaemonSet', name: 'ds', controller: true }] }),
      appPod('java-app', 'b', 2, { phase: 'Succeeded' }),
      appPod('java-app', 'b', 3, { deletionTimestamp: '2024-05-01T03:00:00Z' }),
    ], [pdb('java-app', 4, 3)], [['a', 'b']]],
    ['a budget of 0 (minAvailable = replicas): its nodes go alone', [node('a', 'z1'), node('b', 'z2'), node('c', 'z3'), node('d', 'z1')], 3, [
      appPod('strict', 'a', 0), appPod('strict', 'b', 1),
    ], [pdb('strict', 2, 2)], [['a'], ['b'], ['c', 'd']]],
    ['an over-budget node later in the order waits for its own wave', [node('a', 'z1'), node('b', 'z2'), node('c', 'z3')], 3, [
      appPod('db', 'b', 0), appPod('db', 'b', 1),
    ], [pdb('db', 3, 2)], [['a', 'c'], ['b']]],
    ['no nodes, no waves', [], 2, [], [], []],
  ])('%s', (_name, ordered, concurrency, pods, pdbs, expected) => {
    expect(waveNames(planWaves(ordered, concurrency, { pods, pdbs }))).toEqual(expected);
  });

  it('counts a workload without a PDB by its implicit budget, or one pod with REBOOT_IMPLICIT_BUDGET=off', () => {
    const java = (maxUnavailable: number | string): WorkloadFacts[] => {
      const d: WorkloadFacts = { kind: 'Deployment', namespace: 'shop', name: 'java-app', replicas: 4, readyReplicas: 4, availableReplicas: 4, updatedReplicas: 4, selector: { matchLabels: { app: 'java-app' } }, maxUnavailable };
      return [d, { ...d, kind: 'ReplicaSet', name: 'java-app-rs', owner: { kind: 'Deployment', name: 'java-app', controller: true } }];
    };
    const pods = seedPods;
    expect(waveNames(planWaves(seedNodes, 3, { pods, pdbs: [], workloads: java(2) }))).toEqual([['n0', 'n1'], ['n2', 'n3']]);
    expect(waveNames(planWaves(seedNodes, 3, { pods, pdbs: [], workloads: java('25%') }))).toEqual([['n0'], ['n1'], ['n2'], ['n3']]);
    expect(waveNames(planWaves(seedNodes, 3, { pods, pdbs: [], workloads: java(2), implicitBudget: 'off' }))).toEqual([['n0'], ['n1'], ['n2'], ['n3']]);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects concurrency %s, naming the setting', (concurrency) => {
    expect(() => planWaves(seedNodes, concurrency, { pods: [], pdbs: [] })).toThrow(`concurrency: ${concurrency} must be a whole number >= 1 (REBOOT_CONCURRENCY)`);
  });

  it('pdbBudget is the steady-state allowance, never negative', () => {
    expect(pdbBudget(pdb('a', 4, 3))).toBe(1);
    expect(pdbBudget({ ...pdb('a', 4, 3), status: { ...pdb('a', 4, 3).status, disruptionsAllowed: 0, currentHealthy: 3 } })).toBe(1);
    expect(pdbBudget(pdb('a', 2, 5))).toBe(0);
  });

  it('holds its promises on generated clusters (partition, size, zones, budgets, determinism)', () => {
    const clusterArb = fc.record({
      nodes: fc.uniqueArray(fc.record({ name: fc.stringMatching(/^n[0-9]{1,3}$/), zone: fc.constantFrom('z1', 'z2', 'z3', '') }), { selector: (n) => n.name, maxLength: 12 }),
      placements: fc.array(fc.record({ app: fc.constantFrom('a', 'b', 'c'), slot: fc.nat() }), { maxLength: 30 }),
      budgets: fc.record({ a: fc.integer({ min: 0, max: 3 }), b: fc.integer({ min: 0, max: 3 }) }),
      concurrency: fc.integer({ min: 1, max: 5 }),
    });
    fc.assert(fc.property(clusterArb, ({ nodes: specs, placements, budgets, concurrency }) => {
      const nodes = orderNodes(specs.map((s) => node(s.name, s.zone)));
      const pods = specs.length === 0 ? [] : placements.map((p, i) => appPod(p.app, specs[p.slot % specs.length]!.name, i));
      const pdbs = [pdb('a', 10, 10 - budgets.a), pdb('b', 10, 10 - budgets.b)];
      const waves = planWaves(nodes, concurrency, { pods, pdbs });

      expect(waves.flat().map((n) => n.name).sort()).toEqual(nodes.map((n) => n.name).sort());
      expect(waveNames(planWaves(nodes, concurrency, { pods, pdbs }))).toEqual(waveNames(waves));
      for (const wave of waves) {
        expect(wave.length).toBeGreaterThanOrEqual(1);
        expect(wave.length).toBeLessThanOrEqual(concurrency);
        expect(new Set(wave.map((n) => n.zone)).size).toBe(wave.length);
        const inWave = new Set(wave.map((n) => n.name));
        for (const budgetPdb of pdbs) {
          const taken = pods.filter((p) => inWave.has(p.nodeName) && isDisruptedByDrain(p) && pdbsSelecting(p, [budgetPdb]).length > 0);
          // A wave over a budget is one node whose own pods exceed it.
          const allowed = wave.length === 1 ? Math.max(pdbBudget(budgetPdb), taken.length) : pdbBudget(budgetPdb);
          expect(taken.length, `${qualifiedName(budgetPdb)} in ${[...inWave].join(',')}`).toBeLessThanOrEqual(allowed);
        }
      }
    }), { numRuns: 300 });
  });
});
