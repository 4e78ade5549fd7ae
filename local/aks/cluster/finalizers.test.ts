// Workload finalizers: a deleted pod whose finalizers are not released stays Terminating (its
// containers stopped) until faults.finalizersReleasedAfterSeconds after its deletion; its
// ReplicaSet replaces it meanwhile, since a terminating pod no longer counts.
import { describe, expect, it } from 'vitest';
import { createKubeHandler } from '../kube/handler';
import { call } from '../kube/testClient';
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

  // k8s.io/apiserver registry/generic/registry/store.go: an update leaving no finalizers on an
  // object being deleted with no grace period left (ShouldDeleteDuringUpdate) deletes it.
  it.each([
    ['a merge patch', 'application/merge-patch+json', { metadata: { finalizers: null } }],
    ['a JSON patch', 'application/json-patch+json', [{ op: 'remove', path: '/metadata/finalizers/0' }]],
  ])('a pod held by finalizers goes when %s removes the last one', async (_name, contentType, body) => {
    const c = withFinalizers();
    const h = createKubeHandler(c);
    const name = c.pods('shop', 'java-app')[0]!.metadata.name;
    c.deletePod('shop', name);
    c.advance(60);
    const held = (await call(h, 'GET', `/api/v1/namespaces/shop/pods/${name}`)).json;
    // The kubelet's final delete shortened the grace to 0, back to the time of the request.
    expect(held.metadata).toMatchObject({ deletionGracePeriodSeconds: 0, deletionTimestamp: '2026-01-05T02:00:00Z', finalizers: ['example.com/protect'] });
    const patched = await call(h, 'PATCH', `/api/v1/namespaces/shop/pods/${name}`, { body, contentType });
    expect(patched.status).toBe(200);
    expect(patched.json.metadata.finalizers ?? []).toEqual([]);
    expect((await call(h, 'GET', `/api/v1/namespaces/shop/pods/${name}`)).status).toBe(404);
  });

  it('a pod whose finalizers go while it is still in its grace period stays until the kubelet has stopped it', async () => {
    const c = withFinalizers();
    const h = createKubeHandler(c);
    const name = c.pods('shop', 'java-app')[0]!.metadata.name;
    c.deletePod('shop', name);
    const patched = await call(h, 'PATCH', `/api/v1/namespaces/shop/pods/${name}`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect(c.pod('shop', name)?.metadata.deletionGracePeriodSeconds).toBe(30);
    c.advance(60);
    expect(c.pod('shop', name)).toBeUndefined();
  });

  it('an update that keeps a finalizer keeps the pod', async () => {
    const c = withFinalizers();
    const h = createKubeHandler(c);
    const name = c.pods('shop', 'java-app')[0]!.metadata.name;
    c.deletePod('shop', name);
    c.advance(60);
    await call(h, 'PATCH', `/api/v1/namespaces/shop/pods/${name}`, { body: { metadata: { finalizers: ['example.com/other'] } }, contentType: 'application/merge-patch+json' });
    expect(c.pod('shop', name)?.metadata.finalizers).toEqual(['example.com/other']);
  });
});
