import { describe, expect, it } from 'vitest';
import { estimateSchedule, nodesToStart, withStarted, type ScheduleState } from './criticalPathSchedule';
import type { NodeFacts, PdbFacts, PodFacts } from './kubeFacts';
import {
  EVICTION_LEAD_SECONDS, mergeTerms, RUN_COMMAND_START_SECONDS, scheduleTerms, TYPICAL_REBOOT_SECONDS, withMeasuredReboot, withReplacements, type ScheduleTerms,
} from './scheduleTerms';

const pod = (name: string, nodeName: string, over: Partial<PodFacts> = {}): PodFacts => ({
  namespace: 'shop', name, uid: name, nodeName, phase: 'Running', ready: true, labels: { app: 'java-app' },
  ownerReferences: [{ kind: 'ReplicaSet', name: 'java-app-1', controller: true }], isMirror: false, emptyDirVolumes: [], ...over,
});
const pdb: PdbFacts = {
  namespace: 'shop', name: 'java-app-pdb', selector: { matchLabels: { app: 'java-app' } }, minAvailable: 3, generation: 1,
  status: { expectedPods: 4, currentHealthy: 4, desiredHealthy: 3, disruptionsAllowed: 1, observedGeneration: 1 },
} as PdbFacts;

describe('scheduleTerms', () => {
  it('d = longest grace + run-command start + the pool\'s reboot; u adds the observed start-to-Ready; budgets from PDBs', () => {
    const terms = scheduleTerms({
      nodes: [{ name: 'n1', pool: 'user', zone: 'z1', ready: true, unschedulable: false }],
      pods: [pod('a', 'n1', { terminationGracePeriodSeconds: 30, containersStartedAt: '2026-01-05T01:00:00Z', readySince: '2026-01-05T01:04:00Z' })],
      pdbs: [pdb],
      rebootSecondsByPool: { user: 100 },
    });
    expect(terms.budgets).toEqual({ 'PDB shop/java-app-pdb': 1 });
    expect(terms.nodes).toEqual([{
      name: 'n1', zone: 'z1', system: false, disruptionSeconds: 30 + RUN_COMMAND_START_SECONDS + 100,
      // Its ReplicaSet replaces it at eviction: elsewhere, it is whole again after its start-to-Ready.
      workloads: [{ workload: 'PDB shop/java-app-pdb', pods: 1, unavailableSeconds: 150 + 240, replacedSeconds: 240, replacedPodSeconds: 240, needsWhole: true }],
    }]);
  });

  it('a workload without a PDB counts by its controller; an unmeasured pool takes the typical reboot; a system node says so', () => {
    const terms = scheduleTerms({
      nodes: [{ name: 's1', pool: 'system', zone: 'z2', mode: 'system', ready: true, unschedulable: false }],
      pods: [pod('b', 's1', { labels: { app: 'other' }, ownerReferences: [{ kind: 'StatefulSet', name: 'db', controller: true }] })],
      pdbs: [pdb],
    });
    expect(terms.nodes[0]).toMatchObject({ system: true, disruptionSeconds: 30 + RUN_COMMAND_START_SECONDS + TYPICAL_REBOOT_SECONDS, workloads: [{ workload: 'StatefulSet shop/db', pods: 1 }] });
  });

  it('counts the pods the drain leaves in place (DaemonSet, mirror) against the PDBs that select them, not against a controller', () => {
    const agentPdb = { ...pdb, namespace: 'kube-system', name: 'node-agent-pdb', selector: { matchLabels: { app: 'node-agent' } } } as PdbFacts;
    const staticPdb = { ...pdb, namespace: 'kube-system', name: 'etcd-pdb', selector: { matchLabels: { component: 'etcd' } } } as PdbFacts;
    const terms = scheduleTerms({
      nodes: [{ name: 'n1', pool: 'user', zone: 'z1', ready: true, unschedulable: false }],
      pods: [
        pod('agent', 'n1', { namespace: 'kube-system', labels: { app: 'node-agent' }, ownerReferences: [{ kind: 'DaemonSet', name: 'node-agent', controller: true }], terminationGracePeriodSeconds: 600 }),
        pod('etcd-n1', 'n1', { namespace: 'kube-system', labels: { component: 'etcd' }, isMirror: true, ownerReferences: [{ kind: 'Node', name: 'n1', controller: true }] }),
        pod('proxy', 'n1', { namespace: 'kube-system', labels: { app: 'proxy' }, ownerReferences: [{ kind: 'DaemonSet', name: 'proxy', controller: true }] }),
        pod('gone', 'n1', { namespace: 'kube-system', labels: { app: 'node-agent' }, ownerReferences: [{ kind: 'DaemonSet', name: 'node-agent', controller: true }], deletionTimestamp: '2026-01-05T01:00:00Z' }),
      ],
      pdbs: [agentPdb, staticPdb],
      rebootSecondsByPool: { user: 100 },
    });
    // Nothing is drained: d has no shutdown; the DaemonSet's grace period is not waited for.
    expect(terms.nodes[0]).toEqual({
      name: 'n1', zone: 'z1', system: false, disruptionSeconds: RUN_COMMAND_START_SECONDS + 100,
      workloads: [{ workload: 'PDB kube-system/etcd-pdb', pods: 1, unavailableSeconds: 120 }, { workload: 'PDB kube-system/node-agent-pdb', pods: 1, unavailableSeconds: 120 }],
    });
  });
});

