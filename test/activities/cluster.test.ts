// The cluster-wide activities against the simulator: the Lease (acquire, renew, expiry, steal
// after the TTL, release), orphan repair, checkBlockers failing closed, the PreferNoSchedule
// taint, the expected terms the scheduler starts nodes by.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBlockers } from '../../activities/checkBlockers';
import { cordonNode } from '../../activities/cordonNode';
import { labelNode } from '../../activities/labelNode';
import { acquireLease, releaseLease, renewLease } from '../../activities/lease';
import { lockNode } from '../../activities/lockNode';
import { IN_PROGRESS_ANNOTATION, SCALE_DOWN_DISABLED_ANNOTATION } from '../../activities/nodeState';
import { repairOrphans } from '../../activities/repairOrphans';
import { scheduleTerms } from '../../activities/scheduleTerms';
import { startReboot } from '../../activities/startReboot';
import { taintCandidates } from '../../activities/taintCandidates';
import { rebootHelperName } from '../../core/helperPods';
import { DS } from '../../local/aks/cluster/resourceNames';
import type { KubeObject } from '../../local/aks/cluster/types';
import { IMAGE, NAMESPACE, RUN_ID, seedScenario, startActivityRig, type ActivityRig } from './rig';

let rig: ActivityRig | undefined;
let server: Server | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe('the cluster Lease', () => {
  it('is taken when free, refused while another run holds it, taken over after its TTL, renewed and released by its holder only', async () => {
    rig = await startActivityRig();
    const lease = (holder: string) => ({ ...rig!.base(), namespace: NAMESPACE, holder, ttlSeconds: 600 });
    const a = 'reboot-sim-20260105T020000Z-ab12';
    const b = 'reboot-sim-20260105T021000Z-cd34';

    expect(await acquireLease(lease(a), rig.context)).toEqual({ held: true, renewedAt: rig.base().at });
    rig.advance(300);
    expect(await acquireLease(lease(b), rig.context)).toEqual({ held: false, holder: a, expiresAt: new Date(rig.clock.now() + 300_000).toISOString() });
    expect(await renewLease(lease(a), rig.context)).toEqual({ held: true, renewedAt: rig.base().at });

    rig.advance(601);
    expect(await acquireLease(lease(b), rig.context)).toMatchObject({ held: true });
    expect(await renewLease(lease(a), rig.context)).toMatchObject({ held: false, holder: b });
    expect(await releaseLease(lease(a), rig.context)).toEqual({ released: false });
    expect(await releaseLease(lease(b), rig.context)).toEqual({ released: true });
    // Released and free: the old holder's renewal takes it again rather than failing a live run.
    expect(await renewLease(lease(a), rig.context)).toEqual({ held: true, renewedAt: rig.base().at });
  });
});

