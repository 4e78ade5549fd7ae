import { describe, expect, it } from 'vitest';
import { estimateSchedule, inStartOrder, mayStart, nodesToStart, stillShort, waitReason, withStarted, type CandidateNode, type ScheduleState } from './criticalPathSchedule';

// The seed's shape: java-app (PDB minAvailable 3 of 4, so a budget of 1) has one pod per user
// node that can only come back to its node (u = 30 + 20 + 120 + 240 = 410 s); system nodes
// hold CoreDNS, which moves (u = 10 s). Every node is disrupted ~170 s.
const java = (name: string, zone: string): CandidateNode => ({
  name, zone, system: false, disruptionSeconds: 170, workloads: [{ workload: 'PDB default/java-app', pods: 1, unavailableSeconds: 410 }],
});
const system = (name: string, zone: string): CandidateNode => ({
  name, zone, system: true, disruptionSeconds: 170, workloads: [{ workload: 'PDB kube-system/coredns', pods: 1, unavailableSeconds: 10 }],
});
const plain = (name: string, zone: string, disruptionSeconds = 100): CandidateNode => ({ name, zone, system: false, disruptionSeconds, workloads: [] });

const state = (over: Partial<ScheduleState>): ScheduleState => ({
  now: 0, concurrency: 1, pending: [], disrupted: [], unavailable: [], budgets: {}, holdSystemNodes: false, ...over,
});

describe('nodesToStart', () => {
  it.each([
    {
      name: 'serves the workload with the largest remaining bound before plan order',
      given: state({ pending: [plain('free', 'z1'), java('j1', 'z1'), java('j2', 'z2')] }),
      start: ['j1'],
    },
    {
      name: 'a filler whose disruption ends before the critical node is eligible starts (C=1)',
      given: state({ now: 580, pending: [java('j3', 'z1'), system('s1', 'z2')], unavailable: [{ workload: 'PDB default/java-app', pods: 1, until: 820 }] }),
      start: ['s1'],
    },
    {
      name: 'a filler that would still be disrupted when the critical node is eligible waits (C=1)',
      given: state({ now: 750, pending: [java('j3', 'z1'), system('s2', 'z2')], unavailable: [{ workload: 'PDB default/java-app', pods: 1, until: 820 }] }),
      start: [],
    },
    {
      name: 'system nodes are held until the canary passed',
      given: state({ now: 170, pending: [system('s1', 'z2')], holdSystemNodes: true }),
      start: [],
    },
    {
      name: 'no node starts while C nodes are disrupted',
      given: state({ concurrency: 2, pending: [plain('a', 'z1'), plain('b', 'z2')], disrupted: [{ node: 'x', zone: 'z3', until: 50 }, { node: 'y', zone: 'z4', until: 60 }] }),
      start: [],
    },
    {
      name: 'one disrupted node per zone (C > 1)',
      given: state({ concurrency: 3, pending: [plain('a1', 'z1'), plain('a2', 'z1'), plain('b1', 'z2')] }),
      start: ['a1', 'b1'],
    },
    {
      name: 'a budget of 2 lets two nodes of one workload go together',
      given: state({
        concurrency: 3,
        budgets: { 'PDB default/web': 2 },
        pending: ['z1', 'z2', 'z3'].map((zone) => ({ name: `w-${zone}`, zone, system: false, disruptionSeconds: 100, workloads: [{ workload: 'PDB default/web', pods: 1, unavailableSeconds: 60 }] })),
      }),
      start: ['w-z1', 'w-z2'],
    },
    {
      name: 'a whole workload lets a node with more pods than its budget go (ADR 0014)',
      given: state({ pending: [{ name: 'n', zone: 'z1', system: false, disruptionSeconds: 100, workloads: [{ workload: 'PDB default/db', pods: 2, unavailableSeconds: 60 }] }] }),
      start: ['n'],
    },
    {
      name: 'a workload short of its budget blocks its next node but not a node that cannot delay it',
      given: state({
        concurrency: 3,
        now: 10,
        pending: [java('j2', 'z2'), plain('p', 'z3', 50)],
        unavailable: [{ workload: 'PDB default/java-app', pods: 1, until: 400 }],
      }),
      start: ['p'],
    },
  ])('$name', ({ given, start }) => {
    expect(nodesToStart(given).start).toEqual(start);
  });

  it('names REBOOT_CONCURRENCY when the concurrency is not a whole number >= 1', () => {
    expect(() => nodesToStart(state({ concurrency: 0 }))).toThrow(/REBOOT_CONCURRENCY/);
  });
});