// The scheduler's side (core/criticalPathSchedule) on these terms: a node in flight keeps its
// pods unavailable until its recovery ends, whatever the API shows of them meanwhile.
describe('scheduleTerms → nodesToStart: a node in flight spends its pods\' budgets', () => {
  const nodes: NodeFacts[] = ['z1', 'z2', 'z3'].map((zone, i) => ({ name: `n${i + 1}`, pool: 'user', zone, ready: true, unschedulable: false }));
  const daemonSetPdb = { ...pdb, namespace: 'kube-system', name: 'node-agent-pdb', selector: { matchLabels: { app: 'node-agent' } } } as PdbFacts;
  const agentOn = (node: string) => pod(`agent-${node}`, node, {
    namespace: 'kube-system', labels: { app: 'node-agent' }, ownerReferences: [{ kind: 'DaemonSet', name: 'node-agent', controller: true }],
  });
  const startFirst = (pods: PodFacts[], pdbs: PdbFacts[]): ScheduleState => {
    const terms = scheduleTerms({ nodes, pods, pdbs });
    const idle: ScheduleState = { now: 0, concurrency: 3, pending: terms.nodes, disrupted: [], unavailable: [], budgets: terms.budgets, holdSystemNodes: false };
    return withStarted(idle, terms.nodes[0]!);
  };

  it.each([
    {
      name: 'DaemonSet pods under a PDB allowing one down',
      pods: nodes.map((n) => agentOn(n.name)),
      pdbs: [daemonSetPdb],
    },
    {
      name: 'mirror pods under a PDB allowing one down',
      pods: nodes.map((n) => pod(`etcd-${n.name}`, n.name, { namespace: 'kube-system', labels: { app: 'node-agent' }, isMirror: true, ownerReferences: [{ kind: 'Node', name: n.name, controller: true }] })),
      pdbs: [daemonSetPdb],
    },
    {
      name: 'a Deployment\'s pods the drain skips (not selected by REBOOT_DRAIN_POD_SELECTOR), no PDB: a budget of one',
      pods: nodes.map((n) => pod(`cache-${n.name}`, n.name, { labels: { app: 'cache', drain: 'no' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'cache-1', controller: true }] })),
      pdbs: [],
    },
    {
      name: 'a Deployment\'s evicted pods under a PDB allowing one down',
      pods: nodes.map((n) => pod(`java-${n.name}`, n.name)),
      pdbs: [pdb],
    },
  ])('$name: with the first node in flight, no other node holding one may start', ({ pods, pdbs }) => {
    const inFlight = startFirst(pods, pdbs);
    expect(nodesToStart(inFlight).start).toEqual([]);
    // Still so once its disruption is over and only its recovery is left (clusterReboot keeps
    // the node's workloads unavailable until then).
    expect(nodesToStart({ ...inFlight, now: 500, disrupted: [], unavailable: inFlight.unavailable.map((u) => ({ ...u, until: 501 })) }).start).toEqual([]);
  });

  it('without a PDB, DaemonSet pods do not hold other nodes: one node per zone goes at once', () => {
    const pods = nodes.map((n) => agentOn(n.name));
    expect(nodesToStart(startFirst(pods, [])).start).toEqual(['n2', 'n3']);
  });

  it('the dry run\'s estimate takes such nodes one after the other', () => {
    const terms = scheduleTerms({ nodes, pods: nodes.map((n) => agentOn(n.name)), pdbs: [daemonSetPdb], rebootSecondsByPool: { user: 20 } });
    const estimate = estimateSchedule(terms.nodes, 3, terms.budgets);
    expect(estimate.starts.map((s) => s.at)).toEqual([0, 40, 80]);
    expect(estimate.seconds).toBe(120);
    expect(estimateSchedule(scheduleTerms({ nodes, pods: nodes.map((n) => agentOn(n.name)), pdbs: [], rebootSecondsByPool: { user: 20 } }).nodes, 3, {}).seconds).toBe(40);
  });

  it('a PDB allowing two down lets a second node go, not a third', () => {
    const pods = nodes.map((n) => agentOn(n.name));
    const roomier = { ...daemonSetPdb, status: { ...daemonSetPdb.status, expectedPods: 3, currentHealthy: 3, desiredHealthy: 1, disruptionsAllowed: 2 } };
    expect(nodesToStart(startFirst(pods, [roomier])).start).toEqual(['n2']);
  });
});

