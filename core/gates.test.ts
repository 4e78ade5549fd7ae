import { describe, expect, it } from 'vitest';
import { checkPreDrain, checkRecovered, workloadOf, type GateResult } from './gates';
import type { NodeFacts, PdbFacts, PodFacts, WorkloadFacts } from './kubeFacts';

// The seed scenario: 4 user nodes over 3 zones, a Java app with 4 replicas (one per node,
// required anti-affinity), readiness about 4 minutes, optionally a PDB with minAvailable 3.
const nodes: NodeFacts[] = [0, 1, 2, 3].map((i) => ({
  name: `aks-user-12345678-vmss00000${i}`, pool: 'user', zone: `westeurope-${(i % 3) + 1}`, mode: 'user', ready: true, unschedulable: false,
}));
const [n0, n1] = [nodes[0]!, nodes[1]!];

const javaOwner = { kind: 'ReplicaSet', name: 'java-app-7d9f', controller: true };

function javaPod(suffix: string, nodeName: string, ready = true, overrides: Partial<PodFacts> = {}): PodFacts {
  return {
    namespace: 'shop', name: `java-app-7d9f-${suffix}`, uid: `uid-${suffix}`, nodeName, phase: ready ? 'Running' : 'Pending', ready,
    labels: { app: 'java-app', 'pod-template-hash': '7d9f' }, ownerReferences: [javaOwner], isMirror: false, emptyDirVolumes: [],
    ...overrides,
  };
}

function deployment(available: number, ready = available, overrides: Partial<WorkloadFacts> = {}): WorkloadFacts {
  return {
    kind: 'Deployment', namespace: 'shop', name: 'java-app', replicas: 4, readyReplicas: ready, availableReplicas: available, updatedReplicas: 4,
    selector: { matchLabels: { app: 'java-app' } }, generation: 2, observedGeneration: 2, ...overrides,
  };
}

function replicaSetOf(parent: WorkloadFacts): WorkloadFacts {
  return { ...parent, kind: 'ReplicaSet', name: 'java-app-7d9f', owner: { kind: 'Deployment', name: parent.name, controller: true } };
}

function javaPdb(currentHealthy: number, overrides: Partial<PdbFacts['status']> = {}, extra: Partial<PdbFacts> = {}): PdbFacts {
  return {
    namespace: 'shop', name: 'java-app', selector: { matchLabels: { app: 'java-app' } }, minAvailable: 3, generation: 1,
    status: { expectedPods: 4, currentHealthy, desiredHealthy: 3, disruptionsAllowed: Math.max(0, currentHealthy - 3), observedGeneration: 1, ...overrides },
    ...extra,
  };
}

const steadyPods = nodes.map((n, i) => javaPod(`p${i}`, n.name));
const steady = deployment(4);
// n0 drained: its replica was evicted and its successor waits (anti-affinity) for n0 to return.
const duringReboot = [javaPod('new0', '', false), ...steadyPods.slice(1)];
// n0 back and uncordoned: the successor runs on n0 but is not Ready for about 4 minutes.
const startingOnN0 = [javaPod('new0', n0.name, false, { phase: 'Running' }), ...steadyPods.slice(1)];
const recoveredOnN0 = [javaPod('new0', n0.name), ...steadyPods.slice(1)];

const evictedJava = [{ kind: 'Deployment', namespace: 'shop', name: 'java-app' }];

function reasonsOf(result: GateResult): string[] {
  return result.ok ? [] : result.reasons;
}