describe('nodesToStart: a filler when the nodes left outlast the critical chain', () => {
  // The generated 12-node cluster at C = 1 (test/e2e/boundCases.ts): the critical workload's
  // next node waits on a recovery that overran its expected end, which the run counts as
  // "back in a second" (until = now + 1) for as long as it lasts; the slot stayed empty 114 s.
  const shared = (name: string, zone: string): CandidateNode => ({
    name, zone, system: false, disruptionSeconds: 350, workloads: [{ workload: 'PDB team/db', pods: 1, unavailableSeconds: 400 }],
  });
  const overdue = { workload: 'PDB team/db', pods: 1, until: 1001, since: 300 };

  it('starts one when the chain (2 × 400 s) plus its disruption (250 s) fits in the nodes left (1,550 s): an empty slot would only lengthen the run', () => {
    const given = state({
      now: 1000,
      pending: [shared('s1', 'z1'), shared('s2', 'z2'), plain('f1', 'z3', 250), plain('f2', 'z1', 200), plain('f3', 'z2', 200), plain('f4', 'z3', 200)],
      unavailable: [overdue],
    });
    expect(nodesToStart(given)).toEqual({ start: ['f1'], critical: 'PDB team/db' });
  });

  it('waits when the delayed chain would outlast the nodes left (800 + 250 s > 950 s): the chain is the run\'s critical path', () => {
    const given = state({ now: 1000, pending: [shared('s1', 'z1'), shared('s2', 'z2'), plain('f1', 'z3', 250)], unavailable: [overdue] });
    expect(nodesToStart(given).start).toEqual([]);
  });

  it('counts what a disrupted node has left among the nodes left, over C', () => {
    // C = 2, one slot free: (350 + 350 + 250 + 500 left on x) / 2 = 725 < 800 + 250: waits.
    const given = state({
      now: 1000, concurrency: 2,
      pending: [shared('s1', 'z1'), shared('s2', 'z1'), plain('f1', 'z3', 250)],
      disrupted: [{ node: 'x', zone: 'z2', until: 1500 }],
      unavailable: [overdue],
    });
    expect(nodesToStart(given).start).toEqual([]);
  });
});

describe('estimateSchedule', () => {
  it('on the seed, fits both system nodes into java-app\'s windows: 4 × 410 s', () => {
    const nodes = [java('j1', 'z1'), java('j2', 'z2'), java('j3', 'z3'), java('j4', 'z1'), system('s1', 'z1'), system('s2', 'z2')];
    const estimate = estimateSchedule(nodes, 1, {});
    expect(estimate.seconds).toBe(1640);
    expect(estimate.starts).toEqual([
      { node: 'j1', at: 0 }, { node: 'j2', at: 410 }, { node: 's1', at: 580 }, { node: 'j3', at: 820 }, { node: 's2', at: 990 }, { node: 'j4', at: 1230 },
    ]);
  });

  it('with nothing shared, is Σ d / C per zone-limited slot', () => {
    const nodes = ['z1', 'z2', 'z3'].flatMap((zone) => [1, 2, 3].map((i) => plain(`${zone}-${i}`, zone)));
    expect(estimateSchedule(nodes, 3, {}).seconds).toBe(300);
    expect(estimateSchedule(nodes, 1, {}).seconds).toBe(900);
  });

  it('steps through every expected end: one shared workload and 40 short ones per node (the plan failed with "no progress")', () => {
    const nodes: CandidateNode[] = [1, 2, 3, 4, 5].map((i) => ({
      name: `n${i}`, zone: 'z1', system: false, disruptionSeconds: 100,
      workloads: [{ workload: 'PDB default/shared', pods: 1, unavailableSeconds: 500 }, ...Array.from({ length: 40 }, (_, w) => ({ workload: `n${i}/w${w}`, pods: 1, unavailableSeconds: 110 + w }))],
    }));
    const estimate = estimateSchedule(nodes, 1, {});
    expect(estimate.starts).toEqual([0, 500, 1000, 1500, 2000].map((at, i) => ({ node: `n${i + 1}`, at })));
    expect(estimate.seconds).toBe(2500);
  });

  it('without user nodes, system nodes are not held', () => {
    expect(estimateSchedule([system('s1', 'z1'), system('s2', 'z2')], 1, {}).seconds).toBe(340);
  });
});

