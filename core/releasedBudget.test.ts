import { describe, expect, it } from 'vitest';
import type { PdbFacts, PodFacts, WorkloadFacts } from './kubeFacts';
import { namespaceOfKey, releaseOf, type ReleaseFacts } from './releasedBudget';

// The three answers of one release read, one at a time.
const isReleased = (node: string, workload: string, facts: ReleaseFacts): boolean => releaseOf(node, workload, facts)?.released ?? false;
const expectedReleaseAt = (node: string, workload: string, facts: ReleaseFacts, now: string): string | undefined => releaseOf(node, workload, facts, now)?.expectedAt;
const hasUnplacedPod = (workload: string, facts: ReleaseFacts): boolean => releaseOf('', workload, facts)?.unplaced ?? false;

function pod(name: string, nodeName: string, extra: Partial<PodFacts> = {}): PodFacts {
  return {
    namespace: 'shop', name, uid: name, nodeName, phase: 'Running', ready: true, labels: { app: 'web' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', controller: true }], isMirror: false, emptyDirVolumes: [], ...extra,
  };
}
const pdb: PdbFacts = {
  namespace: 'shop', name: 'web', selector: { matchLabels: { app: 'web' } }, maxUnavailable: 1, generation: 2,
  status: { expectedPods: 2, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, observedGeneration: 2 },
};
const rs: WorkloadFacts = {
  kind: 'ReplicaSet', namespace: 'shop', name: 'web-1', replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2, selector: { matchLabels: { app: 'web' } },
};
const facts = (pods: PodFacts[], pdbs = [pdb]) => ({ pods, pdbs, replicaSets: [rs] });

describe('isReleased', () => {
  it('releases a PDB once its pod left the node and a Ready replacement runs elsewhere', () => {
    expect(isReleased('n1', 'PDB shop/web', facts([pod('a', 'n2'), pod('b', 'n3')]))).toBe(true);
  });

  it('keeps a PDB while its pod still runs on the node', () => {
    expect(isReleased('n1', 'PDB shop/web', facts([pod('a', 'n1'), pod('b', 'n3')]))).toBe(false);
  });

  it('releases a PDB whose pod on the node is terminating once Ready replacements run elsewhere (a terminating pod is not healthy)', () => {
    expect(isReleased('n1', 'PDB shop/web', facts([pod('a', 'n1', { deletionTimestamp: '2026-01-01T00:00:00Z' }), pod('b', 'n3'), pod('c', 'n2')]))).toBe(true);
    expect(isReleased('n1', 'PDB shop/web', facts([pod('a', 'n1', { deletionTimestamp: '2026-01-01T00:00:00Z' }), pod('b', 'n3'), pod('c', 'n2', { ready: false })]))).toBe(false);
  });

  it('keeps a PDB while the replacement is not Ready (placed or pending)', () => {
    expect(isReleased('n1', 'PDB shop/web', facts([pod('a', 'n2'), pod('b', 'n3', { ready: false })]))).toBe(false);
    expect(isReleased('n1', 'PDB shop/web', facts([pod('a', 'n2'), pod('b', '', { phase: 'Pending', ready: false })]))).toBe(false);
  });

  it('keeps a PDB whose status is behind its spec', () => {
    const stale = { ...pdb, generation: 3 };
    expect(isReleased('n1', 'PDB shop/web', facts([pod('a', 'n2'), pod('b', 'n3')], [stale]))).toBe(false);
  });

  it('keeps a PDB that selects a pod left in place (a DaemonSet pod stays on the node)', () => {
    const ds = pod('d', 'n1', { ownerReferences: [{ kind: 'DaemonSet', name: 'agent', controller: true }] });
    expect(isReleased('n1', 'PDB shop/web', facts([pod('a', 'n2'), pod('b', 'n3'), ds]))).toBe(false);
  });

  it('releases a ReplicaSet (implicit budget) on its own pods, not its status', () => {
    expect(isReleased('n1', 'ReplicaSet shop/web-1', facts([pod('a', 'n2'), pod('b', 'n3')]))).toBe(true);
    expect(isReleased('n1', 'ReplicaSet shop/web-1', facts([pod('a', 'n2')]))).toBe(false);
  });

  it('never releases another controller or an unknown key', () => {
    expect(isReleased('n1', 'StatefulSet shop/db', facts([]))).toBe(false);
    expect(isReleased('n1', 'PDB shop/other', facts([pod('a', 'n2')]))).toBe(false);
  });

  it('reads the namespace of a key', () => {
    expect(namespaceOfKey('PDB shop/web')).toBe('shop');
    expect(namespaceOfKey('ReplicaSet kube-system/coredns-1')).toBe('kube-system');
    expect(namespaceOfKey('nonsense')).toBeUndefined();
  });
});

describe('expectedReleaseAt', () => {
  const NOW = '2026-01-01T10:00:00.000Z';

  it('says nothing while a pod of the workload still runs on the node (the drain has not evicted it)', () => {
    const pending = pod('b', '', { phase: 'Pending', ready: false, readinessDelaySeconds: 30 });
    expect(expectedReleaseAt('n1', 'PDB shop/web', facts([pod('a', 'n1'), pending]), NOW)).toBeUndefined();
  });

  it('evicted, its replacement running not Ready: the replacement\'s containers\' start + its readiness delay', () => {
    // Started 09:59:40, probe delay 45 s: Ready no sooner than 09:59:40 + 45 s = 10:00:25.
    const replacement = pod('b', 'n2', { ready: false, containersStartedAt: '2026-01-01T09:59:40.000Z', readinessDelaySeconds: 45 });
    expect(expectedReleaseAt('n1', 'PDB shop/web', facts([pod('a', 'n3'), replacement]), NOW)).toBe('2026-01-01T10:00:25.000Z');
  });

  it('a replacement pending, not started: now + its readiness delay (also for a ReplicaSet key)', () => {
    // 10:00:00 + 90 s = 10:01:30.
    const pending = pod('b', '', { phase: 'Pending', ready: false, readinessDelaySeconds: 90 });
    expect(expectedReleaseAt('n1', 'PDB shop/web', facts([pod('a', 'n3'), pending]), NOW)).toBe('2026-01-01T10:01:30.000Z');
    expect(expectedReleaseAt('n1', 'ReplicaSet shop/web-1', facts([pod('a', 'n3'), pending]), NOW)).toBe('2026-01-01T10:01:30.000Z');
  });

  it('takes the latest of several replacements; the pod terminating on the node does not count', () => {
    // Running since 09:59:00 + 120 s = 10:01:00; pending: 10:00:00 + 30 s = 10:00:30; the later is 10:01:00.
    const running = pod('b', 'n2', { ready: false, containersStartedAt: '2026-01-01T09:59:00.000Z', readinessDelaySeconds: 120 });
    const pending = pod('c', '', { phase: 'Pending', ready: false, readinessDelaySeconds: 30 });
    const leaving = pod('a', 'n1', { ready: false, deletionTimestamp: '2026-01-01T09:58:00.000Z', readinessDelaySeconds: 600 });
    expect(expectedReleaseAt('n1', 'PDB shop/web', facts([leaving, running, pending]), NOW)).toBe('2026-01-01T10:01:00.000Z');
  });

  it('says nothing for a missing or stale PDB, or an unknown ReplicaSet', () => {
    const pending = pod('b', '', { phase: 'Pending', ready: false, readinessDelaySeconds: 30 });
    expect(expectedReleaseAt('n1', 'PDB shop/other', facts([pod('a', 'n3'), pending]), NOW)).toBeUndefined();
    expect(expectedReleaseAt('n1', 'PDB shop/web', facts([pod('a', 'n3'), pending], [{ ...pdb, generation: 3 }]), NOW)).toBeUndefined();
    expect(expectedReleaseAt('n1', 'ReplicaSet shop/web-2', facts([pod('a', 'n3'), pending]), NOW)).toBeUndefined();
  });
});

describe('releaseOf a node back from its reboot (in recovery, ADR 0025)', () => {
  const SENT = '2026-01-01T10:00:00.000Z';
  const NOW = '2026-01-01T10:03:00.000Z';
  const after = { containersStartedAt: '2026-01-01T10:02:00.000Z', readySince: '2026-01-01T10:02:30.000Z' };
  const before = { containersStartedAt: '2026-01-01T09:00:00.000Z', readySince: '2026-01-01T09:00:30.000Z', readinessDelaySeconds: 20 };

  it('releases a workload whole again though a pod of it now runs on the node: placed or restarted after the reboot', () => {
    const onNode = pod('a', 'n1', after);
    expect(releaseOf('n1', 'PDB shop/web', facts([onNode, pod('b', 'n3')]), NOW, SENT)?.released).toBe(true);
    // Without the reboot's time the pod on the node reads as one the drain has not evicted.
    expect(releaseOf('n1', 'PDB shop/web', facts([onNode, pod('b', 'n3')]), NOW)?.released).toBe(false);
  });

  it('does not count a pod on the node whose Ready is from before the reboot, and expects it after its readiness delay', () => {
    const stale = pod('a', 'n1', before);
    const verdict = releaseOf('n1', 'PDB shop/web', facts([stale, pod('b', 'n3')]), NOW, SENT);
    expect(verdict?.released).toBe(false);
    // Its status is from before the reboot: it starts again now, Ready no sooner than now + 20 s.
    expect(verdict?.expectedAt).toBe('2026-01-01T10:03:20.000Z');
  });

  it('counts a pod elsewhere as it is, and keeps a workload short of Ready pods', () => {
    expect(releaseOf('n1', 'PDB shop/web', facts([pod('a', 'n2', before), pod('b', 'n3')]), NOW, SENT)?.released).toBe(true);
    expect(releaseOf('n1', 'PDB shop/web', facts([pod('a', 'n1', { ...after, ready: false }), pod('b', 'n3')]), NOW, SENT)?.released).toBe(false);
  });

  it('releases a PDB over a DaemonSet pod restarted on the node after the reboot', () => {
    const ds = (name: string, node: string, extra: Partial<PodFacts>) => pod(name, node, { ownerReferences: [{ kind: 'DaemonSet', name: 'agent', controller: true }], ...extra });
    expect(releaseOf('n1', 'PDB shop/web', facts([ds('a', 'n1', after), ds('b', 'n2', {})]), NOW, SENT)?.released).toBe(true);
    expect(releaseOf('n1', 'PDB shop/web', facts([ds('a', 'n1', before), ds('b', 'n2', {})]), NOW, SENT)?.released).toBe(false);
  });
});

describe('hasUnplacedPod', () => {
  const unplaceable = { phase: 'Pending' as const, ready: false, unschedulable: '0/3 nodes are available: 3 node(s) didn\'t match pod anti-affinity rules.' };

  it('is true for a Pending pod the scheduler marked unschedulable', () => {
    expect(hasUnplacedPod('PDB shop/web', facts([pod('a', 'n2'), pod('b', '', unplaceable)]))).toBe(true);
    expect(hasUnplacedPod('ReplicaSet shop/web-1', facts([pod('a', 'n2'), pod('b', '', unplaceable)]))).toBe(true);
  });

  it('is false for a terminating one, a Pending pod not (yet) marked, or a workload whose facts are missing', () => {
    expect(hasUnplacedPod('PDB shop/web', facts([pod('a', 'n2'), pod('b', '', { ...unplaceable, deletionTimestamp: '2026-01-01T10:00:00Z' })]))).toBe(false);
    expect(hasUnplacedPod('PDB shop/web', facts([pod('a', 'n2'), pod('b', '', { phase: 'Pending', ready: false })]))).toBe(false);
    expect(hasUnplacedPod('PDB shop/other', facts([pod('b', '', unplaceable)]))).toBe(false);
  });
});
