// clusterReboot against stub activities (the real run and node orchestrators on the local
// host, in virtual time): discovery to the last node, the check pods deleted only once every
// answer was collected, and the run's fallback when a node's instance itself fails instead of
// returning a result.
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeSummary } from '../../activities/contracts';
import { CORDONED_BY_SOMEONE_ELSE, type ManualRequest, type RunOutput, type RunSettings } from '../../core/runTypes';
import type { LocalHost } from '../../local/host';
import { CONTROL_EVENT, orchestrators, runInstanceId } from '../../orchestrations/names';
import type { ClusterRebootInput } from '../../orchestrations/types';
import { calls, useStubs, type ActivityStubs } from './stubApp';
import { BOOT_AFTER, BOOT_BEFORE, CLUSTER, distinctCallNames, healthyNode, RUN_ID, runSettings, stubHost, T0 } from './stubs';

let host: LocalHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const NODES = ['node-1', 'node-2'];

/** A user pool of two nodes, both needing a reboot, and nothing blocking. */
function twoNodeCluster(): ActivityStubs {
  const summary = (name: string, zone: string): NodeSummary => ({ name, pool: 'user', zone, mode: 'user', ready: true, unschedulable: false });
  return {
    ...healthyNode(),
    listPools: () => ({ pools: [{ name: 'user', mode: 'User', zones: ['1', '2'] }], skipped: [], runCommandDisabled: false }),
    startRebootChecks: () => ({ nodes: [summary('node-1', '1'), summary('node-2', '2')], results: NODES.map((node) => ({ node, status: 'required' as const })), pending: [], unknownNodes: [] }),
    checkBlockers: () => ({ blocked: false }),
  };
}

async function run(stubs: ActivityStubs, settings: RunSettings, request?: ManualRequest): Promise<RunOutput> {
  useStubs(stubs);
  host = await stubHost();
  const input: ClusterRebootInput = { cluster: CLUSTER, settings, trigger: 'manual', requestedBy: 'test', runId: RUN_ID, holdsLease: false, ...(request ? { request } : {}) };
  const id = host.startNew(orchestrators.clusterReboot, { instanceId: runInstanceId(CLUSTER.alias, RUN_ID), input });
  const status = await host.waitFor(id);
  expect(status.runtimeStatus, JSON.stringify(status.output)).toBe('Completed');
  return status.output as RunOutput;
}

