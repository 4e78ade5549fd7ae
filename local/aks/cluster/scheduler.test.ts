import { describe, expect, it } from 'vitest';
import { buildNode } from './aksNodes';
import { sumRequests } from './resources';
import { schedulePod, type SchedulingView } from './scheduler';
import type { Node, Pod, PodSpec } from './types';

const cluster = { subscriptionId: 's', resourceGroup: 'rg', name: 'aks', location: 'westeurope' };

function node(i: number, zone: string, extra: (n: Node) => void = () => {}): Node {
  const n = buildNode({
    cluster, pool: { name: 'user', mode: 'User', count: 3 }, vmss: 'aks-user-12345678-vmss', instanceId: i, zone,
    bootId: `00000000-0000-4000-8000-00000000000${i}`, maxPods: 3, now: '2026-01-01T00:00:00Z', ip: `10.0.0.${i}`,
  });
  extra(n);
  return n;
}

function pod(name: string, spec: Partial<PodSpec> = {}, labels: Record<string, string> = { app: 'web' }, nodeName?: string): Pod {
  return { metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c' }], ...spec, ...(nodeName ? { nodeName } : {}) }, status: { phase: 'Running' } };
}

function view(nodes: Node[], pods: Pod[]): SchedulingView {
  return {
    nodes,
    node: (n) => nodes.find((x) => x.metadata.name === n),
    load: (n) => pods.filter((p) => p.spec.nodeName === n).length,
    requested: (n) => sumRequests(pods.filter((p) => p.spec.nodeName === n)),
    podsInNamespace: (ns) => pods.filter((p) => p.metadata.namespace === ns),
  };
}

const N0 = 'aks-user-12345678-vmss000000';
const N1 = 'aks-user-12345678-vmss000001';
const N2 = 'aks-user-12345678-vmss000002';
const antiHost = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
const antiZone = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'topology.kubernetes.io/zone' }] } };

describe('schedulePod', () => {
  const cases: { name: string; nodes: Node[]; pods: Pod[]; pod: Pod; expect: string | RegExp }[] = [
    { name: 'least loaded node wins', nodes: [node(0, '1'), node(1, '2')], pods: [pod('a', {}, {}, N0)], pod: pod('p'), expect: N1 },
    { name: 'nodeSelector filters', nodes: [node(0, '1'), node(1, '2')], pods: [], pod: pod('p', { nodeSelector: { 'topology.kubernetes.io/zone': 'westeurope-2' } }), expect: N1 },
    { name: 'no node matches the selector', nodes: [node(0, '1')], pods: [], pod: pod('p', { nodeSelector: { x: 'y' } }), expect: /0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector\./ },
    { name: 'hostname anti-affinity skips nodes with a matching pod', nodes: [node(0, '1'), node(1, '1')], pods: [pod('a', {}, { app: 'web' }, N0)], pod: pod('p', { affinity: antiHost }), expect: N1 },
    { name: 'hostname anti-affinity with every node taken', nodes: [node(0, '1')], pods: [pod('a', {}, { app: 'web' }, N0)], pod: pod('p', { affinity: antiHost }), expect: /1 node\(s\) didn't match pod anti-affinity rules/ },
    { name: 'zone anti-affinity skips the whole zone', nodes: [node(0, '1'), node(1, '1'), node(2, '2')], pods: [pod('a', {}, { app: 'web' }, N0)], pod: pod('p', { affinity: antiZone }), expect: N2 },
    { name: 'cordoned node is skipped', nodes: [node(0, '1', (n) => { n.spec.unschedulable = true; }), node(1, '1')], pods: [pod('a', {}, {}, N1)], pod: pod('p'), expect: N1 },
    { name: 'cordoned node is used by a pod tolerating everything', nodes: [node(0, '1', (n) => { n.spec.unschedulable = true; })], pods: [], pod: pod('p', { tolerations: [{ operator: 'Exists' }] }), expect: N0 },
    { name: 'NoSchedule taint not tolerated', nodes: [node(0, '1', (n) => { n.spec.taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]; }), node(1, '1')], pods: [pod('a', {}, {}, N1), pod('b', {}, {}, N1)], pod: pod('p'), expect: N1 },
    { name: 'NoSchedule taint tolerated', nodes: [node(0, '1', (n) => { n.spec.taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]; })], pods: [], pod: pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), expect: N0 },
    { name: 'PreferNoSchedule is avoided when possible', nodes: [node(0, '1', (n) => { n.spec.taints = [{ key: 'reboot', effect: 'PreferNoSchedule' }]; }), node(1, '1')], pods: [pod('a', {}, {}, N1), pod('b', {}, {}, N1)], pod: pod('p'), expect: N1 },
    { name: 'PreferNoSchedule is used when nothing else fits', nodes: [node(0, '1', (n) => { n.spec.taints = [{ key: 'reboot', effect: 'PreferNoSchedule' }]; })], pods: [], pod: pod('p'), expect: N0 },
    { name: 'NotReady node is skipped', nodes: [node(0, '1', (n) => { n.status.conditions!.find((c) => c.type === 'Ready')!.status = 'False'; })], pods: [], pod: pod('p'), expect: /untolerated taint \{node.kubernetes.io\/not-ready: \}/ },
    { name: 'pods-per-node capacity', nodes: [node(0, '1')], pods: [pod('a', {}, {}, N0), pod('b', {}, {}, N0), pod('c', {}, {}, N0)], pod: pod('p'), expect: /1 Too many pods/ },
    {
      name: 'zone spread goes to the emptiest zone',
      nodes: [node(0, '1'), node(1, '2'), node(2, '3')],
      pods: [pod('a', {}, { app: 'web' }, N0), pod('b', {}, { app: 'web' }, N1)],
      pod: pod('p', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] }),
      expect: N2,
    },
    {
      name: 'zone spread refuses a skew above maxSkew',
      nodes: [node(0, '1'), node(1, '2', (n) => { n.spec.unschedulable = true; })],
      pods: [pod('a', {}, { app: 'web' }, N0)],
      pod: pod('p', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] }),
      expect: /didn't match pod topology spread constraints/,
    },
  ];
  it.each(cases)('$name', ({ nodes, pods, pod: p, expect: want }) => {
    const r = schedulePod(p, view(nodes, pods));
    if (typeof want === 'string') expect(r).toEqual({ node: want });
    else expect('unschedulable' in r ? r.unschedulable : JSON.stringify(r)).toMatch(want);
  });
});
