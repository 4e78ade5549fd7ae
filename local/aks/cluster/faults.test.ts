import { describe, expect, it } from 'vitest';
import { evictPod } from './eviction';
import { Faults } from './faults';
import { isHealthy, isNodeReady } from './podState';
import { advanceUntil, clusterFor, seedScenario } from './testing';

describe('faults in the model', () => {
  it('a node that never comes back stays NotReady with its boot id', () => {
    const s = seedScenario();
    s.faults = { nodesNeverReturn: [{ pool: 'user', index: 1 }] };
    const c = clusterFor(s);
    const node = c.nodeNames('user')[1]!;
    const boot = c.nodeRuntime(node)!.bootId;
    c.rebootNode(node);
    c.advance(3600);
    expect(isNodeReady(c.node(node)!)).toBe(false);
    expect(c.node(node)!.status.nodeInfo!.bootID).toBe(boot);
  });

  it('an ignored reboot changes nothing, once; the next reboot happens', () => {
    const s = seedScenario();
    s.faults = { rebootsIgnored: [{ node: { pool: 'user', index: 0 } }] };
    const c = clusterFor(s);
    const node = c.nodeNames('user')[0]!;
    const boot = c.nodeRuntime(node)!.bootId;
    expect(c.rebootNode(node)).toBe(false);
    expect(isNodeReady(c.node(node)!)).toBe(true);
    c.advance(300);
    expect(c.node(node)!.status.nodeInfo!.bootID).toBe(boot);
    expect(c.rebootNode(node)).toBe(true);
    c.advance(120);
    expect(c.node(node)!.status.nodeInfo!.bootID).not.toBe(boot);
    expect(c.recorder.timeline().some((e) => e.kind === 'node' && e.phase === 'rebootIgnored')).toBe(true);
  });

  it('pods of a workload started after `from` never get Ready again', () => {
    const s = seedScenario();
    s.faults = { podsNeverReady: [{ workload: 'java-app', namespace: 'shop', from: 10 }] };
    const c = clusterFor(s);
    expect(c.workloadReadiness('shop', 'java-app').ready).toBe(4);
    c.advance(10);
    const node = c.nodeNames('user')[0]!;
    c.rebootNode(node);
    c.advance(3600);
    expect(c.workloadReadiness('shop', 'java-app').ready).toBe(3);
  });

  it('a PDB that never allows refuses every eviction with 429', () => {
    const s = seedScenario();
    s.faults = { pdbsNeverAllow: [{ namespace: 'shop', name: 'java-app-pdb' }] };
    const c = clusterFor(s);
    expect(c.pdb('shop', 'java-app-pdb')!.status!.disruptionsAllowed).toBe(0);
    const p = c.pods('shop', 'java-app')[0]!;
    expect(evictPod(c, { namespace: 'shop', name: p.metadata.name }).status).toBe(429);
  });

  it('a node deleted mid-run takes its pods with it; the Deployment recreates them elsewhere if it can', () => {
    const s = seedScenario();
    s.faults = { nodeDeletions: [{ node: { pool: 'system', index: 0 }, at: 100 }] };
    const c = clusterFor(s);
    const node = c.nodeNames('system')[0]!;
    c.advance(99);
    expect(c.node(node)).toBeDefined();
    c.advance(1);
    expect(c.node(node)).toBeUndefined();
    expect(c.pods().filter((p) => p.spec.nodeName === node)).toEqual([]);
    c.advance(2);
    const coredns = c.pods('kube-system', 'coredns');
    expect(coredns.filter(isHealthy)).toHaveLength(1);
    expect(coredns.filter((p) => !p.spec.nodeName)).toHaveLength(1);
    advanceUntil(c, () => c.recorder.timeline().some((e) => e.kind === 'node' && e.phase === 'deleted'), 1);
  });
});

