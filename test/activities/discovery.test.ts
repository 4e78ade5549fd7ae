// listPools, startRebootChecks, collectRebootChecks and deleteRebootChecks against the simulator:
// pools skipped with their reason, the sentinel detector on nodes with and without the flag, on a
// NotReady node and with a check pod that can never run, a collection run twice, the label and
// condition detectors, explicit nodes.
import { afterEach, describe, expect, it } from 'vitest';
import { collectRebootChecks } from '../../activities/collectRebootChecks';
import type { CheckResult, DetectorConfig } from '../../activities/contracts';
import { deleteRebootChecks } from '../../activities/deleteRebootChecks';
import { STALE_CHECK_SECONDS } from '../../activities/detectors/sentinel';
import { listPools } from '../../activities/listPools';
import { lockNode } from '../../activities/lockNode';
import { startRebootChecks } from '../../activities/startRebootChecks';
import { checkPodName } from '../../core/helperPods';
import type { Scenario } from '../../local/aks/scenario';
import { IMAGE, NAMESPACE, seedScenario, startActivityRig, type ActivityRig } from './rig';

const SENTINEL: DetectorConfig = { kind: 'sentinel', path: '/var/run/reboot-required' };

let rig: ActivityRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const start = (r: ActivityRig, detector: DetectorConfig, extra: { nodes?: string[]; pools?: string[] } = {}) =>
  startRebootChecks({ ...r.base(), pools: extra.pools ?? ['user'], detector, namespace: NAMESPACE, image: IMAGE, parallelism: 3, ...(extra.nodes && { nodes: extra.nodes }) }, r.context);

const collect = (r: ActivityRig, nodes: string[], final: boolean) =>
  collectRebootChecks({ ...r.base(), namespace: NAMESPACE, nodes, final }, r.context);

const deleteChecks = (r: ActivityRig, nodes: string[]) =>
  deleteRebootChecks({ ...r.base(), namespace: NAMESPACE, nodes }, r.context);

const checkPods = (r: ActivityRig) => r.sim.cluster.pods(NAMESPACE).map((p) => p.metadata.name).sort();

const byNode = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.node, r.reason ? `${r.status}: ${r.reason}` : r.status]));

function oneNodeNeedsReboot(): Scenario {
  const scenario = seedScenario();
  scenario.rebootRequired = { nodes: [{ pool: 'user', index: 0 }] };
  return scenario;
}

describe('listPools', () => {
  it('selects eligible pools and gives every other one its reason', async () => {
    const scenario = seedScenario();
    scenario.pools.push(
      { name: 'win', mode: 'User', osType: 'Windows', count: 1 },
      { name: 'spot', mode: 'User', priority: 'Spot', count: 1 },
      { name: 'parked', mode: 'User', powerState: 'Stopped', count: 0 },
      { name: 'busy', mode: 'User', provisioningState: 'Upgrading', count: 1 },
      { name: 'batch', mode: 'User', count: 1 },
    );
    rig = await startActivityRig(scenario);
    const result = await listPools({ ...rig.base(), include: [], exclude: ['batch'], includeSpot: false }, rig.context);
    expect(result.pools.map((p) => [p.name, p.mode])).toEqual([['system', 'System'], ['user', 'User']]);
    expect(result.pools[1]!.zones).toEqual(['1', '2', '3']);
    expect(Object.fromEntries(result.skipped.map((s) => [s.pool, s.reason]))).toEqual({
      win: 'Windows pool: only Linux nodes are rebooted',
      spot: 'Spot pool: set REBOOT_INCLUDE_SPOT=true to include it',
      parked: 'the pool is stopped',
      busy: 'the pool is Upgrading (an operation is in progress): not Succeeded',
      batch: 'excluded by REBOOT_EXCLUDE_NODE_POOLS',
    });
    expect(result.runCommandDisabled).toBe(false);

    const withSpot = await listPools({ ...rig.base(), include: ['user', 'spot'], exclude: [], includeSpot: true }, rig.context);
    expect(withSpot.pools.map((p) => p.name)).toEqual(['user', 'spot']);
    expect(withSpot.skipped.find((s) => s.pool === 'system')?.reason).toBe('not listed in REBOOT_NODE_POOLS');

    const requested = await listPools({ ...rig.base(), include: [], exclude: [], includeSpot: false, requested: ['user', 'nosuch'] }, rig.context);
    expect(requested.pools.map((p) => p.name)).toEqual(['user']);
    expect(requested.skipped).toContainEqual({ pool: 'nosuch', reason: 'requested, but the cluster has no such pool' });
    expect(requested.skipped).toContainEqual({ pool: 'system', reason: 'not named in the request' });
  });

  it('reports run-command disabled on the cluster', async () => {
    const scenario = seedScenario();
    scenario.cluster.disableRunCommand = true;
    rig = await startActivityRig(scenario);
    expect((await listPools({ ...rig.base(), include: [], exclude: [], includeSpot: false }, rig.context)).runCommandDisabled).toBe(true);
  });
});

