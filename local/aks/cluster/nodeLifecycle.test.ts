// A reboot as the API shows it on AKS (nodeLifecycle, cluster/nodeLifecycle.ts): the node stays
// Ready until the monitor grace period passes, then Unknown with the unreachable taints and its
// pods marked not Ready (node_lifecycle_controller.go, MarkPodsNotReady); after a fast reboot the
// pods' status is the pre-reboot one until the kubelet's first sync. The recorder counts the
// ground truth all along.
import { describe, expect, it } from 'vitest';
import { evictPod } from './eviction';
import { condition, isHealthy, isNodeReady, isPodReady } from './podState';
import { EVENTS } from './resourceNames';
import { clusterFor, seedScenario, smallScenario } from './testing';
import type { KubeObject } from './types';

describe('a node going down without graceful shutdown (AKS default)', () => {
  it('stays Ready=True with its pods Ready for monitorGraceSeconds, then turns Unknown, tainted unreachable, pods not Ready', () => {
    const c = clusterFor();
    const node = c.nodeNames('user')[0]!;
    const java = c.podsOnNode(node).find((p) => p.metadata.namespace === 'shop')!;
    c.rebootNode(node);
    c.advance(39);
    expect(isNodeReady(c.node(node)!)).toBe(true);
    expect(c.node(node)!.spec.taints).toBeUndefined();
    expect(isHealthy(c.pod('shop', java.metadata.name)!)).toBe(true);
    expect(c.reallyHealthy(c.pod('shop', java.metadata.name)!)).toBe(false);

    c.advance(1);
    const n = c.node(node)!;
    expect(condition(n.status.conditions, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(n.spec.taints?.map((t) => `${t.key}:${t.effect}`).sort()).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    expect(isPodReady(c.pod('shop', java.metadata.name)!)).toBe(false);
    expect(c.store.list<KubeObject>(EVENTS, 'default').some((e) => e.reason === 'NodeNotReady' && (e.involvedObject as { name: string }).name === node)).toBe(true);

    c.advance(80);
    const back = c.node(node)!;
    expect(isNodeReady(back)).toBe(true);
    expect(back.spec.taints).toBeUndefined();
  });

  it('after a reboot faster than the grace period the node never looks NotReady and its pods show the pre-reboot Ready until the kubelet syncs', () => {
    const s = seedScenario();
    s.pools = s.pools.map((p) => ({ ...p, rebootSeconds: 20 }));
    const c = clusterFor(s);
    const node = c.nodeNames('user')[0]!;
    const bootBefore = c.nodeRuntime(node)!.bootId;
    const java = c.podsOnNode(node).find((p) => p.metadata.namespace === 'shop')!.metadata.name;
    c.rebootNode(node);
    c.advance(20);
    expect(c.node(node)!.status.nodeInfo!.bootID).not.toBe(bootBefore);
    expect(isNodeReady(c.node(node)!)).toBe(true);
    expect(isPodReady(c.pod('shop', java)!)).toBe(true);
    expect(c.pod('shop', java)!.status.containerStatuses![0]!.restartCount).toBe(0);
    expect(c.reallyHealthy(c.pod('shop', java)!)).toBe(false);

    c.advance(10);
    const synced = c.pod('shop', java)!;
    expect(isPodReady(synced)).toBe(false);
    expect(synced.status.containerStatuses![0]!.restartCount).toBe(1);
    expect(synced.status.containerStatuses![0]!.state.running?.startedAt).toBe('2026-01-05T02:00:21Z');
    c.advance(230);
    expect(isPodReady(c.pod('shop', java)!)).toBe(false);
    c.advance(1);
    expect(isPodReady(c.pod('shop', java)!)).toBe(true);
    expect(c.reallyHealthy(c.pod('shop', java)!)).toBe(true);
  });

  it('the recorder counts ground truth: a silent node\'s pods are down at once, and an eviction the stale budget allows is a violation', () => {
    const c = clusterFor(smallScenario({ workloads: [{ name: 'web', kind: 'Deployment', replicas: 3, antiAffinity: 'hostname', startupSeconds: 5, pdb: { minAvailable: 2 } }] }));
    const [a, b] = c.nodeNames() as [string, string];
    c.rebootNode(a);
    expect(c.recorder.minReady('default', 'web')).toBe(2);
    expect(c.pdb('default', 'web-pdb')!.status!.disruptionsAllowed).toBe(1);
    const victim = c.podsOnNode(b).find((p) => p.metadata.name.startsWith('web'))!;
    const r = c.act(() => evictPod(c, { namespace: 'default', name: victim.metadata.name }));
    expect(r.status).toBe(201);
    expect(c.recorder.minReady('default', 'web')).toBe(1);
    expect(c.recorder.summary().invariants.pdbViolations).toEqual([expect.objectContaining({ pdb: 'web-pdb', action: 'eviction', pods: [victim.metadata.name], disruptionsAllowed: 0 })]);
  });
});