describe('mergeTerms', () => {
  const node = (name: string, disruptionSeconds = 150) => ({ name, zone: 'z1', system: false, disruptionSeconds, workloads: [] });
  const earlier: ScheduleTerms = {
    nodes: [node('n1')],
    budgets: { 'PDB shop/a': 1 },
    unread: [{ node: 'n2', reason: 'listing pods on n2: HTTP 500' }, { node: 'n3', reason: 'reading node n3: HTTP 503' }, { node: 'n4', reason: 'reading node n4: HTTP 503' }],
  };

  it('each node asked again takes its fresh terms, stays unread with the new reason, or is gone; the others keep theirs', () => {
    const fresh: ScheduleTerms = { nodes: [node('n2', 170)], budgets: { 'PDB shop/a': 2, 'PDB shop/b': 1 }, unread: [{ node: 'n3', reason: 'listing pods on n3: HTTP 429' }] };
    expect(mergeTerms(earlier, fresh, ['n2', 'n3', 'n4'])).toEqual({
      nodes: [node('n1'), node('n2', 170)],
      budgets: { 'PDB shop/a': 2, 'PDB shop/b': 1 },
      unread: [{ node: 'n3', reason: 'listing pods on n3: HTTP 429' }],
    });
  });

  it('leaves out `unread` once every node is read, and keeps a node not asked about unread', () => {
    expect(mergeTerms(earlier, { nodes: [node('n2'), node('n3'), node('n4')], budgets: {} }, ['n2', 'n3', 'n4'])).not.toHaveProperty('unread');
    expect(mergeTerms(earlier, { nodes: [node('n2')], budgets: {} }, ['n2']).unread?.map((u) => u.node)).toEqual(['n3', 'n4']);
  });
});

describe('withMeasuredReboot', () => {
  it('a pool\'s measured reboot-to-Ready moves d and every u by its difference from the typical figure; none measured leaves them', () => {
    const node = { name: 'n1', zone: 'z1', system: false, disruptionSeconds: 170, workloads: [{ workload: 'PDB shop/java-app-pdb', pods: 1, unavailableSeconds: 410 }] };
    expect(withMeasuredReboot(node, RUN_COMMAND_START_SECONDS + TYPICAL_REBOOT_SECONDS + 7)).toEqual({ ...node, disruptionSeconds: 177, workloads: [{ workload: 'PDB shop/java-app-pdb', pods: 1, unavailableSeconds: 417 }] });
    expect(withMeasuredReboot(node, 60)).toMatchObject({ disruptionSeconds: 90, workloads: [{ unavailableSeconds: 330 }] });
    expect(withMeasuredReboot(node, undefined)).toBe(node);
  });
});