describe('seed scenario: the next node waits for the previous node\'s replica', () => {
  const withDeployment = (d: WorkloadFacts) => [d, replicaSetOf(d)];

  it.each<[string, PodFacts[], WorkloadFacts, PdbFacts[], string[]]>([
    ['steady, with the PDB: n0 may go', steadyPods, steady, [javaPdb(4)], []],
    ['steady, without a PDB: n0 may go', steadyPods, steady, [], []],
    ['n0 rebooting, with the PDB: n1 waits on both', duringReboot, deployment(3), [javaPdb(3)], [
      'PDB shop/java-app allows no disruption now (3 healthy, 3 desired) and this node holds 1 of its pods (shop/java-app-7d9f-p1)',
      'Deployment shop/java-app: 3/4 available, 3/4 ready; waiting until all replicas are available before disrupting one on aks-user-12345678-vmss000001',
    ]],
    ['n0 rebooting, without a PDB: n1 still waits', duringReboot, deployment(3), [], [
      'Deployment shop/java-app: 3/4 available, 3/4 ready; waiting until all replicas are available before disrupting one on aks-user-12345678-vmss000001',
    ]],
    ['n0 back, replica starting, without a PDB: n1 waits', startingOnN0, deployment(3), [], [
      'Deployment shop/java-app: 3/4 available, 3/4 ready; waiting until all replicas are available before disrupting one on aks-user-12345678-vmss000001',
    ]],
    ['n0 replica Ready again: n1 may go', recoveredOnN0, steady, [javaPdb(4)], []],
    ['a replica elsewhere that the scheduler cannot place: n1 waits, and says why', [
      javaPod('new0', '', false, { unschedulable: '0/6 nodes are available: 2 Insufficient cpu, 4 node(s) didn\'t match pod anti-affinity rules.' }),
      ...steadyPods.slice(1),
    ], deployment(3), [], [
      'Deployment shop/java-app: 3/4 available, 3/4 ready; waiting until all replicas are available before disrupting one on aks-user-12345678-vmss000001; ' +
        '1 pod(s) Pending, unschedulable: shop/java-app-7d9f-new0 (0/6 nodes are available: 2 Insufficient cpu, 4 node(s) didn\'t match pod anti-affinity rules.)',
    ]],
  ])('pre-drain of n1: %s', (_name, pods, workload, pdbs, expected) => {
    const result = checkPreDrain({ node: n1, pods, workloads: withDeployment(workload), pdbs });
    expect(reasonsOf(result)).toEqual(expected);
    expect(result.ok).toBe(expected.length === 0);
  });

  it.each<[string, PodFacts[], WorkloadFacts, PdbFacts[], string[]]>([
    ['replica pending elsewhere', duringReboot, deployment(3), [javaPdb(3)], [
      'Deployment shop/java-app: 3/4 available, 3/4 ready; waiting for its evicted replicas to be available again',
      'PDB shop/java-app: 3 of 4 expected pods healthy (at least 3 desired); waiting for all',
    ]],
    ['replica starting on n0 (4-minute readiness)', startingOnN0, deployment(3), [javaPdb(3)], [
      'pod shop/java-app-7d9f-new0 on aks-user-12345678-vmss000000 is not Ready yet (phase Running)',
      'Deployment shop/java-app: 3/4 available, 3/4 ready; waiting for its evicted replicas to be available again',
      'PDB shop/java-app: 3 of 4 expected pods healthy (at least 3 desired); waiting for all',
    ]],
    ['replica starting on n0, no PDB', startingOnN0, deployment(3), [], [
      'pod shop/java-app-7d9f-new0 on aks-user-12345678-vmss000000 is not Ready yet (phase Running)',
      'Deployment shop/java-app: 3/4 available, 3/4 ready; waiting for its evicted replicas to be available again',
    ]],
    ['replica Ready on n0', recoveredOnN0, steady, [javaPdb(4)], []],
  ])('recovery of n0: %s', (_name, pods, workload, pdbs, expected) => {
    const result = checkRecovered({ node: n0, pods, workloads: withDeployment(workload), pdbs, evicted: evictedJava });
    expect(reasonsOf(result)).toEqual(expected);
  });
});