describe('repairOrphans', () => {
  it('restores the nodes a dead run left behind as their annotation recorded, and leaves the current run\'s alone', async () => {
    const scenario = seedScenario();
    scenario.cordoned = [{ pool: 'user', index: 1 }];
    scenario.faults = { nodesNeverReturn: [{ pool: 'user', index: 3 }] };
    rig = await startActivityRig(scenario);
    const [a, b, c] = rig.nodes('user');
    const oldRun = { ...rig.base(), runId: '20260104T020000Z-0000' };
    const oldInstance = (node: string) => `reboot-sim-20260104T020000Z-0000-${node}`;

    for (const node of [a!, b!]) await lockNode({ ...oldRun, node, instanceId: oldInstance(node) }, rig.context);
    await labelNode({ ...oldRun, node: a!, labels: { 'example.com/rebooting': 'yes' } }, rig.context);
    await cordonNode({ ...oldRun, node: a! }, rig.context);
    await taintCandidates({ ...oldRun, nodes: [a!, b!], taintKey: 'example.com/reboot', add: true }, rig.context);
    const bootA = rig.sim.cluster.node(a!)!.status.nodeInfo!.bootID!;
    // The old run sent a's reboot through the pod method before it died; the node rebooted.
    await startReboot({ ...oldRun, node: a!, method: 'pod', namespace: NAMESPACE, image: IMAGE, bootId: bootA, instanceId: oldInstance(a!) }, rig.context);
    rig.advance(200);
    await lockNode({ ...rig.on(c!), instanceId: `reboot-sim-${RUN_ID}-${c}` }, rig.context);

    const result = await repairOrphans({ ...rig.base(), namespace: NAMESPACE, instanceId: `reboot-sim-${RUN_ID}`, preferNoScheduleTaint: 'example.com/reboot' }, rig.context);
    expect(result.repaired.map((r) => [r.node, r.previousInstanceId, r.uncordoned]).sort()).toEqual([[a, oldInstance(a!), true], [b, oldInstance(b!), false]].sort());
    expect(result.repaired.find((r) => r.node === a)!.message).toMatch(/run 20260104T020000Z-0000 stopped .*its reboot \(sent .*\) happened; uncordoned/);
    expect(result.repaired.find((r) => r.node === b)!.message).toMatch(/left cordoned \(it was cordoned before that run\)/);

    const nodeA = rig.sim.cluster.node(a!)!;
    expect(nodeA.spec.unschedulable).toBeFalsy();
    expect(nodeA.metadata.annotations?.[IN_PROGRESS_ANNOTATION]).toBeUndefined();
    expect(nodeA.metadata.annotations?.[SCALE_DOWN_DISABLED_ANNOTATION]).toBeUndefined();
    expect(nodeA.metadata.labels?.['example.com/rebooting']).toBeUndefined();
    expect((nodeA.spec.taints ?? []).some((t) => t.key === 'example.com/reboot')).toBe(false);
    expect(rig.sim.cluster.pod(NAMESPACE, rebootHelperName(a!, bootA))).toBeUndefined();
    expect(rig.sim.cluster.node(b!)!.spec.unschedulable).toBe(true);
    expect(rig.sim.cluster.node(c!)!.metadata.annotations?.[IN_PROGRESS_ANNOTATION]).toContain(RUN_ID);

    // A node whose reboot was sent and that never came back stays for an operator.
    const d = rig.nodes('user')[3]!;
    const bootD = rig.sim.cluster.node(d)!.status.nodeInfo!.bootID!;
    await lockNode({ ...oldRun, node: d, instanceId: oldInstance(d) }, rig.context);
    await cordonNode({ ...oldRun, node: d }, rig.context);
    await startReboot({ ...oldRun, node: d, method: 'pod', namespace: NAMESPACE, image: IMAGE, bootId: bootD, instanceId: oldInstance(d) }, rig.context);
    rig.advance(50); // NotReady once the node monitor grace (40 s) has passed
    expect(await repairOrphans({ ...rig.base(), namespace: NAMESPACE, instanceId: `reboot-sim-${RUN_ID}`, preferNoScheduleTaint: '' }, rig.context)).toEqual({ repaired: [] });
    expect(rig.sim.cluster.node(d)!.spec.unschedulable).toBe(true);
    expect(rig.sim.cluster.node(d)!.metadata.annotations?.[IN_PROGRESS_ANNOTATION]).toContain(oldInstance(d));
    expect(rig.logs.some((l) => l.level === 'warn' && l.fields['node'] === d && /for an operator/.test(l.message))).toBe(true);

    // Nothing left to repair.
    expect(await repairOrphans({ ...rig.base(), namespace: NAMESPACE, instanceId: `reboot-sim-${RUN_ID}`, preferNoScheduleTaint: '' }, rig.context)).toEqual({ repaired: [] });
  });
});

describe('checkBlockers', () => {
  const blockers = (r: ActivityRig, extra: Record<string, unknown> = {}) => checkBlockers({ ...r.base(), blockingPodSelectors: [], ...extra }, r.context);

  it('is clear on a healthy cluster, and blocks on a matching pod, a NotReady node elsewhere and kured\'s lock', async () => {
    const scenario = seedScenario();
    scenario.workloads!.push({ name: 'kured', kind: 'DaemonSet', namespace: 'kube-system' });
    scenario.faults = { nodesNeverReturn: [{ pool: 'user', index: 3 }] };
    rig = await startActivityRig(scenario);
    const [a, , , d] = rig.nodes('user');
    expect(await blockers(rig, { node: a })).toEqual({ blocked: false });

    const selector = await blockers(rig, { node: a, blockingPodSelectors: ['app=nothing', 'app=java-app'] });
    expect(selector).toEqual({ blocked: true, reasons: [expect.stringMatching(/^pods matching blocking selector "app=java-app" on node .*: shop\/java-app-/)] });

    rig.sim.cluster.rebootNode(d!);
    rig.advance(40); // the node monitor grace: a silent node looks Ready until then
    expect(await blockers(rig, { node: a })).toEqual({ blocked: true, reasons: [`node not Ready: ${d}`] });
    expect(await blockers(rig, { node: d })).toEqual({ blocked: false });

    rig.sim.cluster.act(() => {
      const ds = rig!.sim.cluster.store.get<KubeObject>(DS, 'kube-system', 'kured')!;
      ds.metadata.annotations = { 'weave.works/kured-node-lock': JSON.stringify({ nodeID: d, created: rig!.base().at, TTL: 0 }) };
      rig!.sim.cluster.store.touch(DS, ds);
    });
    const kured = await blockers(rig, { node: d });
    expect(kured).toEqual({ blocked: true, reasons: [`kured holds its reboot lock weave.works/kured-node-lock: DaemonSet kube-system/kured (held by ${d})`] });
  });

  it('fails closed: an API outage, a missing Prometheus URL and an unreachable Prometheus all block with the reason', async () => {
    const scenario = seedScenario();
    scenario.faults = { apiOutages: [{ from: 100, to: 200, surface: 'kube' }] };
    rig = await startActivityRig(scenario);
    const [a] = rig.nodes('user');
    const alerts = { matchOnly: false, firingOnly: false };
    const noUrl = await blockers(rig, { node: a, alerts });
    expect(noUrl).toEqual({ blocked: true, reasons: ['the alert blocker is on but REBOOT_PROMETHEUS_URL is not set in this app'] });

    rig.advance(150);
    const outage = await blockers(rig, { node: a, blockingPodSelectors: ['app=x'] });
    expect(outage.blocked).toBe(true);
    const reasons = outage.blocked ? outage.reasons.join('\n') : '';
    expect(reasons).toMatch(/could not list nodes: .*503/);
    expect(reasons).toMatch(/could not read kured's DaemonSets/);
    expect(reasons).toMatch(/could not list pods on node/);

    await rig.stop();
    rig = await startActivityRig(seedScenario(), { REBOOT_PROMETHEUS_URL: 'http://127.0.0.1:9/' });
    const unreachable = await blockers(rig, { alerts });
    expect(unreachable).toEqual({ blocked: true, reasons: [expect.stringMatching(/^could not query Prometheus alerts: http:\/\/127\.0\.0\.1:9/)] });
  });

  it('blocks on firing Prometheus alerts with kured\'s filters', async () => {
    const samples = [
      { metric: { __name__: 'ALERTS', alertname: 'KubeNodeNotReady', alertstate: 'firing' }, value: [0, '1'] },
      { metric: { __name__: 'ALERTS', alertname: 'Watchdog', alertstate: 'firing' }, value: [0, '1'] },
      { metric: { __name__: 'ALERTS', alertname: 'DiskFilling', alertstate: 'pending' }, value: [0, '1'] },
    ];
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: samples } }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    rig = await startActivityRig(seedScenario(), { REBOOT_PROMETHEUS_URL: `http://127.0.0.1:${port}` });
    expect(await blockers(rig, { alerts: { filterRegexp: '^Watchdog$', matchOnly: false, firingOnly: true } }))
      .toEqual({ blocked: true, reasons: ['1 active Prometheus alert: KubeNodeNotReady'] });
    expect(await blockers(rig, { alerts: { filterRegexp: '^Watchdog$', matchOnly: false, firingOnly: false } }))
      .toEqual({ blocked: true, reasons: ['2 active Prometheus alerts: DiskFilling, KubeNodeNotReady'] });
    expect(await blockers(rig, { alerts: { filterRegexp: 'Nothing', matchOnly: true, firingOnly: false } })).toEqual({ blocked: false });
  });
});

