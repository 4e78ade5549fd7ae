import { describe, expect, it } from 'vitest';
import { clusterFor, seedScenario, smallScenario } from './cluster/testing';
import { lowerBound, rolloutOrder, scenarioLowerBound, type NodeBound } from './lowerBound';

describe('lower bound (DESIGN.md section 9)', () => {
  it('per seed node: longest grace evicted + run-command start + reboot + slowest startup coming back', () => {
    const lb = scenarioLowerBound(seedScenario());
    const user = lb.nodes.filter((n) => n.pool === 'user');
    const system = lb.nodes.filter((n) => n.pool === 'system');
    expect(user).toHaveLength(4);
    for (const n of user) expect(n).toMatchObject({ graceSeconds: 30, runCommandStartSeconds: 20, rebootSeconds: 120, startupSeconds: 240, seconds: 410 });
    // System nodes hold coredns (grace 30, startup 20) and the DaemonSet pod (not evicted, startup 5).
    for (const n of system) expect(n).toMatchObject({ graceSeconds: 30, startupSeconds: 20, seconds: 30 + 20 + 120 + 20 });
    expect(lb.seconds).toBe(4 * 410 + 2 * 190);
    expect(lb.schedule.map((s) => s.start)).toEqual([0, 190, 380, 790, 1200, 1610]);
  });

  it('with concurrency N: zones and budgets hold the seed rollout back', () => {
    const lb = scenarioLowerBound(seedScenario(), { concurrency: 3 });
    // coredns's budget allows one system node at a time; java-app's budget allows one user node at a time.
    const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;
    const byNode = new Map(lb.nodes.map((n) => [n.node, n]));
    for (const a of lb.schedule) {
      for (const b of lb.schedule) {
        if (a === b || !overlaps(a, b)) continue;
        const [na, nb] = [byNode.get(a.node)!, byNode.get(b.node)!];
        expect(na.zone).not.toBe(nb.zone);
        expect(na.pool).not.toBe(nb.pool);
      }
    }
    expect(lb.seconds).toBe(4 * 410);
  });

  it('with a generous budget and three zones, three nodes reboot at once', () => {
    const s = smallScenario({ rebootRequired: 'all', workloads: [{ name: 'web', kind: 'Deployment', replicas: 6, startupSeconds: 30, graceSeconds: 10, pdb: { maxUnavailable: '50%' } }] }, 6);
    const one = scenarioLowerBound(s);
    const three = scenarioLowerBound(s, { concurrency: 3 });
    expect(one.nodes.every((n) => n.seconds === 10 + 0 + 60 + 30)).toBe(true);
    expect(one.seconds).toBe(6 * 100);
    expect(three.seconds).toBe(2 * 100);
  });

  it('counts only the nodes that need a reboot, and a node with nothing to evict costs the reboot alone', () => {
    const s = smallScenario({ rebootRequired: { count: 2 } }, 3);
    const lb = lowerBound(clusterFor(s));
    expect(lb.nodes).toHaveLength(2);
    expect(lb.seconds).toBe(2 * 60);
  });

  it('orders nodes by pool, round-robin across zones', () => {
    const b = (node: string, pool: string, zone: string): NodeBound => ({ node, pool, zone, graceSeconds: 0, runCommandStartSeconds: 0, rebootSeconds: 1, startupSeconds: 0, seconds: 1 });
    const order = rolloutOrder([b('u1', 'user', '1'), b('u2', 'user', '1'), b('u3', 'user', '2'), b('s1', 'system', '3')], ['system', 'user']);
    expect(order.map((x) => x.node)).toEqual(['s1', 'u1', 'u3', 'u2']);
  });
});