describe('checkPreDrain', () => {
  const other = (name: string, overrides: Partial<PodFacts>): PodFacts => ({ ...javaPod(name, n1.name), labels: { app: name }, ownerReferences: [], ...overrides });
  const statefulSet: WorkloadFacts = {
    kind: 'StatefulSet', namespace: 'shop', name: 'db', replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3,
    selector: { matchLabels: { app: 'db' } },
  };
  const dbPod = (ready = true) => other('db-0', { labels: { app: 'db' }, ownerReferences: [{ kind: 'StatefulSet', name: 'db', controller: true }], ready });

  it.each<[string, PodFacts[], WorkloadFacts[], PdbFacts[], string[]]>([
    ['pods the drain leaves alone do not count', [
      other('kube-proxy-x', { ownerReferences: [{ kind: 'DaemonSet', name: 'kube-proxy', controller: true }] }),
      other('etcd', { isMirror: true }),
      other('job', { phase: 'Succeeded', ownerReferences: [{ kind: 'Job', name: 'j', controller: true }] }),
      javaPod('leaving', n1.name, true, { deletionTimestamp: '2024-05-01T02:00:00Z' }),
    ], [replicaSetOf(deployment(3)), deployment(3)], [javaPdb(3)], []],
    ['pods on other nodes do not count', [javaPod('p0', n0.name)], [replicaSetOf(deployment(3)), deployment(3)], [javaPdb(3)], []],
    ["this node's own not-Ready replica is already lost: evicting it costs nothing", [javaPod('p1', n1.name, false)], [replicaSetOf(deployment(3)), deployment(3)], [javaPdb(3)], []],
    ['... but IfHealthyBudget refuses it while the PDB is short', [javaPod('p1', n1.name, false)], [replicaSetOf(deployment(3)), deployment(3)], [javaPdb(2)], [
      'PDB shop/java-app allows no disruption now (2 healthy, 3 desired) and this node holds 1 of its pods (shop/java-app-7d9f-p1)',
    ]],
    ['... which AlwaysAllow lets through', [javaPod('p1', n1.name, false)], [replicaSetOf(deployment(3)), deployment(3)], [javaPdb(2, {}, { unhealthyPodEvictionPolicy: 'AlwaysAllow' })], []],
    ['a PDB allowing exactly the pods here', [javaPod('a', n1.name), javaPod('b', n1.name)], [replicaSetOf(deployment(4)), deployment(4)], [javaPdb(4, { disruptionsAllowed: 2 })], []],
    // The drain evicts one, then the other once the budget refills: the gate must not wait
    // for a budget the PDB never gives.
    ['a PDB allowing fewer than the pods here opens (the drain takes them in turn)', [javaPod('a', n1.name), javaPod('b', n1.name)], [replicaSetOf(deployment(4)), deployment(4)], [javaPdb(4)], []],
    ['a stale PDB', [javaPod('p1', n1.name)], [replicaSetOf(steady), steady], [javaPdb(4, { observedGeneration: 1 }, { generation: 2 })], [
      'PDB shop/java-app: status is stale (observedGeneration 1 < generation 2); the Eviction API refuses until the disruption controller catches up',
    ]],
    ['a pod under two PDBs', [javaPod('p1', n1.name)], [replicaSetOf(steady), steady], [javaPdb(4), { ...javaPdb(4), name: 'everything', selector: {} }], [
      'pod shop/java-app-7d9f-p1 is selected by several PDBs (shop/java-app, shop/everything): the Eviction API refuses to evict it',
    ]],
    ['a PDB over DaemonSet pods counts them: the reboot takes them down', [
      other('agent-1', { labels: { app: 'agent' }, ownerReferences: [{ kind: 'DaemonSet', name: 'agent', controller: true }] }),
    ], [], [{ ...javaPdb(3), name: 'agent', selector: { matchLabels: { app: 'agent' } } }], [
      'PDB shop/agent allows no disruption now (3 healthy, 3 desired) and this node holds 1 of its pods (shop/java-app-7d9f-agent-1)',
    ]],
    ['... and says when it can never allow one: maxUnavailable needs a scale, which a DaemonSet has not', [
      other('agent-1', { labels: { app: 'agent' }, ownerReferences: [{ kind: 'DaemonSet', name: 'agent', controller: true }] }),
    ], [], [{ ...javaPdb(0, { expectedPods: 0, desiredHealthy: 0 }), name: 'agent', selector: { matchLabels: { app: 'agent' } }, minAvailable: undefined, maxUnavailable: 1 }], [
      'PDB shop/agent allows no disruption now (0 healthy, 0 desired) and this node holds 1 of its pods (shop/java-app-7d9f-agent-1); '
        + 'over DaemonSet or static pods a PDB can only use an integer minAvailable (Kubernetes docs: "Specifying a Disruption Budget for your Application", arbitrary controllers and selectors)',
    ]],
    ['... one that allows a disruption opens; a not-Ready one costs nothing; two PDBs over it are no eviction refusal', [
      other('agent-1', { labels: { app: 'agent' }, ownerReferences: [{ kind: 'DaemonSet', name: 'agent', controller: true }] }),
      other('agent-2', { labels: { app: 'agent', tier: 'x' }, ready: false, ownerReferences: [{ kind: 'DaemonSet', name: 'agent', controller: true }] }),
    ], [], [
      { ...javaPdb(4), name: 'agent', selector: { matchLabels: { app: 'agent' } } },
      { ...javaPdb(2), name: 'agent-x', selector: { matchLabels: { tier: 'x' } } },
    ], []],
    ['a PDB with a null selector covers nothing', [javaPod('p1', n1.name)], [replicaSetOf(steady), steady], [{ ...javaPdb(3), selector: null }], []],
    ['a PDB of another namespace covers nothing', [javaPod('p1', n1.name)], [replicaSetOf(steady), steady], [{ ...javaPdb(3), namespace: 'other' }], []],
    ['a Deployment status not yet observed', [javaPod('p1', n1.name)], [replicaSetOf(steady), deployment(4, 4, { generation: 3 })], [], [
      'Deployment shop/java-app: status not yet updated for its latest spec (observedGeneration 2 < generation 3)',
    ]],
    ['a rollout in progress is named', [javaPod('p1', n1.name)], [replicaSetOf(steady), deployment(3, 3, { updatedReplicas: 2 })], [], [
      'Deployment shop/java-app: 3/4 available, 3/4 ready, rollout in progress: 2/4 updated; waiting until all replicas are available before disrupting one on aks-user-12345678-vmss000001',
    ]],
    ['a StatefulSet with all replicas available', [dbPod()], [statefulSet], [], []],
    ['a StatefulSet short of one', [dbPod()], [{ ...statefulSet, availableReplicas: 2, readyReplicas: 2 }], [], [
      'StatefulSet shop/db: 2/3 available, 2/3 ready; waiting until all replicas are available before disrupting one on aks-user-12345678-vmss000001',
    ]],
    ['a ReplicaSet without a Deployment answers for itself', [javaPod('p1', n1.name)], [{ ...replicaSetOf(deployment(3)), owner: undefined }], [], [
      'ReplicaSet shop/java-app-7d9f: 3/4 available, 3/4 ready; waiting until all replicas are available before disrupting one on aks-user-12345678-vmss000001',
    ]],
    ['an owner that no longer exists leaves only the PDB to check', [javaPod('p1', n1.name)], [], [javaPdb(4)], []],
    ['reasons from several workloads come together', [javaPod('p1', n1.name), dbPod()], [replicaSetOf(deployment(3)), deployment(3), { ...statefulSet, availableReplicas: 2 }], [javaPdb(3)], [
      'PDB shop/java-app allows no disruption now (3 healthy, 3 desired) and this node holds 1 of its pods (shop/java-app-7d9f-p1)',
      'Deployment shop/java-app: 3/4 available, 3/4 ready; waiting until all replicas are available before disrupting one on aks-user-12345678-vmss000001',
      'StatefulSet shop/db: 2/3 available, 3/3 ready; waiting until all replicas are available before disrupting one on aks-user-12345678-vmss000001',
    ]],
  ])('%s', (_name, pods, workloads, pdbs, expected) => {
    expect(reasonsOf(checkPreDrain({ node: n1, pods, workloads, pdbs }))).toEqual(expected);
  });
});