describe('scheduleTerms: a drain paced by a budget', () => {
  const n1: NodeFacts = { name: 'n1', pool: 'user', zone: 'z1', ready: true, unschedulable: false };
  // Each pod: grace 30 s, observed start-to-Ready 01:00:00 → 01:04:00 = 240 s; the pool reboots in 100 s.
  const javaPod = (name: string) => pod(name, 'n1', { terminationGracePeriodSeconds: 30, containersStartedAt: '2026-01-05T01:00:00Z', readySince: '2026-01-05T01:04:00Z' });

  it('two pods of a budget-1 PDB on the node: the second waits for the first one\'s replacement to be Ready', () => {
    const terms = scheduleTerms({ nodes: [n1], pods: [javaPod('a'), javaPod('b')], pdbs: [pdb], rebootSecondsByPool: { user: 100 } });
    // drain = (ceil(2 / 1) − 1) × 240 + 30 = 270; d = 270 + 20 + 100 = 390; u = 390 + 240 = 630;
    // replaced elsewhere: 2 rounds × 240 = 480.
    expect(terms.nodes[0]).toEqual({
      name: 'n1', zone: 'z1', system: false, disruptionSeconds: 240 + 30 + RUN_COMMAND_START_SECONDS + 100,
      workloads: [{ workload: 'PDB shop/java-app-pdb', pods: 2, unavailableSeconds: 630, replacedSeconds: 480, replacedPodSeconds: 240, needsWhole: true }],
    });
  });

  it('within the budget, the drain is the grace period only', () => {
    // Budget 4 − 2 = 2: one round. d = 30 + 20 + 100 = 150; u = 150 + 240 = 390; replaced: 1 × 240.
    const roomier = { ...pdb, status: { ...pdb.status, desiredHealthy: 2, disruptionsAllowed: 2 } };
    const terms = scheduleTerms({ nodes: [n1], pods: [javaPod('a'), javaPod('b')], pdbs: [roomier], rebootSecondsByPool: { user: 100 } });
    expect(terms.nodes[0]).toEqual({
      name: 'n1', zone: 'z1', system: false, disruptionSeconds: 30 + RUN_COMMAND_START_SECONDS + 100,
      workloads: [{ workload: 'PDB shop/java-app-pdb', pods: 2, unavailableSeconds: 390, replacedSeconds: 240, replacedPodSeconds: 240, needsWhole: true }],
    });
  });
});

describe('scheduleTerms: replacedSeconds', () => {
  const n1: NodeFacts = { name: 'n1', pool: 'user', zone: 'z1', ready: true, unschedulable: false };

  it('ReplicaSet pods without a PDB (a budget of one): rounds × start-to-Ready', () => {
    // Start-to-Ready = the probe's delay, 60 s (no Ready transition seen); grace 10 s; 3 pods, budget 1:
    // drain = (3 − 1) × 60 + 10 = 130; d = 130 + 20 + 100 = 250; u = 250 + 60 = 310; replaced = 3 × 60 = 180.
    const pods = ['a', 'b', 'c'].map((name) => pod(name, 'n1', { terminationGracePeriodSeconds: 10, readinessDelaySeconds: 60 }));
    const terms = scheduleTerms({ nodes: [n1], pods, pdbs: [], rebootSecondsByPool: { user: 100 } });
    expect(terms.nodes[0]).toEqual({
      name: 'n1', zone: 'z1', system: false, disruptionSeconds: 250,
      workloads: [{ workload: 'ReplicaSet shop/java-app-1', pods: 3, unavailableSeconds: 310, replacedSeconds: 180, replacedPodSeconds: 60, needsWhole: true }],
    });
  });

  it.each([
    { name: 'a StatefulSet pod (its replacement waits for the old one)', owner: { kind: 'StatefulSet', name: 'java-db', controller: true } },
    { name: 'a DaemonSet pod (left on the node)', owner: { kind: 'DaemonSet', name: 'java-agent', controller: true } },
  ])('$name under a PDB: none', ({ owner }) => {
    const terms = scheduleTerms({ nodes: [n1], pods: [pod('a', 'n1', { ownerReferences: [owner], readinessDelaySeconds: 60 })], pdbs: [pdb] });
    expect(terms.nodes[0]!.workloads).toHaveLength(1);
    expect(terms.nodes[0]!.workloads[0]).toMatchObject({ workload: 'PDB shop/java-app-pdb', pods: 1 });
    expect(terms.nodes[0]!.workloads[0]).not.toHaveProperty('replacedSeconds');
  });
});

