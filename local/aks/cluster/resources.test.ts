// Resources against the rules they follow: AKS's reservations (node-resource-reservations),
// the scheduler's NodeResourcesFit (noderesources/fit.go: "Too many pods", "Insufficient cpu")
// and the kubelet's admission of bound pods (lifecycle/predicate.go, kubelet.go rejectPod).
import { describe, expect, it } from 'vitest';
import { aksAllocatable, cpuMillis, memoryBytes, podRequests } from './resources';
import { clusterFor, smallScenario } from './testing';
import type { Pod } from './types';

const MI = 1024 ** 2;

describe('quantities and requests', () => {
  it.each([['250m', 250], ['2', 2000], ['0.5', 500], ['3860m', 3860]])('cpu %s = %i millicores', (q, m) => expect(cpuMillis(q)).toBe(m));
  it.each([['512Mi', 512 * MI], ['1Gi', 1024 * MI], ['1G', 1e9], ['12880184Ki', 12880184 * 1024], ['100', 100]])('memory %s = %i bytes', (q, b) => expect(memoryBytes(q)).toBe(b));
  it('rejects a malformed quantity, naming the field and the form', () => expect(() => cpuMillis('lots', 'workloads[0].cpu')).toThrow(/workloads\[0\]\.cpu: "lots" is not a quantity/));

  it('charges a pod its containers summed, at least its largest init container', () => {
    const pod = {
      metadata: { name: 'p' }, status: {},
      spec: {
        initContainers: [{ name: 'i', resources: { requests: { cpu: '2', memory: '64Mi' } } }],
        containers: [{ name: 'a', resources: { requests: { cpu: '500m', memory: '128Mi' } } }, { name: 'b', resources: { requests: { cpu: '250m' } } }],
      },
    } as Pod;
    expect(podRequests(pod)).toEqual({ cpu: 2000, memory: 128 * MI });
  });
});

describe('AKS allocatable (1.29+ reservations)', () => {
  it('reserves CPU by cores and memory as min(20 MiB x maxPods + 50 MiB, 25 %) + 100 Mi eviction', () => {
    expect(aksAllocatable('Standard_D4s_v5', 110)).toEqual({ cpu: 3860, memory: 16 * 1024 * MI - (2250 + 100) * MI });
    expect(aksAllocatable('Standard_D8s_v5', 30)).toEqual({ cpu: 7820, memory: 32 * 1024 * MI - (650 + 100) * MI });
    expect(aksAllocatable('Standard_B2s', 110)).toEqual({ cpu: 1900, memory: 4 * 1024 * MI - 1024 * MI - 100 * MI });
  });

  it('puts them on the nodes, and a pool can override them', () => {
    const c = clusterFor(smallScenario({ pools: [{ name: 'user', mode: 'User', count: 1, vmSize: 'Standard_D8s_v5', maxPods: 30, memory: '20Gi' }] }));
    expect(c.node(c.nodeNames()[0]!)!.status).toMatchObject({ capacity: { cpu: '8', pods: '30' }, allocatable: { cpu: '7820m', memory: '20Gi', pods: '30' } });
  });
});

describe('scheduling by requests and the kubelet admitting bound pods', () => {
  const scenario = smallScenario({
    pools: [{ name: 'user', mode: 'User', count: 2, zones: ['1'], vmSize: 'Standard_D4s_v5', maxPods: 4 }],
    workloads: [{ name: 'big', kind: 'Deployment', namespace: 'shop', replicas: 3, cpu: '3', pool: 'user' }],
  });

  it('leaves a pod Pending with the scheduler\'s "Insufficient cpu" when no node has room', () => {
    const c = clusterFor(scenario);
    const pending = c.pods('shop').filter((p) => !p.spec.nodeName);
    expect(pending).toHaveLength(1);
    expect(pending[0]!.status.conditions?.find((x) => x.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' });
  });

  it.each([
    ['cpu', { cpu: '1' }, 'OutOfcpu', 'Node didn\'t have enough resource: cpu, requested: 1000, used: 3000, capacity: 3860'],
    ['memory', { memory: '16Gi' }, 'OutOfmemory', `Node didn't have enough resource: memory, requested: ${16 * 1024 * MI}, used: 0, capacity: ${16 * 1024 * MI - (80 + 50 + 100) * MI}`],
  ])('rejects a pod bound by nodeName beyond allocatable %s: Failed, never started', (_, requests, reason, message) => {
    const c = clusterFor(scenario);
    const node = c.pods('shop').find((p) => p.spec.nodeName)!.spec.nodeName!;
    c.createPod({ metadata: { name: 'pinned', namespace: 'shop' }, spec: { nodeName: node, containers: [{ name: 'x', image: 'nginx', resources: { requests } }] }, status: {} });
    expect(c.pod('shop', 'pinned')!.status).toMatchObject({ phase: 'Failed', reason, message: `Pod was rejected: ${message}` });
    expect(c.pod('shop', 'pinned')!.status.containerStatuses).toBeUndefined();
  });

  it('rejects the pod past allocatable pods as OutOfpods, and admits it when there is room', () => {
    const c = clusterFor(scenario);
    const node = c.pods('shop').find((p) => p.spec.nodeName)!.spec.nodeName!;
    const pinned = (name: string) => c.createPod({ metadata: { name, namespace: 'shop' }, spec: { nodeName: node, containers: [{ name: 'x', image: 'nginx' }] }, status: {} });
    ['a', 'b', 'c'].forEach(pinned);
    expect(['a', 'b', 'c'].map((n) => c.pod('shop', n)!.status.phase)).toEqual(['Pending', 'Pending', 'Pending']);
    pinned('d');
    expect(c.pod('shop', 'd')!.status).toMatchObject({ phase: 'Failed', reason: 'OutOfpods', message: 'Pod was rejected: Node didn\'t have enough resource: pods, requested: 1, used: 4, capacity: 4' });
  });
});