describe('checkRecovered', () => {
  const node = n0;
  const onNode = (name: string, overrides: Partial<PodFacts>) => javaPod(name, node.name, true, overrides);

  it.each<[string, Parameters<typeof checkRecovered>[0], string[]]>([
    ['a node that is not Ready', { node: { ...node, ready: false }, pods: [], workloads: [], pdbs: [], evicted: [] }, [
      'node aks-user-12345678-vmss000000 is not Ready',
    ]],
    ['finished and terminating pods on the node are not waited for', {
      node, workloads: [], pdbs: [], evicted: [],
      pods: [onNode('done', { phase: 'Succeeded', ready: false }), onNode('leaving', { ready: false, deletionTimestamp: '2024-05-01T03:00:00Z' })],
    }, []],
    ['a DaemonSet pod on the node must be Ready too', {
      node, workloads: [], pdbs: [], evicted: [],
      pods: [onNode('kube-proxy-x', { ready: false, ownerReferences: [{ kind: 'DaemonSet', name: 'kube-proxy', controller: true }] })],
    }, ['pod shop/java-app-7d9f-kube-proxy-x on aks-user-12345678-vmss000000 is not Ready yet (phase Running)']],
    ['a workload that no longer exists is not waited for', { node, pods: [], workloads: [], pdbs: [], evicted: evictedJava }, []],
    ['an evicted ReplicaSet answers to its Deployment', {
      node, pods: [], pdbs: [], evicted: [{ kind: 'ReplicaSet', namespace: 'shop', name: 'java-app-7d9f' }],
      workloads: [replicaSetOf(deployment(4)), deployment(3)],
    }, ['Deployment shop/java-app: 3/4 available, 3/4 ready; waiting for its evicted replicas to be available again']],
    ['evicted replicas the scheduler cannot place are named with its message', {
      node, pdbs: [], evicted: evictedJava, workloads: [replicaSetOf(deployment(4, 3)), deployment(4, 3)],
      pods: [javaPod('new', '', false, { phase: 'Pending', unschedulable: '0/6 nodes are available: 3 Too many pods, 3 node(s) were unschedulable.' })],
    }, [
      "Deployment shop/java-app: 4/4 available, 3/4 ready; waiting for its evicted replicas to be available again; 1 pod(s) Pending, unschedulable: shop/java-app-7d9f-new (0/6 nodes are available: 3 Too many pods, 3 node(s) were unschedulable.)",
    ]],
    ['available but not all ready still waits', { node, pods: [], pdbs: [], evicted: evictedJava, workloads: [deployment(4, 3)] }, [
      'Deployment shop/java-app: 4/4 available, 3/4 ready; waiting for its evicted replicas to be available again',
    ]],
    ['a stale Deployment status waits', { node, pods: [], pdbs: [], evicted: evictedJava, workloads: [deployment(4, 4, { observedGeneration: 1 })] }, [
      'Deployment shop/java-app: status not yet updated for its latest spec (observedGeneration 1 < generation 2)',
    ]],
    ['a PDB meeting desiredHealthy but short of expectedPods waits', {
      node, pods: recoveredOnN0, pdbs: [javaPdb(3, { expectedPods: 4 })], evicted: evictedJava, workloads: [replicaSetOf(steady), steady],
    }, ['PDB shop/java-app: 3 of 4 expected pods healthy (at least 3 desired); waiting for all']],
    ['a stale PDB waits', {
      node, pods: recoveredOnN0, pdbs: [javaPdb(4, { observedGeneration: 0 })], evicted: evictedJava, workloads: [replicaSetOf(steady), steady],
    }, ['PDB shop/java-app: status is stale (observedGeneration 0 < generation 1); the Eviction API refuses until the disruption controller catches up']],
    ['PDBs of workloads we did not evict are not ours to wait for', {
      node, pods: recoveredOnN0, pdbs: [javaPdb(3)], evicted: [], workloads: [replicaSetOf(steady), steady],
    }, []],
    ['a Deployment whose status still says whole while a replica is missing (its controller manager stopped at the eviction) waits', {
      node, pods: steadyPods.slice(1), pdbs: [], evicted: evictedJava, workloads: [replicaSetOf(steady), steady],
    }, ['Deployment shop/java-app: its status shows 4/4 available, 4/4 ready but only 3 of its pods are Ready (its controller has not updated the status yet); waiting for its evicted replicas to be available again']],
    ['a Deployment whose pods are all Ready but whose status is behind says its controller lags', {
      node, pods: recoveredOnN0, pdbs: [], evicted: evictedJava, workloads: [replicaSetOf(deployment(3)), deployment(3)],
    }, ['Deployment shop/java-app: 3/4 available, 3/4 ready (its 4 pods are Ready: its controller has not updated the status yet); waiting for its evicted replicas to be available again']],
    ['a pod still showing its Ready from before the reboot waits for the kubelet\'s report', {
      node, workloads: [], pdbs: [], evicted: [], rebootedAfter: '2026-01-05T02:10:00Z',
      pods: [onNode('agent', { readySince: '2026-01-05T02:00:00Z', containersStartedAt: '2026-01-05T01:59:50Z' })],
    }, ['pod shop/java-app-7d9f-agent on aks-user-12345678-vmss000000 shows Ready from before the reboot (containers started 2026-01-05T01:59:50Z); waiting for the kubelet to report it after the boot']],
    ['a pod whose containers started after the reboot counts', {
      node, workloads: [], pdbs: [], evicted: [], rebootedAfter: '2026-01-05T02:10:00Z',
      pods: [onNode('agent', { readySince: '2026-01-05T02:00:00Z', containersStartedAt: '2026-01-05T02:12:01Z' })],
    }, []],
    ['a pod whose Ready turned True after the reboot counts', {
      node, workloads: [], pdbs: [], evicted: [], rebootedAfter: '2026-01-05T02:10:00Z',
      pods: [onNode('agent', { readySince: '2026-01-05T02:12:30Z' })],
    }, []],
    ['a Ready pod with neither time known does not count (fails closed)', {
      node, workloads: [], pdbs: [], evicted: [], rebootedAfter: '2026-01-05T02:10:00Z', pods: [onNode('agent', {})],
    }, ['pod shop/java-app-7d9f-agent on aks-user-12345678-vmss000000 shows Ready from before the reboot (containers started unknown); waiting for the kubelet to report it after the boot']],
  ])('%s', (_name, input, expected) => {
    expect(reasonsOf(checkRecovered(input))).toEqual(expected);
  });
});