describe('the sentinel detector', () => {
  it('finds the node with the flag and the ones without, then deletes its check pods', async () => {
    rig = await startActivityRig(oneNodeNeedsReboot());
    const user = rig.nodes('user');
    const started = await start(rig, SENTINEL);
    expect(started.nodes.map((n) => n.name).sort()).toEqual([...user].sort());
    expect(started.nodes[0]).toMatchObject({ pool: 'user', mode: 'user', ready: true, unschedulable: false });
    expect(started.results).toEqual([]);
    expect(started.pending.sort()).toEqual([...user].sort());

    // Before the pods ran: still pending, nothing decided.
    expect(await collect(rig, started.pending, false)).toEqual({ results: [], pending: started.pending });
    rig.advance(10);
    const collected = await collect(rig, started.pending, false);
    expect(collected.pending).toEqual([]);
    expect(byNode(collected.results)).toEqual(Object.fromEntries(user.map((n, i) => [n, i === 0 ? 'required' : 'not-required'])));
    expect(checkPods(rig)).toHaveLength(4);
    expect(await deleteChecks(rig, started.pending)).toEqual({ deleted: 4, leftovers: [], undeleted: [] });
    expect(rig.sim.cluster.pods(NAMESPACE)).toEqual([]);
  });

  it('gives the same verdicts when a collection runs twice (a crash before its completion was recorded, a duplicate delivery)', async () => {
    rig = await startActivityRig(oneNodeNeedsReboot());
    const user = rig.nodes('user');
    const started = await start(rig, SENTINEL);
    rig.advance(10);
    const pods = checkPods(rig);
    expect(pods).toHaveLength(4);

    const first = await collect(rig, started.pending, false);
    expect(byNode(first.results)).toEqual(Object.fromEntries(user.map((n, i) => [n, i === 0 ? 'required' : 'not-required'])));
    expect(await collect(rig, started.pending, false)).toEqual(first);
    // The last collection too, which used to delete every pod it read.
    const final = await collect(rig, started.pending, true);
    expect(final).toEqual(first);
    expect(await collect(rig, started.pending, true)).toEqual(first);
    expect(checkPods(rig)).toEqual(pods);

    // Deleting is the step after, and repeating it changes nothing.
    expect(await deleteChecks(rig, started.pending)).toEqual({ deleted: 4, leftovers: [], undeleted: [] });
    expect(await deleteChecks(rig, started.pending)).toEqual({ deleted: 4, leftovers: [], undeleted: [] });
    expect(rig.sim.cluster.pods(NAMESPACE)).toEqual([]);
  });

  it('also deletes the check pods an earlier run left when it ended during discovery, never the recent ones of another run (a plan beside it)', async () => {
    rig = await startActivityRig(oneNodeNeedsReboot());
    const user = rig.nodes('user');
    const startFor = (runId: string) =>
      startRebootChecks({ ...rig!.base(), runId, pools: ['user'], detector: SENTINEL, namespace: NAMESPACE, image: IMAGE, parallelism: 3 }, rig!.context);
    const EARLIER = '20260105T010000Z-0001';
    const BESIDE = '20260105T030000Z-0002';
    await startFor(EARLIER);
    rig.advance(STALE_CHECK_SECONDS + 1);
    await startFor(BESIDE);
    const ours = await start(rig, SENTINEL);
    rig.advance(10);
    await collect(rig, ours.pending, true);
    const deleted = await deleteChecks(rig, ours.pending);
    expect({ ...deleted, leftovers: [...deleted.leftovers].sort() }).toEqual({ deleted: 8, leftovers: user.map((n) => checkPodName(n, EARLIER)).sort(), undeleted: [] });
    expect(checkPods(rig)).toEqual(user.map((n) => checkPodName(n, BESIDE)).sort());
  });

  it('says "unknown" with the reason for a NotReady node and for a check pod that never runs, never "not required"', async () => {
    const scenario = oneNodeNeedsReboot();
    scenario.faults = { nodesNeverReturn: [{ pool: 'user', index: 2 }, { pool: 'user', index: 3 }] };
    rig = await startActivityRig(scenario);
    const user = rig.nodes('user');
    rig.sim.cluster.rebootNode(user[3]!);
    rig.advance(40); // the node monitor grace: a silent node looks Ready until then

    const started = await start(rig, SENTINEL);
    expect(byNode(started.results)).toEqual({ [user[3]!]: 'unknown: the node is NotReady: its check pod cannot run' });
    expect(started.pending).toHaveLength(3);
    // The node goes down before its check pod started: the pod stays Pending.
    rig.sim.cluster.rebootNode(user[2]!);
    rig.advance(10);
    const collected = await collect(rig, started.pending, false);
    expect(collected.pending).toEqual([user[2]]);
    rig.advance(180);
    const final = await collect(rig, collected.pending, true);
    expect(final.pending).toEqual([]);
    expect(final.results).toHaveLength(1);
    expect(final.results[0]).toMatchObject({ node: user[2], status: 'unknown', reason: expect.stringMatching(/still Pending at the check timeout.*the node is NotReady/) });
    expect(await deleteChecks(rig, started.pending)).toEqual({ deleted: 3, leftovers: [], undeleted: [] });
    expect(rig.sim.cluster.pods(NAMESPACE)).toEqual([]);
  });

  it('keeps a node pending when its check pod cannot be read for a transient error, and reads it at the next collection', async () => {
    const scenario = oneNodeNeedsReboot();
    scenario.faults = { api: [{ resource: 'pods', verb: 'get', status: 500, rate: 1, from: 5, to: 20 }] };
    rig = await startActivityRig(scenario);
    const user = rig.nodes('user');
    const started = await start(rig, SENTINEL);
    rig.advance(10);
    expect(await collect(rig, started.pending, false)).toEqual({ results: [], pending: started.pending });
    await expect(collect(rig, started.pending, true)).rejects.toThrow(/500|Internal/);
    rig.advance(15);
    const collected = await collect(rig, started.pending, false);
    expect(collected.pending).toEqual([]);
    expect(byNode(collected.results)).toEqual(Object.fromEntries(user.map((n, i) => [n, i === 0 ? 'required' : 'not-required'])));
  });

  it('reports a check pod that cannot be created as unknown with the apiserver\'s reason', async () => {
    rig = await startActivityRig(oneNodeNeedsReboot());
    const started = await startRebootChecks({ ...rig.base(), pools: ['user'], detector: SENTINEL, namespace: 'no-such-namespace', image: IMAGE, parallelism: 2 }, rig.context);
    expect(started.pending).toEqual([]);
    expect(started.results).toHaveLength(4);
    for (const r of started.results) expect(r).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/could not be created.*not ?found/i) });
  });
});