describe('clusterReboot with stub activities', () => {
  it('discovers the nodes, checks the blockers before each, and reboots them one at a time', async () => {
    const output = await run(twoNodeCluster(), runSettings({ notify: true }));
    expect(output).toMatchObject({ outcome: 'completed', remaining: [] });
    expect(output.results.map((r) => [r.node, r.outcome])).toEqual([['node-1', 'rebooted'], ['node-2', 'rebooted']]);
    const runCalls = distinctCallNames().filter((n) => ['listPools', 'startRebootChecks', 'checkBlockers', 'lockNode', 'notify:run-started', 'notify:run-finished'].includes(n));
    expect(runCalls).toEqual(['listPools', 'startRebootChecks', 'notify:run-started', 'checkBlockers', 'lockNode', 'checkBlockers', 'lockNode', 'notify:run-finished']);
    expect(calls.filter((c) => c.name === 'lockNode').map((c) => c.input.node)).toEqual(NODES);
  });

  it('a run paused with nothing left to start or finish completes instead of waiting for a resume', async () => {
    useStubs({ ...twoNodeCluster(), startRebootChecks: () => ({ nodes: [], results: NODES.map((node) => ({ node, status: 'not-required' as const })), pending: [], unknownNodes: [] }) });
    host = await stubHost();
    const input: ClusterRebootInput = { cluster: CLUSTER, settings: runSettings(), trigger: 'manual', requestedBy: 'test', runId: RUN_ID, holdsLease: false };
    const id = host.startNew(orchestrators.clusterReboot, { instanceId: runInstanceId(CLUSTER.alias, RUN_ID), input });
    host.raiseEvent(id, CONTROL_EVENT, { action: 'pause', id: 'pause-1', by: 'alice' });
    const status = await host.waitFor(id, { maxRealMs: 20_000, maxVirtualMs: 24 * 3600_000 });
    expect(status.runtimeStatus, JSON.stringify(status.output)).toBe('Completed');
    expect(status.output).toMatchObject({ outcome: 'completed', results: [], remaining: [] });
    expect(calls.some((c) => c.name === 'lockNode')).toBe(false);
  });

  it('deletes the check pods once, after the last collection, and goes on when that clean-up fails', async () => {
    let collections = 0;
    const sentinelChecks = (deleteRebootChecks: ActivityStubs['deleteRebootChecks']): ActivityStubs => ({
      ...twoNodeCluster(),
      startRebootChecks: () => ({ nodes: NODES.map((name, i) => ({ name, pool: 'user', zone: String(i + 1), mode: 'user', ready: true, unschedulable: false })), results: [], pending: NODES, unknownNodes: [] }),
      // node-1 answers at the first collection, node-2 at the second
      collectRebootChecks: (input) => {
        collections++;
        const answered = collections === 1 ? ['node-1'] : input.nodes;
        return { results: answered.map((node) => ({ node, status: 'required' as const })), pending: input.nodes.filter((n) => !answered.includes(n)) };
      },
      deleteRebootChecks,
    });
    const output = await run(sentinelChecks((input) => ({ deleted: input.nodes.length, leftovers: [], undeleted: [] })), runSettings());
    expect(output.results.map((r) => [r.node, r.outcome])).toEqual([['node-1', 'rebooted'], ['node-2', 'rebooted']]);
    const discovery = calls.filter((c) => c.name === 'collectRebootChecks' || c.name === 'deleteRebootChecks').map((c) => [c.name, c.input.nodes]);
    expect(discovery).toEqual([['collectRebootChecks', NODES], ['collectRebootChecks', ['node-2']], ['deleteRebootChecks', NODES]]);

    await host!.close();
    collections = 0;
    const failing = await run(sentinelChecks(() => {
      throw new Error('pods is forbidden');
    }), runSettings());
    expect(failing.outcome).toBe('completed');
    expect(calls.filter((c) => c.name === 'deleteRebootChecks').length).toBeGreaterThan(1);
    expect(failing.results.map((r) => r.outcome)).toEqual(['rebooted', 'rebooted']);
  });

  it('a node instance that fails (not a node result) is reported failed and left for an operator; the run halts', async () => {
    const stubs = twoNodeCluster();
    const output = await run({
      ...stubs,
      evictPods: () => ({ drained: false, evicted: [], evictedWorkloads: [], blocked: [], terminating: [], errors: [], warnings: [], refused: [{ pod: 'shop/lonely', reason: 'unmanaged', message: 'no controller' }] }),
      notify: (input) => {
        if (input.event === 'node-failed') throw new Error('webhook receiver down');
        return { sent: 1, failed: 0 };
      },
    }, runSettings({ notify: true }));
    expect(output.outcome).toBe('halted');
    expect(output.results).toEqual([expect.objectContaining({ node: 'node-1', outcome: 'failed', step: 'queued', leftCordoned: true })]);
    expect(output.results[0]!.reason).toMatch(/^node orchestration failed: .*webhook receiver down/);
    expect(output.reason).toMatch(/^node-1 did not come back at step queued: node orchestration failed/);
    expect(output.remaining).toEqual(['node-2']);
    expect(calls.filter((c) => c.name === 'lockNode').map((c) => c.input.node)).toEqual(['node-1']);
    expect(distinctCallNames().at(-1)).toBe('notify:run-halted');
  });

  it('a node an operator cordoned after discovery is left alone at its lock: the lock is given back, nothing else touched', async () => {
    const stubs = twoNodeCluster();
    // node-2 was schedulable at discovery; by its lock someone had cordoned it.
    const lockNode: ActivityStubs['lockNode'] = (input) => ({ ...stubs.lockNode!(input), ...(input.node === 'node-2' ? { wasUnschedulable: true } : {}) } as ReturnType<NonNullable<ActivityStubs['lockNode']>>);
    const output = await run({ ...stubs, lockNode }, runSettings());
    expect(output.outcome).toBe('completed');
    expect(output.results.map((r) => [r.node, r.outcome, r.step, r.reason])).toEqual([['node-1', 'rebooted', undefined, undefined], ['node-2', 'skipped', 'lock', CORDONED_BY_SOMEONE_ELSE]]);
    expect(output.results[1]).toMatchObject({ leftCordoned: false, warnings: [] });
    const onNode2 = calls.filter((c) => c.input.node === 'node-2' && c.name !== 'checkBlockers').map((c) => c.name);
    expect(onNode2).toEqual(['lockNode', 'releaseNode']);
    // Released as an undo: no post-reboot labels, no last-reboot record.
    expect(calls.find((c) => c.name === 'releaseNode' && c.input.node === 'node-2')!.input).toMatchObject({ postLabels: {}, taintKey: '' });
  });

  it('a node named in a manual request is rebooted even when an operator cordoned it after discovery', async () => {
    const stubs = twoNodeCluster();
    // As startRebootChecks answers a request that names nodes: those nodes, no checks.
    const startRebootChecks: ActivityStubs['startRebootChecks'] = (input) => ({ ...stubs.startRebootChecks!(input), results: [] });
    const lockNode: ActivityStubs['lockNode'] = (input) => ({ ...stubs.lockNode!(input), wasUnschedulable: true } as ReturnType<NonNullable<ActivityStubs['lockNode']>>);
    const output = await run({ ...stubs, startRebootChecks, lockNode }, runSettings(), { nodes: ['node-2'] });
    expect(output.outcome).toBe('completed');
    expect(output.results.map((r) => [r.node, r.outcome])).toEqual([['node-2', 'rebooted']]);
    expect(calls.filter((c) => c.input.node === 'node-2').map((c) => c.name)).toContain('cordonNode');
  });

  it('a node whose schedule terms could not be read waits, is asked about again alone, and is rebooted once they are read', async () => {
    const stubs = twoNodeCluster();
    let reads = 0;
    const scheduleTerms: ActivityStubs['scheduleTerms'] = (input) => {
      const all = stubs.scheduleTerms!(input);
      // node-2's pods cannot be listed the first two times it is asked about.
      if (input.candidates.some((c) => c.node === 'node-2') && ++reads <= 2) {
        return { ...all, nodes: all.nodes.filter((n) => n.name !== 'node-2'), unread: [{ node: 'node-2', reason: 'listing pods on node-2: HTTP 500' }] };
      }
      return all;
    };
    const output = await run({ ...stubs, scheduleTerms }, runSettings());
    expect(output).toMatchObject({ outcome: 'completed', skipped: [] });
    expect(output.results.map((r) => [r.node, r.outcome])).toEqual([['node-1', 'rebooted'], ['node-2', 'rebooted']]);
    // Read for the queue once, then only for the node left unread (twice), then for the queue
    // again once node-1's disruption ended: the pods it evicted run on other nodes now.
    expect(calls.filter((c) => c.name === 'scheduleTerms').map((c) => (c.input.candidates as Array<{ node: string }>).map((n) => n.node))).toEqual([['node-1', 'node-2'], ['node-2'], ['node-2'], ['node-2']]);
  });

  it('a node whose terms stay unread for 600 s is left for the next run, named with why; the others are rebooted', async () => {
    const stubs = twoNodeCluster();
    const scheduleTerms: ActivityStubs['scheduleTerms'] = (input) => {
      const all = stubs.scheduleTerms!(input);
      return { ...all, nodes: all.nodes.filter((n) => n.name !== 'node-2'), ...(input.candidates.some((c) => c.node === 'node-2') ? { unread: [{ node: 'node-2', reason: 'reading node node-2: HTTP 503' }] } : {}) };
    };
    const output = await run({ ...stubs, scheduleTerms }, runSettings());
    expect(output.outcome).toBe('completed');
    expect(output.results.map((r) => [r.node, r.outcome])).toEqual([['node-1', 'rebooted']]);
    expect(output.skipped).toEqual([{ node: 'node-2', reason: 'could not be read for 600s, left for the next run: reading node node-2: HTTP 503' }]);
    expect(output.remaining).toEqual([]);
    expect(calls.filter((c) => c.name === 'lockNode').map((c) => c.input.node)).toEqual(['node-1']);
  });

  it('a node whose reboot helper could not be dry-run waits for the next round; the others start', async () => {
    const stubs = twoNodeCluster();
    let checks = 0;
    const checkAdmission: ActivityStubs['checkAdmission'] = (input) => {
      if (input.nodes?.includes('node-1') && ++checks === 1) return { checked: 0, denials: [], unchecked: [{ node: 'node-1', reason: 'dry-run creating pod: HTTP 500' }] };
      return { checked: input.nodes?.length ?? 1, denials: [] };
    };
    const output = await run({ ...stubs, checkAdmission }, runSettings({ concurrency: 2 }));
    expect(output.outcome).toBe('completed');
    // node-2 started in the first round, node-1 in a later one.
    expect(calls.filter((c) => c.name === 'lockNode').map((c) => c.input.node)).toEqual(['node-2', 'node-1']);
    expect(output.results.map((r) => r.outcome)).toEqual(['rebooted', 'rebooted']);
  });
});