describe('inStartOrder', () => {
  const queue = ['j1', 'j2', 'j3', 'j4', 's1', 's2'].map((node) => ({ node, pool: node.startsWith('s') ? 'system' : 'user' }));

  it('on the seed, orders the queue as the estimate starts it: system nodes in java-app\'s windows, 3rd and 5th', () => {
    const nodes = [java('j1', 'z1'), java('j2', 'z2'), java('j3', 'z3'), java('j4', 'z1'), system('s1', 'z1'), system('s2', 'z2')];
    const order = inStartOrder(queue, estimateSchedule(nodes, 1, {}).starts);
    expect(order.map((n) => n.node)).toEqual(['j1', 'j2', 's1', 'j3', 's2', 'j4']);
    expect(order[2]).toBe(queue[4]);
  });

  it('keeps a node the estimate did not place, after the placed ones, in queue order', () => {
    const order = inStartOrder(queue, [{ node: 's2', at: 0 }, { node: 'j3', at: 100 }]);
    expect(order.map((n) => n.node)).toEqual(['s2', 'j3', 'j1', 'j2', 'j4', 's1']);
  });

  it('keeps the rule\'s order among nodes started at the same second', () => {
    const order = inStartOrder(queue.slice(0, 3), [{ node: 'j3', at: 0 }, { node: 'j1', at: 0 }, { node: 'j2', at: 0 }]);
    expect(order.map((n) => n.node)).toEqual(['j3', 'j1', 'j2']);
  });
});

// With C > 1 a zone is a chain too (one disrupted node per zone): the rule weighs Σ d_n of a
// zone's nodes still to start against each workload's remaining bound (Σ u / budget).
describe('nodesToStart: zones as chains', () => {
  const shared = (name: string, zone: string, unavailableSeconds: number): CandidateNode => ({
    name, zone, system: false, disruptionSeconds: 100, workloads: [{ workload: 'PDB default/web', pods: 1, unavailableSeconds }],
  });
  // One slot of two is taken by a node in z3, so one node starts now; plan order puts a1 (z1) first.
  const oneSlot = (pending: CandidateNode[], concurrency = 2) => state({ concurrency, pending, disrupted: concurrency > 1 ? [{ node: 'x', zone: 'z3', until: 50 }] : [] });

  it('with C > 1, a zone whose Σ d_n is larger than every workload\'s remaining bound is served first', () => {
    // z2: 3 × 100 = 300 s left; z1: 100 s; web: 1 pod × 150 s / budget 1 = 150 s. 300 > 150: zone z2.
    const decision = nodesToStart(oneSlot([shared('a1', 'z1', 150), plain('b1', 'z2'), plain('b2', 'z2'), plain('b3', 'z2')]));
    expect(decision).toEqual({ start: ['b1'], critical: 'zone z2' });
  });

  it('a workload whose bound is larger than any zone\'s still comes first', () => {
    // web: 400 s > z2's 300 s: a1 (plan order's first) goes.
    expect(nodesToStart(oneSlot([shared('a1', 'z1', 400), plain('b1', 'z2'), plain('b2', 'z2'), plain('b3', 'z2')]))).toEqual({ start: ['a1'], critical: 'PDB default/web' });
  });

  it('among nodes serving the critical chain, the node in the zone with the most left goes first', () => {
    // web: 2 pods × 1000 s / 1 = 2000 s, the critical chain, on j1 (z1) and j2 (z2), both eligible.
    // z1 has 100 s left, z2 100 + 100 = 200 s: j2 goes, though j1 is first in plan order.
    const decision = nodesToStart(oneSlot([shared('j1', 'z1', 1000), shared('j2', 'z2', 1000), plain('p2', 'z2')]));
    expect(decision).toEqual({ start: ['j2'], critical: 'PDB default/web' });
  });

  it('with C = 1 zones play no part: plan order among the chain\'s nodes, and no zone is ever the chain', () => {
    expect(nodesToStart(oneSlot([shared('j1', 'z1', 1000), shared('j2', 'z2', 1000), plain('p2', 'z2')], 1))).toEqual({ start: ['j1'], critical: 'PDB default/web' });
    expect(nodesToStart(oneSlot([shared('a1', 'z1', 150), plain('b1', 'z2'), plain('b2', 'z2'), plain('b3', 'z2')], 1))).toEqual({ start: ['a1'], critical: 'PDB default/web' });
    expect(nodesToStart(oneSlot([plain('a1', 'z1'), plain('b1', 'z2'), plain('b2', 'z2')], 1))).toEqual({ start: ['a1'] });
  });
});