describe('the label and condition detectors, and explicit nodes', () => {
  it('reads a node label (any value, or the configured one)', async () => {
    rig = await startActivityRig();
    const [a, b, c] = rig.nodes('user');
    rig.sim.cluster.act(() => {
      for (const [node, value] of [[a, 'true'], [b, 'later']] as const) {
        const n = rig!.sim.cluster.store.get<{ metadata: { labels?: Record<string, string>; name: string } }>('nodes', undefined, node!)!;
        n.metadata.labels = { ...n.metadata.labels, 'example.com/reboot-required': value };
        rig!.sim.cluster.store.touch('nodes', n);
      }
    });
    const anyValue = await start(rig, { kind: 'node-label', key: 'example.com/reboot-required' });
    expect(anyValue.pending).toEqual([]);
    expect(byNode(anyValue.results)).toMatchObject({ [a!]: 'required', [b!]: 'required', [c!]: 'not-required' });
    const exact = await start(rig, { kind: 'node-label', key: 'example.com/reboot-required', value: 'true' });
    expect(byNode(exact.results)).toMatchObject({ [a!]: 'required', [b!]: 'not-required' });
    expect(rig.sim.cluster.pods(NAMESPACE)).toEqual([]);
  });

  it('reads a node condition; an absent or Unknown one is unknown', async () => {
    rig = await startActivityRig();
    const [a, b, c] = rig.nodes('user');
    rig.sim.cluster.act(() => {
      for (const [node, status] of [[a, 'True'], [b, 'False'], [c, 'Unknown']] as const) {
        const n = rig!.sim.cluster.store.get<{ metadata: { name: string }; status: { conditions?: Array<{ type: string; status: string }> } }>('nodes', undefined, node!)!;
        n.status.conditions = [...(n.status.conditions ?? []), { type: 'RebootRequired', status }];
        rig!.sim.cluster.store.touch('nodes', n);
      }
    });
    const result = await start(rig, { kind: 'node-condition', condition: 'RebootRequired' });
    const d = rig.nodes('user')[3]!;
    expect(byNode(result.results)).toEqual({
      [a!]: 'required',
      [b!]: 'not-required',
      [c!]: 'unknown: condition RebootRequired is Unknown',
      [d]: 'unknown: the node reports no RebootRequired condition (is the agent that sets it running?)',
    });
  });

  it('takes explicit nodes as they are, naming the ones not in the pools, and shows who holds a node', async () => {
    rig = await startActivityRig();
    const [a, b] = rig.nodes('user');
    await lockNode({ ...rig.on(b!), instanceId: 'reboot-sim-20260104T020000Z-0000-x' }, rig.context);
    const result = await start(rig, SENTINEL, { nodes: [a!, b!, rig.nodes('system')[0]!, 'aks-user-99999999-vmss00zzzz'] });
    expect(result.results).toEqual([]);
    expect(result.pending).toEqual([]);
    expect(result.nodes.map((n) => n.name)).toEqual([a, b]);
    expect(result.nodes[1]!.inProgressBy).toBe('reboot-sim-20260104T020000Z-0000-x');
    expect(result.unknownNodes).toEqual([rig.nodes('system')[0], 'aks-user-99999999-vmss00zzzz']);
    expect(rig.sim.cluster.pods(NAMESPACE)).toEqual([]);
  });
});
