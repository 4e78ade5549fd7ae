import type { V1Pod, V1PodAffinityTerm } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { toPodFacts } from './convert';

// A Deployment's pod whose anti-affinity may keep one of its kind per node: a replacement then
// needs a node without one (core/scheduleTerms counts it as coming back to its own node).
const LABELS = { app: 'web', 'pod-template-hash': '5d8f' };
const podWith = (required: V1PodAffinityTerm[], preferred: V1PodAffinityTerm[] = []): V1Pod => ({
  metadata: { namespace: 'shop', name: 'web-5d8f-a', uid: 'u1', labels: LABELS, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'rs', controller: true }] },
  spec: {
    nodeName: 'n1',
    containers: [{ name: 'web' }],
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required, preferredDuringSchedulingIgnoredDuringExecution: preferred.map((podAffinityTerm) => ({ weight: 100, podAffinityTerm })) } },
  },
  status: { phase: 'Running' },
});
const onHostname = (over: Partial<V1PodAffinityTerm> = {}): V1PodAffinityTerm => ({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } }, ...over });

describe('toPodFacts: onePerNode', () => {
  it.each([
    { why: 'a required term on the hostname selecting its own labels (matchLabels)', terms: [onHostname()] },
    { why: 'the same with matchExpressions', terms: [onHostname({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } })] },
    { why: 'one such term among others', terms: [onHostname({ topologyKey: 'topology.kubernetes.io/zone' }), onHostname()] },
  ])('true for $why', ({ terms }) => {
    expect(toPodFacts(podWith(terms)).onePerNode).toBe(true);
  });

  it.each([
    { why: 'the zone as topology key', required: [onHostname({ topologyKey: 'topology.kubernetes.io/zone' })], preferred: [] },
    { why: 'a preferred term only', required: [], preferred: [onHostname()] },
    { why: 'a selector not matching its labels', required: [onHostname({ labelSelector: { matchLabels: { app: 'db' } } })], preferred: [] },
    { why: 'a term without a selector', required: [onHostname({ labelSelector: undefined })], preferred: [] },
    { why: 'a term with namespaces set', required: [onHostname({ namespaces: ['other'] })], preferred: [] },
    { why: 'a term with a namespaceSelector set', required: [onHostname({ namespaceSelector: { matchLabels: { team: 'a' } } })], preferred: [] },
  ])('absent for $why', ({ required, preferred }) => {
    expect(toPodFacts(podWith(required, preferred))).not.toHaveProperty('onePerNode');
  });

  it('absent without any affinity', () => {
    const pod = podWith([]);
    delete pod.spec!.affinity;
    expect(toPodFacts(pod)).not.toHaveProperty('onePerNode');
  });
});