describe('remaining bound with pods replaced elsewhere', () => {
  it('counts each pod at its podSeconds: two pods replaced in 60 s rounds weigh 120 s, not 2 × their 125 s window', () => {
    // web: r1 holds 2 pods (window 125 s, 60 s each) → 120 s of budget; zone z2 holds 200 s.
    // With podSeconds the zone (200 > 120) is the chain; counted at the window it would be web (250 > 200).
    const r1: CandidateNode = { name: 'r1', zone: 'z1', system: false, disruptionSeconds: 100, workloads: [{ workload: 'PDB default/web', pods: 2, unavailableSeconds: 125, podSeconds: 60 }] };
    const zoned = [plain('b1', 'z2'), plain('b2', 'z2')];
    const busy = { disrupted: [{ node: 'x', zone: 'z3', until: 50 }] };
    expect(nodesToStart(state({ concurrency: 2, pending: [r1, ...zoned], ...busy }))).toEqual({ start: ['b1'], critical: 'zone z2' });
    const windowed = { ...r1, workloads: [{ workload: 'PDB default/web', pods: 2, unavailableSeconds: 125 }] };
    expect(nodesToStart(state({ concurrency: 2, pending: [windowed, ...zoned], ...busy }))).toEqual({ start: ['r1'], critical: 'PDB default/web' });
  });
});

describe('mayStart: a workload the gate wants whole', () => {
  // web: budget 3, one pod per node; needsWhole as the pre-drain gate checks a Deployment.
  const web = (name: string, zone: string, needsWhole: boolean): CandidateNode => ({
    name, zone, system: false, disruptionSeconds: 100, workloads: [{ workload: 'PDB default/web', pods: 1, unavailableSeconds: 150, ...(needsWhole ? { needsWhole } : {}) }],
  });

  it('starts up to the budget together, but not after a node started earlier while its pods are short', () => {
    const idle = state({ now: 0, concurrency: 3, budgets: { 'PDB default/web': 3 }, pending: [web('a', 'z1', true), web('b', 'z2', true), web('c', 'z3', true)] });
    // Together at 0: three nodes, three pods short, within the budget of 3.
    expect(nodesToStart(idle).start).toEqual(['a', 'b', 'c']);
    // a started at 0 (short until 150); at 10 b would find web short from earlier: the gate would wait.
    const later = { ...withStarted(idle, idle.pending[0]!), now: 10 };
    expect(mayStart(later, later.pending[0]!, 10)).toBe(false);
    expect(mayStart(later, later.pending[0]!, 150)).toBe(true);
  });

  it('without needsWhole (pods the drain leaves in place under a PDB) the budget alone decides', () => {
    const idle = state({ now: 0, concurrency: 3, budgets: { 'PDB default/web': 3 }, pending: [web('a', 'z1', false), web('b', 'z2', false)] });
    const later = { ...withStarted(idle, idle.pending[0]!), now: 10 };
    expect(mayStart(later, later.pending[0]!, 10)).toBe(true);
  });
});

describe('stillShort', () => {
  it('keeps pods counted until just after now, and says since when they are overdue once their expected time has passed', () => {
    expect(stillShort(100, 160)).toEqual({ until: 160 });
    expect(stillShort(100, 100.5)).toEqual({ until: 101 });
    expect(stillShort(100, 100)).toEqual({ until: 101 });
    expect(stillShort(100, 99)).toEqual({ until: 101, overdueSince: 99 });
    expect(stillShort(300, 150)).toEqual({ until: 301, overdueSince: 150 });
  });
});

