import { describe, expect, it } from 'vitest';
import { generateScenario } from './generate';
import { loadScenario } from './scenario';
import { clusterFor } from './cluster/testing';
import { isHealthy } from './cluster/podState';

describe('generateScenario', () => {
  it('is deterministic from its seed and valid against the schema', () => {
    const a = generateScenario({ nodes: 120, pools: 4, zones: 3, seed: 42 });
    expect(generateScenario({ nodes: 120, pools: 4, zones: 3, seed: 42 })).toEqual(a);
    expect(generateScenario({ nodes: 120, pools: 4, zones: 3, seed: 43 })).not.toEqual(a);
    expect(() => loadScenario(a)).not.toThrow();
    expect(a.pools.reduce((s, p) => s + p.count, 0)).toBe(120);
    expect(a.pools.map((p) => p.mode)).toEqual(['System', 'User', 'User', 'User']);
  });

  it('makes a realistic mix that the model schedules completely', () => {
    const s = generateScenario({ nodes: 60, pools: 3, zones: 3, seed: 5 });
    const kinds = new Set((s.workloads ?? []).map((w) => w.kind));
    expect(kinds).toEqual(new Set(['Deployment', 'StatefulSet', 'DaemonSet']));
    expect((s.workloads ?? []).some((w) => w.antiAffinity === 'hostname')).toBe(true);
    expect((s.workloads ?? []).some((w) => w.pdb?.maxUnavailable !== undefined)).toBe(true);
    const c = clusterFor(s);
    const pods = c.pods();
    expect(pods.length).toBeGreaterThan(60 * 8);
    expect(pods.filter((p) => !isHealthy(p))).toEqual([]);
    expect(c.nodeNames().every((n) => c.rebootRequired(n))).toBe(true);
  });

  it('honours rebootFraction', () => {
    const c = clusterFor(generateScenario({ nodes: 20, pools: 2, zones: 1, seed: 1, rebootFraction: 0.25 }));
    expect(c.nodeNames().filter((n) => c.rebootRequired(n))).toHaveLength(5);
  });
});
