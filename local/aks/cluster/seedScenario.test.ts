// THE scenario test of the model alone: the seed cluster's user nodes rebooted by hand.
import { describe, expect, it } from 'vitest';
import { evictPod } from './eviction';
import { isHealthy } from './podState';
import { advanceUntil, clusterFor } from './testing';
import type { Cluster } from './cluster';

function drainAndReboot(c: Cluster, node: string): void {
  c.cordon(node);
  for (const pod of c.podsOnNode(node)) {
    if (pod.metadata.ownerReferences?.[0]?.kind === 'DaemonSet') continue;
    const r = evictPod(c, { namespace: pod.metadata.namespace!, name: pod.metadata.name, client: 'test' });
    expect(r.status, `evicting ${pod.metadata.name}: ${r.body.message}`).toBe(201);
  }
  advanceUntil(c, () => c.podsOnNode(node).every((p) => p.metadata.ownerReferences?.[0]?.kind === 'DaemonSet'), 60);
  expect(c.rebootNode(node, { cause: 'test' })).toBe(true);
}

describe('seed scenario, model only', () => {
  it('starts in steady state: 4 java-app pods, one per user node, all Ready; every node needs a reboot', () => {
    const c = clusterFor();
    const users = c.nodeNames('user');
    expect(users).toHaveLength(4);
    const pods = c.pods('shop', 'java-app');
    expect(pods.filter(isHealthy)).toHaveLength(4);
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(users));
    expect(c.nodeNames().every((n) => c.rebootRequired(n))).toBe(true);
    expect(c.pdb('shop', 'java-app-pdb')!.status).toMatchObject({ expectedPods: 4, currentHealthy: 4, desiredHealthy: 3, disruptionsAllowed: 1 });
    expect(c.pdb('kube-system', 'coredns-pdb')!.status).toMatchObject({ expectedPods: 2, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
  });

  it('rebooting the user nodes one at a time, each after the previous pod is Ready, never drops java-app below 3', () => {
    const c = clusterFor();
    const before = new Map(c.nodeNames('user').map((n) => [n, c.nodeRuntime(n)!.bootId]));
    for (const node of c.nodeNames('user')) {
      drainAndReboot(c, node);
      advanceUntil(c, () => !c.nodeRuntime(node)!.down, 200);
      c.uncordon(node);
      const waited = advanceUntil(c, () => c.workloadReadiness('shop', 'java-app').ready === 4, 600, 5);
      expect(waited).toBeGreaterThanOrEqual(240);
      expect(c.pods('shop', 'java-app').some((p) => p.spec.nodeName === node && isHealthy(p))).toBe(true);
    }
    const s = c.recorder.summary();
    const java = s.workloads.find((w) => w.name === 'java-app')!;
    expect(java.minReady).toBe(3);
    expect(java.maxUnavailable).toBe(1);
    expect(s.invariants.pdbViolations).toEqual([]);
    expect(s.invariants.maxNodesDisrupted).toBe(1);
    expect(s.nodes).toMatchObject({ maxCordonedAtOnce: 1, maxRebootingAtOnce: 1 });
    expect(s.invariants.nodesLeftCordoned).toEqual([]);
    for (const [node, bootId] of before) {
      const r = s.nodes.reboots.find((x) => x.node === node)!;
      expect(r.rebootCount).toBe(1);
      expect(r.bootIds).toHaveLength(2);
      expect(r.bootIds[0]).toBe(bootId);
      expect(r.bootIds[1]).not.toBe(bootId);
      expect(r.rebootRequired).toBe(false);
    }
    expect(s.evictions.byStatus).toEqual({ '201': 4 });
  });

  it('rebooting two user nodes at once drops java-app to 2 and the recorder reports it', () => {
    const c = clusterFor();
    const [a, b] = c.nodeNames('user') as [string, string];
    c.cordon(a);
    c.cordon(b);
    c.rebootNode(a);
    c.rebootNode(b);
    expect(c.workloadReadiness('shop', 'java-app').ready).toBe(2);
    advanceUntil(c, () => c.workloadReadiness('shop', 'java-app').ready === 4, 600, 5);
    c.uncordon(a);
    c.uncordon(b);
    const s = c.recorder.summary();
    const java = s.workloads.find((w) => w.name === 'java-app')!;
    expect(java.minReady).toBe(2);
    expect(java.secondsBelowDesired).toBeGreaterThanOrEqual(120 + 240);
    expect(s.invariants.maxNodesDisrupted).toBe(2);
    expect(s.nodes).toMatchObject({ maxCordonedAtOnce: 2, maxRebootingAtOnce: 2 });
    const violations = s.invariants.pdbViolations.filter((v) => v.pdb === 'java-app-pdb');
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ action: 'reboot', node: b, disruptionsAllowed: 0 });
  });

  it('a second eviction from another user node is refused with 429 while the first pod is not Ready again', () => {
    const c = clusterFor();
    const [a, b] = c.nodeNames('user') as [string, string];
    drainAndReboot(c, a);
    const victim = c.podsOnNode(b).find((p) => p.metadata.namespace === 'shop')!;
    const r = evictPod(c, { namespace: 'shop', name: victim.metadata.name });
    expect(r.status).toBe(429);
    expect(r.body.details?.causes?.[0]).toEqual({ reason: 'DisruptionBudget', message: 'The disruption budget java-app-pdb needs 3 healthy pods and has 3 currently' });
    advanceUntil(c, () => !c.nodeRuntime(a)!.down, 200);
    c.uncordon(a);
    advanceUntil(c, () => c.workloadReadiness('shop', 'java-app').ready === 4, 600, 5);
    expect(evictPod(c, { namespace: 'shop', name: victim.metadata.name }).status).toBe(201);
  });
});
