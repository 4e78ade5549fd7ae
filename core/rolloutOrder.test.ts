import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeFacts, PdbFacts } from './kubeFacts';
import { orderNodes, pdbBudget } from './rolloutOrder';

function node(name: string, zone: string, pool = 'user', mode: NodeFacts['mode'] = 'user'): NodeFacts {
  return { name, pool, zone, mode, ready: true, unschedulable: false };
}

function pdb(app: string, expectedPods: number, desiredHealthy: number): PdbFacts {
  return {
    namespace: 'shop', name: app, selector: { matchLabels: { app } }, generation: 1,
    status: { expectedPods, currentHealthy: expectedPods, desiredHealthy, disruptionsAllowed: expectedPods - desiredHealthy, observedGeneration: 1 },
  };
}

const names = (nodes: readonly NodeFacts[]) => nodes.map((n) => n.name);

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

describe('pdbBudget', () => {
  it('is the steady-state allowance, never negative', () => {
    expect(pdbBudget(pdb('a', 4, 3))).toBe(1);
    expect(pdbBudget({ ...pdb('a', 4, 3), status: { ...pdb('a', 4, 3).status, disruptionsAllowed: 0, currentHealthy: 3 } })).toBe(1);
    expect(pdbBudget(pdb('a', 2, 5))).toBe(0);
  });
});