describe('Faults (API and ARM side)', () => {
  const start = Date.UTC(2026, 0, 1);
  const resolve = (r: string | { pool: string; index: number }) => (typeof r === 'string' ? r : `${r.pool}-${r.index}`);

  it('clusterStates: the managed cluster is Upgrading or Stopped inside its windows, Succeeded and Running outside', () => {
    const f = new Faults({ clusterStates: [{ provisioningState: 'Upgrading', from: 10, to: 20 }, { powerState: 'Stopped', from: 30 }] }, 1, start, resolve);
    expect(f.clusterState(start + 9_000)).toEqual({ provisioningState: 'Succeeded', powerState: 'Running' });
    expect(f.clusterState(start + 10_000)).toEqual({ provisioningState: 'Upgrading', powerState: 'Running' });
    expect(f.clusterState(start + 20_000)).toEqual({ provisioningState: 'Succeeded', powerState: 'Running' });
    expect(f.clusterState(start + 3_600_000)).toEqual({ provisioningState: 'Succeeded', powerState: 'Stopped' });
  });

  it('matches API faults by resource, verb and window; rates are deterministic per seed', () => {
    const spec = { api: [{ resource: 'pods', subresource: 'eviction', status: 500, from: 10, to: 20 }, { resource: 'nodes', verb: 'list', status: 429, rate: 0.5, retryAfterSeconds: 2 }] };
    const f = new Faults(spec, 1, start, resolve);
    const ev = { surface: 'kube' as const, resource: 'pods', subresource: 'eviction', verb: 'create', namespace: 'shop' };
    expect(f.apiCall(ev, start + 9_000)).toBeUndefined();
    expect(f.apiCall(ev, start + 10_000)).toMatchObject({ status: 500 });
    expect(f.apiCall(ev, start + 20_000)).toBeUndefined();
    const draws = (faults: Faults) => Array.from({ length: 40 }, () => faults.apiCall({ surface: 'kube', resource: 'nodes', verb: 'list' }, start)?.status ?? 200);
    const one = draws(new Faults(spec, 1, start, resolve));
    expect(one).toEqual(draws(new Faults(spec, 1, start, resolve)));
    expect(one.filter((x) => x === 429).length).toBeGreaterThan(8);
    expect(one.filter((x) => x === 200).length).toBeGreaterThan(8);
  });

  it('an outage window answers 503 on its surface only', () => {
    const f = new Faults({ apiOutages: [{ from: 0, to: 60, surface: 'kube' }] }, 1, start, resolve);
    expect(f.apiCall({ surface: 'kube', resource: 'nodes', verb: 'get' }, start + 1000)).toMatchObject({ status: 503, fault: 'outage' });
    expect(f.outage('arm', start + 1000)).toBe(false);
    expect(f.outage('kube', start + 60_000)).toBe(false);
  });

  it('run-command failures are counted and pools turn Upgrading in their window', () => {
    const f = new Faults({ runCommandFailures: [{ count: 2, exitCode: 3, reason: 'Boom' }], poolsUpgrading: [{ pool: 'user', from: 100, to: 200 }] }, 1, start, resolve);
    const boom = { shape: 'result', exitCode: 3, reason: 'Boom', commandRuns: false };
    expect(f.runCommandFailure(start)).toEqual(boom);
    expect(f.runCommandFailure(start)).toEqual(boom);
    expect(f.runCommandFailure(start)).toBeUndefined();
    expect(f.poolProvisioningState('user', 'Succeeded', start + 150_000)).toBe('Upgrading');
    expect(f.poolProvisioningState('user', 'Succeeded', start + 250_000)).toBe('Succeeded');
    expect(f.poolProvisioningState('system', 'Succeeded', start + 150_000)).toBe('Succeeded');
  });
});

describe('run-command failure shapes', () => {
  it.each([
    [{}, { shape: 'result', reason: 'CommandFailed', commandRuns: false }],
    [{ shape: 'result', commandRuns: true }, { shape: 'result', reason: 'CommandFailed', commandRuns: true }],
    [{ shape: 'armError' }, { shape: 'armError', status: 500 }],
    [{ shape: 'armError', armStatus: 504 }, { shape: 'armError', status: 504 }],
    [{ shape: 'notFound' }, { shape: 'notFound' }],
    [{ shape: 'hang' }, { shape: 'hang', commandRuns: true }],
    [{ shape: 'hang', untilSeconds: 90, commandRuns: false }, { shape: 'hang', untilSeconds: 90, commandRuns: false }],
  ] as const)('%j resolves to %j (no exit code unless given, as AKS often reports none)', (spec, expected) => {
    const start = Date.UTC(2026, 0, 1);
    const f = new Faults({ runCommandFailures: [spec] }, 1, start, () => undefined);
    expect(f.runCommandFailure(start)).toEqual(expected);
  });
});

describe('a node that stays down', () => {
  it('has its pods deleted when their unreachable toleration (300 s from the taint, 40 s after it went silent) runs out; they stay Terminating, and are replaced', () => {
    const s = seedScenario();
    s.faults = { nodesNeverReturn: [{ pool: 'system', index: 0 }] };
    const c = clusterFor(s);
    const node = c.nodeNames('system')[0]!;
    const coredns = c.podsOnNode(node).find((p) => p.metadata.namespace === 'kube-system' && p.metadata.name.startsWith('coredns'))!;
    const agent = c.podsOnNode(node).find((p) => p.metadata.name.startsWith('node-agent'))!;
    c.rebootNode(node);
    c.advance(339);
    expect(c.pod('kube-system', coredns.metadata.name)!.metadata.deletionTimestamp).toBeUndefined();
    c.advance(1);
    expect(c.pod('kube-system', coredns.metadata.name)!.metadata.deletionTimestamp).toBeDefined();
    expect(c.pod('kube-system', agent.metadata.name)!.metadata.deletionTimestamp).toBeUndefined();
    c.advance(3600);
    expect(c.pod('kube-system', coredns.metadata.name)).toBeDefined();
    expect(c.pods('kube-system', 'coredns')).toHaveLength(3);
  });
});