// A required anti-affinity on the hostname: one such pod per node, so an evicted one needs a
// node of the pool without one.
describe('scheduleTerms: onePerNode pods', () => {
  const node = (name: string, over: Partial<NodeFacts> = {}): NodeFacts => ({ name, pool: 'user', zone: 'z1', ready: true, unschedulable: false, ...over });
  const spread = (name: string, nodeName: string, over: Partial<PodFacts> = {}) => pod(name, nodeName, { onePerNode: true, readinessDelaySeconds: 60, ...over });
  const onN1 = (nodes: NodeFacts[], pods: PodFacts[]) => scheduleTerms({ nodes, pods, pdbs: [pdb] }).nodes.find((n) => n.name === 'n1')!.workloads[0]!;

  it('each other candidate node of the pool holds one: no replacedSeconds (it comes back to its node)', () => {
    const w = onN1([node('n1'), node('n2'), node('n3')], [spread('a', 'n1'), spread('b', 'n2'), spread('c', 'n3')]);
    expect(w).toMatchObject({ workload: 'PDB shop/java-app-pdb', pods: 1 });
    expect(w).not.toHaveProperty('replacedSeconds');
  });

  it('a candidate node of the pool free of one: replacedSeconds = its start-to-Ready (1 round × 60 s)', () => {
    expect(onN1([node('n1'), node('n2'), node('n3'), node('n4')], [spread('a', 'n1'), spread('b', 'n2'), spread('c', 'n3')])).toMatchObject({ replacedSeconds: 60 });
    // The one on n3 is terminating: n3 counts as free.
    expect(onN1([node('n1'), node('n2'), node('n3')], [spread('a', 'n1'), spread('b', 'n2'), spread('c', 'n3', { deletionTimestamp: '2026-01-05T01:00:00Z' })])).toMatchObject({ replacedSeconds: 60 });
  });

  it('a free node in another pool, cordoned or NotReady does not count', () => {
    const pods = [spread('a', 'n1'), spread('b', 'n2')];
    for (const n4 of [node('n4', { pool: 'other' }), node('n4', { unschedulable: true }), node('n4', { ready: false })]) {
      expect(onN1([node('n1'), node('n2'), n4], pods)).not.toHaveProperty('replacedSeconds');
    }
  });

  it('a single-node pool: none', () => {
    expect(onN1([node('n1')], [spread('a', 'n1')])).not.toHaveProperty('replacedSeconds');
  });
});

describe('withReplacements', () => {
  const node = {
    name: 'n1', zone: 'z1', system: false, disruptionSeconds: 170,
    workloads: [
      { workload: 'PDB shop/java-app-pdb', pods: 1, unavailableSeconds: 410, replacedSeconds: 240 },
      { workload: 'ReplicaSet shop/quick-1', pods: 1, unavailableSeconds: 100, replacedSeconds: 240 },
      { workload: 'StatefulSet shop/db', pods: 1, unavailableSeconds: 300 },
    ],
  };

  it('u becomes the eviction lead + replacedSeconds, never more than the conservative u; others untouched', () => {
    // java-app: min(410, 5 + 240) = 245; quick: min(100, 5 + 240) = 100; the StatefulSet keeps 300.
    expect(EVICTION_LEAD_SECONDS).toBe(5);
    expect(withReplacements(node, []).workloads.map((w) => w.unavailableSeconds)).toEqual([245, 100, 300]);
    expect(withReplacements(node, [])).toMatchObject({ name: 'n1', disruptionSeconds: 170 });
  });

  it('each pod of a replaced workload costs its budget one start-to-Ready (podSeconds), not the whole window', () => {
    // 2 pods of a budget-1 workload replaced in two rounds of 60 s: the window is 5 + 120 = 125 s,
    // each pod 60 s of the budget (replacedPodSeconds); without replacedPodSeconds, the window.
    const paced = { ...node, workloads: [{ workload: 'PDB shop/web', pods: 2, unavailableSeconds: 390, replacedSeconds: 120, replacedPodSeconds: 60, needsWhole: true }] };
    expect(withReplacements(paced, []).workloads[0]).toMatchObject({ unavailableSeconds: 125, podSeconds: 60 });
    expect(withReplacements(node, []).workloads[0]).toMatchObject({ podSeconds: 240 });
    expect(withReplacements(paced, ['PDB shop/web']).workloads[0]).not.toHaveProperty('podSeconds');
  });

  it('leaves a workload the run saw stay (its replacement unplaceable) at its conservative u', () => {
    expect(withReplacements(node, ['PDB shop/java-app-pdb']).workloads.map((w) => w.unavailableSeconds)).toEqual([410, 100, 300]);
  });
});