describe('withStarted', () => {
  it('counts a workload short for its u even when u < d (a pod replaced elsewhere is back before its node)', () => {
    // At 10 s a node of d = 300 s starts; its web pod is replaced elsewhere, u = 50 s:
    // the node is disrupted until 310, web short until 60.
    const node: CandidateNode = { name: 'n1', zone: 'z1', system: false, disruptionSeconds: 300, workloads: [{ workload: 'PDB default/web', pods: 1, unavailableSeconds: 50 }] };
    const other: CandidateNode = { ...node, name: 'n2', zone: 'z2' };
    const started = withStarted(state({ now: 10, concurrency: 2, pending: [node, other] }), node);
    expect(started.disrupted).toEqual([{ node: 'n1', zone: 'z1', until: 310 }]);
    expect(started.unavailable).toEqual([{ workload: 'PDB default/web', pods: 1, until: 60, since: 10 }]);
    expect(started.pending).toEqual([other]);
    // n2 shares web (budget 1): held until 60, free from then though n1 is still disrupted.
    expect(mayStart(started, other, 59)).toBe(false);
    expect(mayStart(started, other, 60)).toBe(true);
  });
});

describe('waitReason: why a node does not start, for the run\'s status', () => {
  const web = (name: string, zone: string, needsWhole = false): CandidateNode => ({
    name, zone, system: false, disruptionSeconds: 100, workloads: [{ workload: 'PDB default/web', pods: 1, unavailableSeconds: 60, ...(needsWhole ? { needsWhole } : {}) }],
  });
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();

  it.each<[string, ScheduleState, CandidateNode, string]>([
    ['the canary', state({ pending: [system('s1', 'z2')], holdSystemNodes: true }), system('s1', 'z2'),
      'a system node: waits until a user-pool node of the run has passed its recovery gate (the canary)'],
    ['the concurrency', state({ concurrency: 1, disrupted: [{ node: 'x', zone: 'z1', until: 50 }] }), plain('a', 'z2'),
      'REBOOT_CONCURRENCY 1 reached: 1 node(s) disrupted'],
    ['its zone', state({ concurrency: 3, disrupted: [{ node: 'x', zone: 'z1', until: 50 }] }), plain('a', 'z1'),
      'its zone has x disrupted (one node per zone at a time)'],
    ['a budget it would exceed', state({ concurrency: 3, budgets: { 'PDB default/web': 1 }, unavailable: [{ workload: 'PDB default/web', pods: 1, until: 60, since: 0 }] }), web('b', 'z2'),
      `PDB default/web: 1 unavailable + 1 here would exceed its budget of 1 (expected back by ${at(60)})`],
    ['a workload the gate wants whole', state({ now: 10, concurrency: 3, budgets: { 'PDB default/web': 3 }, unavailable: [{ workload: 'PDB default/web', pods: 1, until: 150, since: 0 }] }), web('b', 'z2', true),
      `PDB default/web: 1 pod(s) from nodes started earlier not back yet; the pre-drain gate wants it whole (expected back by ${at(150)})`],
    ['a workload overdue (its node\'s drain or reboot runs long)', state({ now: 300, concurrency: 3, budgets: { 'PDB default/web': 3 }, unavailable: [{ workload: 'PDB default/web', pods: 1, ...stillShort(300, 150), since: 0 }] }), web('b', 'z2', true),
      `PDB default/web: 1 pod(s) from nodes started earlier not back yet; the pre-drain gate wants it whole (expected back by ${at(150)}, overdue by 150 s)`],
  ])('names %s', (_, given, node, reason) => {
    expect(mayStart(given, node, given.now)).toBe(false);
    expect(waitReason(given, node)).toBe(reason);
  });

  it('names the chain served first for a node the rule may start but holds back', () => {
    // As "a filler that would still be disrupted when the critical node is eligible waits (C=1)".
    const given = state({ now: 750, pending: [java('j3', 'z1'), system('s2', 'z2')], unavailable: [{ workload: 'PDB default/java-app', pods: 1, until: 820 }] });
    const decided = nodesToStart(given);
    expect(decided.start).toEqual([]);
    expect(waitReason(given, given.pending[1]!, decided.critical)).toBe('may start; held so as not to delay PDB default/java-app, which is served first');
  });
});
