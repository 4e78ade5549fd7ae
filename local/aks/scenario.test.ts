import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledScenarioPath, loadScenario, scenarioStartMs } from './scenario';
import { clusterFor, seedScenario, smallScenario } from './cluster/testing';

describe('loadScenario', () => {
  it('loads the seed scenario from its file', () => {
    const s = loadScenario(bundledScenarioPath('seed'));
    expect(s.name).toBe('seed');
    expect(s.pools.map((p) => [p.name, p.mode, p.count])).toEqual([['system', 'System', 2], ['user', 'User', 4]]);
    expect(scenarioStartMs(s)).toBe(Date.parse('2026-01-05T02:00:00Z'));
    expect(s).not.toHaveProperty('$schema');
  });

  it.each([
    ['a missing field', (s: Record<string, unknown>) => { delete s.cluster; }, 'scenario.cluster: is required'],
    ['an unknown field', (s: Record<string, unknown>) => { s.nodes = 3; }, 'scenario.nodes: is not a known field'],
    ['a bad enum', (s: Record<string, unknown>) => { (s.pools as { mode: string }[])[0]!.mode = 'Worker'; }, 'scenario.pools[0].mode: must be one of "System", "User", got "Worker"'],
    ['a negative count', (s: Record<string, unknown>) => { (s.pools as { count: number }[])[0]!.count = -1; }, 'scenario.pools[0].count: must be >= 0, got -1'],
    ['a bad percentage', (s: Record<string, unknown>) => { s.workloads = [{ name: 'a', kind: 'Deployment', pdb: { maxUnavailable: '50 percent' } }]; }, 'scenario.workloads[0].pdb.maxUnavailable: must match exactly one accepted form'],
    ['an unknown pool in a workload', (s: Record<string, unknown>) => { s.workloads = [{ name: 'a', kind: 'Deployment', pool: 'gpu' }]; }, 'scenario.workloads[0].pool: no pool "gpu"'],
    ['both PDB forms', (s: Record<string, unknown>) => { s.workloads = [{ name: 'a', kind: 'Deployment', pdb: { minAvailable: 1, maxUnavailable: 1 } }]; }, 'scenario.workloads[0].pdb: set minAvailable or maxUnavailable, not both'],
    ['a node index out of range', (s: Record<string, unknown>) => { s.cordoned = [{ pool: 'user', index: 9 }]; }, 'scenario.cordoned[0].index: pool user has 3 node(s), index 9 is out of range'],
    ['a surge on a StatefulSet', (s: Record<string, unknown>) => { s.workloads = [{ name: 'a', kind: 'StatefulSet', maxSurge: 1 }]; }, 'scenario.workloads[0].maxSurge: only a Deployment surges'],
    ['a strategy on a DaemonSet', (s: Record<string, unknown>) => { s.workloads = [{ name: 'a', kind: 'DaemonSet', maxUnavailable: 1 }]; }, 'scenario.workloads[0].maxUnavailable: only a Deployment or a StatefulSet'],
    ['a Deployment that can neither surge nor lose a pod', (s: Record<string, unknown>) => { s.workloads = [{ name: 'a', kind: 'Deployment', maxUnavailable: 0, maxSurge: '0%' }]; }, 'scenario.workloads[0].maxUnavailable: maxUnavailable and maxSurge cannot both be 0'],
    ['a fault on an unknown pool', (s: Record<string, unknown>) => { s.faults = { poolsUpgrading: [{ pool: 'x', from: 0 }] }; }, 'scenario.faults.poolsUpgrading[0].pool: no pool "x"'],
  ])('rejects %s, naming the field', (_, mutate, message) => {
    const s = structuredClone(smallScenario()) as unknown as Record<string, unknown>;
    mutate(s);
    expect(() => loadScenario(s)).toThrow(message);
  });

  it('reports every problem at once', () => {
    const s = structuredClone(seedScenario()) as unknown as Record<string, unknown>;
    s.seed = -1;
    s.extra = true;
    const e = (() => { try { loadScenario(s); } catch (err) { return (err as Error).message; } return ''; })();
    expect(e).toContain('scenario.seed: must be >= 0');
    expect(e).toContain('scenario.extra: is not a known field');
  });

  it('names the file it could not read', () => {
    expect(() => loadScenario('/nonexistent/scenario.json')).toThrow(/^reading scenario \/nonexistent\/scenario.json: /);
  });
});

describe('workload annotations', () => {
  it('puts them on the workload object, as kured keeps its lock on its DaemonSet', () => {
    const s = seedScenario();
    s.workloads!.push({ name: 'kured', kind: 'DaemonSet', namespace: 'kube-system', annotations: { 'weave.works/kured-node-lock': '{"nodeID":"x"}' } });
    const c = clusterFor(s);
    expect(c.store.get('daemonsets.apps', 'kube-system', 'kured')!.metadata.annotations).toEqual({ 'weave.works/kured-node-lock': '{"nodeID":"x"}' });
  });
});

describe('bundled scenarios', () => {
  it.each(readdirSync(`${__dirname}/scenarios`).filter((f) => f.endsWith('.json')))('%s is valid and builds', (file) => {
    const s = loadScenario(`${__dirname}/scenarios/${file}`);
    expect(s.name).toBe(file.replace(/\.json$/, ''));
    expect(clusterFor(s).nodeNames().length).toBeGreaterThan(0);
  });
});