// The scheduler's hand-offs between nodes that share the cluster (eaa887e): what the run tells
// checkBlockers about its own nodes, and what it does with a replacement it hears cannot be placed.
describe('clusterReboot: overlapping nodes', () => {
  const secondsOf = (at: unknown) => (Date.parse(String(at)) - T0) / 1000;
  const WEB = 'PDB shop/web';

  /** node-1, node-2, node-3 in the given zones; each node's reboot seen done once `backAt(node)` seconds have passed; recovery gates open at `openAt(node)`. */
  function threeNodes(zones: [string, string, string], backAt: (node: string) => number, openAt: (node: string) => number): ActivityStubs {
    const names = ['node-1', 'node-2', 'node-3'];
    const summary = (name: string, zone: string): NodeSummary => ({ name, pool: 'user', zone, mode: 'user', ready: true, unschedulable: false });
    const rebooted = new Set<string>();
    const stubs = healthyNode();
    return {
      ...stubs,
      listPools: () => ({ pools: [{ name: 'user', mode: 'User', zones: [...new Set(zones)] }], skipped: [], runCommandDisabled: false }),
      startRebootChecks: () => ({ nodes: names.map((n, i) => summary(n, zones[i]!)), results: names.map((node) => ({ node, status: 'required' as const })), pending: [], unknownNodes: [] }),
      checkBlockers: () => ({ blocked: false }),
      // Nothing on the nodes; a disruption expected to take as long as the stubs make it (30 s):
      // the run looks at a node part when it is expected to end.
      scheduleTerms: (input) => ({ nodes: input.candidates.map((c) => ({ name: c.node, zone: c.zone, system: false, disruptionSeconds: 30, workloads: [] })), budgets: {} }),
      lockNode: (input) => ({ ...stubs.lockNode!(input), zone: zones[names.indexOf(input.node)]! } as ReturnType<NonNullable<ActivityStubs['lockNode']>>),
      startReboot: (input) => {
        rebooted.add(input.node);
        return { sent: true, helperPod: `reboot-${input.node}`, commandId: `cmd-${input.node}`, alreadyExisted: false };
      },
      getNodeStatus: (input) => ({ exists: true, ready: true, bootId: rebooted.has(input.node) && secondsOf(input.at) >= backAt(input.node) ? BOOT_AFTER : BOOT_BEFORE, unschedulable: true }),
      checkGate: (input) => (input.gate === 'pre-drain' || secondsOf(input.at) >= openAt(input.node) ? { ok: true } : { ok: false, reasons: ['Deployment shop/web: 2/3 available'] }),
    };
  }

  it('passes its own nodes in their disruption as `disrupting` to checkBlockers, not those in recovery', async () => {
    // C = 2; node-1 and node-3 share zone 1, so node-3 waits for node-1's disruption. node-2's
    // reboot takes until 200 s; node-1 is back at 30 s and its recovery gate opens at 100 s.
    // node-3 is checked between those: node-2 is disrupted, node-1 recovering.
    const stubs = threeNodes(['1', '2', '1'], (n) => (n === 'node-2' ? 200 : 0), (n) => (n === 'node-1' ? 100 : 0));
    const output = await run(stubs, runSettings({ concurrency: 2 }));
    expect(output.results.map((r) => [r.node, r.outcome])).toEqual(expect.arrayContaining([['node-1', 'rebooted'], ['node-2', 'rebooted'], ['node-3', 'rebooted']]));
    const checks = calls.filter((c) => c.name === 'checkBlockers').map((c) => ({ at: secondsOf(c.input.at), node: c.input.node, nodes: c.input.nodes, disrupting: c.input.disrupting }));
    // The first round asks about node-1 and node-2 together, with nothing of the run's disrupted yet.
    expect(checks[0]).toEqual({ at: 0, node: undefined, nodes: ['node-1', 'node-2'], disrupting: undefined });
    const third = checks.find((c) => c.node === 'node-3')!;
    expect(third.at).toBeGreaterThan(0);
    expect(third.at).toBeLessThan(100);
    expect(third.disrupting).toEqual(['node-2']);
    expect(calls.filter((c) => c.name === 'lockNode').map((c) => c.input.node)).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('shows in its status why each node still to start waits, and drops the list once nothing waits', async () => {
    // C = 3; node-1 and node-3 share zone 1: node-3 waits for node-1's disruption.
    const output = await run(threeNodes(['1', '2', '1'], () => 0, () => 0), runSettings({ concurrency: 3 }));
    expect(output.outcome).toBe('completed');
    const statuses = host!.events
      .filter((e) => e.type === 'customStatusChanged' && e.instanceId === runInstanceId(CLUSTER.alias, RUN_ID))
      .map((e) => (e as { customStatus: { phase: string; waiting?: Array<{ node: string; reason: string }> } }).customStatus);
    const shown = statuses.flatMap((st) => st.waiting ?? []);
    expect(shown).toContainEqual({ node: 'node-3', reason: 'its zone has node-1 disrupted (one node per zone at a time)' });
    // Never a node that started, and nothing waits in the final status.
    expect(shown.some((w) => w.node !== 'node-3')).toBe(false);
    expect(statuses.at(-1)).toMatchObject({ phase: 'completed' });
    expect(statuses.at(-1)!.waiting).toBeUndefined();
  });

  /**
   * C = 1. node-1 and node-2 hold six pods of web each (budget 1; u = 400 s back on its node; if
   * replaced elsewhere, six 30 s rounds: 5 + 180 = 185 s expected); node-3 holds nothing, d =
   * 100 s. node-1's recovery gate opens at 300 s. While node-1 recovers, web is the critical
   * chain, node-2 its next node: with web expected whole at 185 s, node-2 is due before node-3
   * (100 s) could end, and web's chain (6 × 30 s) outlasts node-2's 150 s, so node-3 may not fill
   * in; with web's conservative 400 s, node-2 is due at 400 s and node-3 fits before it.
   */
  function sharedWeb(unplaced: boolean, pods = 6): ActivityStubs {
    const stubs = threeNodes(['1', '2', '3'], () => 0, (n) => (n === 'node-1' ? 300 : 0));
    return {
      ...stubs,
      scheduleTerms: (input) => ({
        nodes: input.candidates.map((c) => (c.node === 'node-3'
          ? { name: c.node, zone: c.zone, system: false, disruptionSeconds: 100, workloads: [] }
          : { name: c.node, zone: c.zone, system: false, disruptionSeconds: 150, workloads: [{ workload: WEB, pods, unavailableSeconds: 400, replacedSeconds: pods * 30, replacedPodSeconds: 30 }] })),
        budgets: { [WEB]: 1 },
      }),
      releasedBudgets: () => ({ released: [], ...(unplaced ? { unplaced: [WEB] } : {}) }),
    };
  }

  /** The run on sharedWeb's cluster, to its end: when each node was locked (its start). */
  async function starts(unplaced: boolean, pods?: number): Promise<Array<{ node: unknown; at: number }>> {
    const output = await run(sharedWeb(unplaced, pods), runSettings());
    expect(output.outcome).toBe('completed');
    return calls.filter((c) => c.name === 'lockNode').map((c) => ({ node: c.input.node, at: secondsOf(c.input.at) }));
  }

  it('a releasedBudgets answer naming a workload unplaced keeps its conservative term: a filler starts inside it', async () => {
    const locks = await starts(true);
    expect(locks.map((l) => l.node)).toEqual(['node-1', 'node-3', 'node-2']);
    // node-3 started while node-1 was still recovering (its gate opens at 300 s).
    expect(locks[1]!.at).toBeLessThan(300);
    // The run asked about node-1's web while node-1 was recovering, and started node-3 in the
    // same round as the answer.
    const asked = calls.find((c) => c.name === 'releasedBudgets')!;
    // node-1 is back from its reboot: the run says when the reboot was sent (pods on it since are new, ADR 0025).
    const sent = calls.find((c) => c.name === 'startReboot' && c.input.node === 'node-1')!;
    expect(asked.input.nodes).toEqual([{ node: 'node-1', workloads: [WEB], rebootedAfter: sent.input.at }]);
    expect(locks[1]!.at).toBe(secondsOf(asked.input.at));
  });

  it('a node in recovery whose workload the release read shows whole lets the next node start before its recovery gate opens (ADR 0025)', async () => {
    const stubs = sharedWeb(false);
    const output = await run({
      ...stubs,
      // Whole again (Ready replacements) only for a node the run says is back from its reboot.
      releasedBudgets: (input) => ({ released: input.nodes.filter((n) => n.rebootedAfter !== undefined).flatMap((n) => n.workloads.map((workload) => ({ node: n.node, workload }))) }),
    }, runSettings());
    expect(output.outcome).toBe('completed');
    const locks = calls.filter((c) => c.name === 'lockNode').map((c) => ({ node: c.input.node, at: secondsOf(c.input.at) }));
    expect(locks.map((l) => l.node)).toEqual(['node-1', 'node-2', 'node-3']);
    // node-1's recovery gate opens at 300 s; node-2 went before it.
    expect(locks[1]!.at).toBeLessThan(300);
  });

  it('without `unplaced`, web is expected replaced: node-3 does not fill in, node-2 goes when node-1 is done', async () => {
    const locks = await starts(false);
    expect(locks.map((l) => l.node)).toEqual(['node-1', 'node-2', 'node-3']);
    expect(locks[1]!.at).toBeGreaterThanOrEqual(300);
    expect(calls.some((c) => c.name === 'releasedBudgets')).toBe(true);
  });

  it('with one pod of web per node its chain (30 s) is shorter than node-2 (150 s): node-3 fills the empty slot while node-1 recovers (ADR 0024)', async () => {
    // node-2 is expected due at once (web whole at 5 + 30 s, overdue), as in the test above; an
    // empty slot would lengthen the run by what node-3 takes, waiting on web would not.
    const locks = await starts(false, 1);
    expect(locks.map((l) => l.node)).toEqual(['node-1', 'node-3', 'node-2']);
    expect(locks[1]!.at).toBeLessThan(300);
    expect(locks[2]!.at).toBeGreaterThanOrEqual(300);
  });
});

