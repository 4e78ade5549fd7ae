import { describe, expect, it } from 'vitest';
import { advanceUntil, clusterFor } from './cluster/testing';

describe('recorder', () => {
  it('tracks node phases and ready replicas on a timeline with virtual timestamps', () => {
    const c = clusterFor();
    const node = c.nodeNames('user')[0]!;
    c.advance(10);
    c.cordon(node);
    c.rebootNode(node);
    advanceUntil(c, () => c.workloadReadiness('shop', 'java-app').ready === 4, 600, 5);
    c.uncordon(node);
    const nodeEvents = c.recorder.timeline().filter((e) => e.kind === 'node' && e.node === node).map((e) => [e.t, e.kind === 'node' ? e.phase : '']);
    expect(nodeEvents).toEqual([[10, 'cordoned'], [10, 'rebooting'], [130, 'booted'], [expect.any(Number), 'uncordoned']]);
    const java = c.recorder.timeline().filter((e) => e.kind === 'ready' && e.workload === 'java-app').map((e) => [e.t, e.kind === 'ready' ? e.ready : -1]);
    expect(java[0]).toEqual([0, 4]);
    expect(java).toContainEqual([10, 3]);
    expect(java[java.length - 1]![1]).toBe(4);
    expect(c.recorder.timeline().find((e) => e.kind === 'node' && e.phase === 'booted')!.at).toBe('2026-01-05T02:02:10Z');
  });

  it('reports nodes left cordoned, but not those cordoned before the run', () => {
    const s = clusterFor().scenario;
    s.cordoned = [{ pool: 'system', index: 1 }];
    const c = clusterFor(s);
    c.cordon(c.nodeNames('user')[2]!);
    const sum = c.recorder.summary();
    expect(sum.invariants.nodesLeftCordoned).toEqual([c.nodeNames('user')[2]]);
    expect(sum.invariants.maxNodesDisrupted).toBe(2);
  });

  it('counts the most nodes of one zone disrupted at once', () => {
    const c = clusterFor();
    const zoneOf = (n: string) => c.nodeRuntime(n)!.zone;
    const user = c.nodeNames('user');
    const [a, b] = [user[0]!, user.find((n, i) => i > 0 && zoneOf(n) !== zoneOf(user[0]!))!];
    c.cordon(a);
    c.cordon(b);
    expect(c.recorder.summary().nodes.maxDisruptedInOneZone).toBe(1);
    const sameZone = [...c.nodeNames('system'), ...user].find((n) => n !== a && zoneOf(n) === zoneOf(a))!;
    c.cordon(sameZone);
    expect(c.recorder.summary().nodes.maxDisruptedInOneZone).toBe(2);
    expect(c.recorder.summary().invariants.maxNodesDisrupted).toBe(3);
  });

  it('records a deletion that bypassed the budget as a PDB violation', () => {
    const c = clusterFor();
    const [a, b] = c.pods('shop', 'java-app');
    c.deletePod('shop', a!.metadata.name, { client: 'kubectl' });
    c.deletePod('shop', b!.metadata.name, { client: 'kubectl' });
    const v = c.recorder.summary().invariants.pdbViolations;
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ namespace: 'shop', pdb: 'java-app-pdb', action: 'delete', pods: [b!.metadata.name], disruptionsAllowed: 0, client: 'kubectl', atSeconds: 0 });
  });

  it('takes ARM requests through the same hook, counted by operation', () => {
    const c = clusterFor();
    c.recorder.recordApiRequest({ surface: 'arm', verb: 'POST', resource: 'managedClusters.runCommand', client: 'product', status: 202 });
    c.recorder.recordApiRequest({ surface: 'arm', verb: 'GET', resource: 'managedClusters.getCommandResult', client: 'product', status: 202 });
    c.recorder.recordApiRequest({ surface: 'arm', verb: 'GET', resource: 'managedClusters.getCommandResult', client: 'product', status: 200 });
    const arm = c.recorder.summary().apiRequests.arm;
    expect(arm).toMatchObject({ total: 3, errors: 0, byResource: { 'managedClusters.runCommand': 1, 'managedClusters.getCommandResult': 2 } });
  });

  it('stamps each request with the virtual seconds at which it was answered', () => {
    const c = clusterFor();
    c.recorder.recordApiRequest({ surface: 'arm', verb: 'POST', resource: 'managedClusters.runCommand', status: 202 });
    c.advance(42);
    c.recorder.recordApiRequest({ surface: 'arm', verb: 'GET', resource: 'managedClusters.getCommandResult', status: 200 });
    expect(c.recorder.requests().map((r) => r.t)).toEqual([0, 42]);
  });
});
