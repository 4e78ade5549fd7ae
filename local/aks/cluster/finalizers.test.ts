// Workload finalizers: a deleted pod whose finalizers are not released stays Terminating (its
// containers stopped) until faults.finalizersReleasedAfterSeconds after its deletion; its
// ReplicaSet replaces it meanwhile, since a terminating pod no longer counts.
import { describe, expect, it } from 'vitest';
import { clusterFor, seedScenario } from './testing';

describe('finalizers', () => {
  const withFinalizers = (release?: number) => {
    const s = seedScenario();
    s.workloads = s.workloads!.map((w) => (w.name === 'java-app' ? { ...w, finalizers: ['example.com/protect'] } : w));
    if (release !== undefined) s.faults = { finalizersReleasedAfterSeconds: release };
    return clusterFor(s);
  };

  it('keeps a deleted pod Terminating past its grace period until the finalizers are released', () => {
    const c = withFinalizers(120);
    const pod = c.pods('shop', 'java-app')[0]!;
    expect(pod.metadata.finalizers).toEqual(['example.com/protect']);
    c.deletePod('shop', pod.metadata.name);
    c.advance(60);
    const stuck = c.pod('shop', pod.metadata.name)!;
    expect(stuck.metadata.deletionTimestamp).toBeDefined();
    expect(stuck.status.containerStatuses![0]!.state.terminated).toBeDefined();
    expect(c.pods('shop', 'java-app').filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(4);
    c.advance(59);
    expect(c.pod('shop', pod.metadata.name)).toBeDefined();
    c.advance(1);
    expect(c.pod('shop', pod.metadata.name)).toBeUndefined();
  });

  it('without a release the pod stays Terminating', () => {
    const c = withFinalizers();
    const pod = c.pods('shop', 'java-app')[0]!;
    c.deletePod('shop', pod.metadata.name);
    c.advance(3600);
    expect(c.pod('shop', pod.metadata.name)?.metadata.deletionTimestamp).toBeDefined();
  });
});