describe('workloadOf', () => {
  it.each<[string, PodFacts, WorkloadFacts[], string | undefined]>([
    ['a Deployment through its ReplicaSet', javaPod('a', n0.name), [replicaSetOf(steady), steady], 'Deployment/java-app'],
    ['the ReplicaSet when its Deployment is gone', javaPod('a', n0.name), [replicaSetOf(steady)], 'ReplicaSet/java-app-7d9f'],
    ['nothing when the ReplicaSet is gone', javaPod('a', n0.name), [steady], undefined],
    ['nothing for a pod without a controller', javaPod('a', n0.name, true, { ownerReferences: [{ kind: 'ReplicaSet', name: 'java-app-7d9f' }] }), [replicaSetOf(steady), steady], undefined],
    ['nothing across namespaces', javaPod('a', n0.name, true, { namespace: 'other' }), [replicaSetOf(steady), steady], undefined],
  ])('%s', (_name, pod, workloads, expected) => {
    const found = workloadOf(pod, workloads);
    expect(found ? `${found.kind}/${found.name}` : undefined).toBe(expected);
  });
});

// ADR 0029: an evicted workload found whole after the reboot is recovered for this node; the wait
// does not look at it again, so a later node that disrupts it does not hold this one.
describe('checkRecovered names the evicted workloads already whole', () => {
  const node = n0;
  const evictedRs = [{ kind: 'ReplicaSet', namespace: 'shop', name: 'java-app-7d9f' }];
  const webOwner = { kind: 'ReplicaSet', name: 'web-5c', controller: true };
  const web = (available: number): WorkloadFacts => ({
    kind: 'ReplicaSet', namespace: 'shop', name: 'web-5c', replicas: 2, readyReplicas: available, availableReplicas: available, updatedReplicas: 2,
    selector: { matchLabels: { app: 'web' } }, generation: 1, observedGeneration: 1,
  });
  const webPods = (ready: number) => [0, 1].map((i) => javaPod(`web${i}`, nodes[i + 1]!.name, i < ready, { labels: { app: 'web' }, ownerReferences: [webOwner], name: `web-5c-${i}` }));
  const evictedBoth = [...evictedRs, { kind: 'ReplicaSet', namespace: 'shop', name: 'web-5c' }];
  const notReady = { ...node, ready: false };

  it('while the node is not Ready, a whole workload is named recovered', () => {
    const result = checkRecovered({ node: notReady, pods: recoveredOnN0, workloads: [replicaSetOf(steady), steady], pdbs: [javaPdb(4)], evicted: evictedRs });
    expect(result).toEqual({ ok: false, reasons: [`node ${node.name} is not Ready`], recovered: evictedRs });
  });

  it('only the whole one of two evicted workloads is named', () => {
    const result = checkRecovered({ node, pods: [...recoveredOnN0, ...webPods(1)], workloads: [replicaSetOf(steady), steady, web(1)], pdbs: [], evicted: evictedBoth });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.recovered).toEqual(evictedRs);
  });

  it('a workload whose PDB is short is not recovered, though its controller says whole', () => {
    const result = checkRecovered({ node: notReady, pods: recoveredOnN0, workloads: [replicaSetOf(steady), steady], pdbs: [javaPdb(3)], evicted: evictedRs });
    expect(result).toEqual({ ok: false, reasons: [`node ${node.name} is not Ready`, 'PDB shop/java-app: 3 of 4 expected pods healthy (at least 3 desired); waiting for all'] });
  });

  it('a workload that no longer exists is not named (nothing to settle)', () => {
    const result = checkRecovered({ node: notReady, pods: [], workloads: [], pdbs: [], evicted: evictedRs });
    expect(result).toEqual({ ok: false, reasons: [`node ${node.name} is not Ready`] });
  });

  it('an open gate names nothing', () => {
    expect(checkRecovered({ node, pods: recoveredOnN0, workloads: [replicaSetOf(steady), steady], pdbs: [javaPdb(4)], evicted: evictedRs })).toEqual({ ok: true });
  });
});