describe('taintCandidates and scheduleTerms', () => {
  it('puts the PreferNoSchedule taint on and off, idempotently', async () => {
    rig = await startActivityRig();
    const nodes = rig.nodes('user');
    const taint = { ...rig.base(), nodes, taintKey: 'weave.works/kured-node-reboot' };
    expect((await taintCandidates({ ...taint, add: true }, rig.context)).changed.sort()).toEqual([...nodes].sort());
    expect(await taintCandidates({ ...taint, add: true }, rig.context)).toEqual({ changed: [] });
    expect(rig.sim.cluster.node(nodes[0]!)!.spec.taints).toContainEqual(expect.objectContaining({ key: 'weave.works/kured-node-reboot', effect: 'PreferNoSchedule' }));
    expect((await taintCandidates({ ...taint, add: false }, rig.context)).changed).toHaveLength(nodes.length);
    expect(rig.sim.cluster.node(nodes[0]!)!.spec.taints ?? []).toEqual([]);
  });

  it('reads the expected terms of each candidate: the workloads its drain disrupts, their PDB budgets, whether it is a system node', async () => {
    rig = await startActivityRig();
    const planned = (nodes: string[]) => nodes.map((n) => {
      const node = rig!.sim.cluster.node(n)!;
      return { node: n, pool: node.metadata.labels!['kubernetes.azure.com/agentpool']!, zone: node.metadata.labels!['topology.kubernetes.io/zone']! };
    });
    const user = planned(rig.nodes('user'))[0]!;
    const system = planned(rig.nodes('system'))[0]!;
    const gone = { node: 'aks-user-34845411-vmss00000z', pool: 'user', zone: 'westeurope-1' };
    const terms = await scheduleTerms({ ...rig.base(), candidates: [user, gone, system] }, rig.context);
    // java-app's PDB (minAvailable 3 of 4) and coredns' (maxUnavailable 1) allow one pod each.
    expect(terms.budgets).toEqual({ 'PDB shop/java-app-pdb': 1, 'PDB kube-system/coredns-pdb': 1 });
    // A candidate that no longer exists is left out; the DaemonSet's pods stay, so they are no term.
    expect(terms.nodes.map((n) => n.name)).toEqual([user.node, system.node]);
    // d_n = the longest grace period among drained pods (30 s) + run-command's start (20 s) + a typical reboot (120 s).
    expect(terms.nodes[0]).toMatchObject({ zone: user.zone, system: false, disruptionSeconds: 170, workloads: [{ workload: 'PDB shop/java-app-pdb', pods: 1 }] });
    expect(terms.nodes[1]).toMatchObject({ zone: system.zone, system: true, disruptionSeconds: 170, workloads: [expect.objectContaining({ workload: 'PDB kube-system/coredns-pdb', pods: 1 })] });
  });
});
