import { describe, expect, it } from 'vitest';
import type { PdbFacts, PodFacts, WorkloadFacts } from './kubeFacts';
import { isReleased, namespaceOfKey } from './releasedBudget';

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
