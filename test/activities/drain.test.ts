// evictPods (one drain pass) and checkGate (pre-drain, recovery) against the simulator: a PDB's
// 429 reported as blocked, DaemonSet pods left in place, emptyDir and unreplicated pods refused
// unless allowed, terminating pods waited for, and the gates on the seed's java-app.
import { afterEach, describe, expect, it } from 'vitest';
import { checkGate } from '../../activities/checkGate';
import type { DrainOptions, EvictPodsResult } from '../../activities/contracts';
import { cordonNode } from '../../activities/cordonNode';
import { evictPods } from '../../activities/evictPods';
import type { Scenario } from '../../local/aks/scenario';
import { NAMESPACE, seedScenario, startActivityRig, type ActivityRig } from './rig';

const KURED_DEFAULTS: DrainOptions = { deleteEmptyDirData: true, force: true, skipWaitForDeleteTimeoutSeconds: 0, implicitBudget: 'rollout' };
const JAVA_APP = { kind: 'Deployment', namespace: 'shop', name: 'java-app' };

let rig: ActivityRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const drainPass = (r: ActivityRig, node: string, drain: DrainOptions = KURED_DEFAULTS): Promise<EvictPodsResult> =>
  evictPods({ ...r.on(node), drain, namespace: NAMESPACE }, r.context);

function podsOn(r: ActivityRig, node: string): string[] {
  return r.sim.cluster.podsOnNode(node).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
}

describe('evictPods', () => {
  it('evicts the java-app pod, leaves the DaemonSet pod, waits for the terminating pod, then reports the node drained', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    await cordonNode(rig.on(node!), rig.context);
    const java = podsOn(rig, node!).find((p) => p.startsWith('shop/java-app-'))!;

    const first = await drainPass(rig, node!);
    expect(first).toMatchObject({ drained: false, evicted: [java], blocked: [], refused: [], errors: [], evictedWorkloads: [JAVA_APP] });
    expect(first.evicted.some((p) => p.startsWith('kube-system/node-agent'))).toBe(false);

    rig.advance(5);
    const second = await drainPass(rig, node!);
    expect(second).toMatchObject({ drained: false, evicted: [], terminating: [java] });
    // A pass that only sees the terminating pod still names its workload (a retried pass loses nothing).
    expect(second.evictedWorkloads).toEqual([JAVA_APP]);

    rig.advance(30);
    const third = await drainPass(rig, node!);
    expect(third).toMatchObject({ drained: true, evicted: [], terminating: [], blocked: [] });
    expect(podsOn(rig, node!).some((p) => p.startsWith('kube-system/node-agent'))).toBe(true);
  });

  it('reports a PodDisruptionBudget refusal (429) as blocked with its message, and evicts nothing else of it', async () => {
    rig = await startActivityRig();
    const [a, b] = rig.nodes('user');
    expect((await drainPass(rig, a!)).evicted).toHaveLength(1);
    const blocked = await drainPass(rig, b!);
    expect(blocked.evicted).toEqual([]);
    expect(blocked.drained).toBe(false);
    expect(blocked.blocked).toHaveLength(1);
    expect(blocked.blocked[0]!.pod).toMatch(/^shop\/java-app-/);
    expect(blocked.blocked[0]!.message).toMatch(/disruption budget.*java-app-pdb/i);
    expect(rig.sim.cluster.podsOnNode(b!).every((p) => !p.metadata.deletionTimestamp)).toBe(true);
  });

  it('a drain held a while names the held workload\'s pods the scheduler cannot place, with its message; before that it reads nothing more', async () => {
    rig = await startActivityRig();
    const [a, b] = rig.nodes('user');
    // a cordoned and drained: java-app's replacement has no node (one per node, required anti-affinity).
    await cordonNode(rig.on(a!), rig.context);
    expect((await drainPass(rig, a!)).evicted).toHaveLength(1);
    rig.advance(2);
    const quiet = await drainPass(rig, b!);
    expect(quiet.blocked[0]!.message).not.toContain('Pending');
    const explained = await evictPods({ ...rig.on(b!), drain: KURED_DEFAULTS, namespace: NAMESPACE, explainHeld: true }, rig.context);
    expect(explained.evicted).toEqual([]);
    expect(explained.blocked).toHaveLength(1);
    expect(explained.blocked[0]!.message).toMatch(/disruption budget.*java-app-pdb.*; 1 pod\(s\) Pending, unschedulable: shop\/java-app-\S+ \(0\/\d+ nodes are available: .*\)$/i);
  });

  it('a held drain whose explanation cannot be read keeps the apiserver\'s messages and still reports the pass', async () => {
    const scenario = seedScenario();
    // Only the namespaced pod lists fail: the drain's own list of the node's pods is cluster-wide.
    scenario.faults = { api: [{ resource: 'pods', verb: 'list', namespace: 'shop', status: 500 }] };
    rig = await startActivityRig(scenario);
    const r = rig;
    r.deps.sleep = async (ms) => { r.advance(ms / 1000); };
    const [a, b] = r.nodes('user');
    await cordonNode(r.on(a!), r.context);
    expect((await drainPass(r, a!)).evicted).toHaveLength(1);
    const explained = await evictPods({ ...r.on(b!), drain: KURED_DEFAULTS, namespace: NAMESPACE, explainHeld: true }, r.context);
    expect(explained.blocked).toHaveLength(1);
    expect(explained.blocked[0]!.message).toMatch(/disruption budget.*java-app-pdb/i);
    expect(explained.blocked[0]!.message).not.toContain('Pending');
    expect(r.sim.recorder.summary().apiRequests.kube.errors).toBeGreaterThan(0);
  });

  it('evicts a workload without a PDB one pod at a time (its implicit budget), holding the rest until a replacement is Ready; all at once when off', async () => {
    const scenario: Scenario = seedScenario();
    // Three replicas of web on one node: every other node is cordoned as the cluster starts;
    // the system nodes are uncordoned before the drain, so web's replacements have somewhere to go.
    scenario.cordoned = [...[1, 2, 3].map((index) => ({ pool: 'user', index })), ...[0, 1].map((index) => ({ pool: 'system', index }))];
    scenario.workloads!.push({ name: 'web', kind: 'Deployment', namespace: 'shop', replicas: 3, startupSeconds: 10, graceSeconds: 5 });
    rig = await startActivityRig(scenario);
    const [node] = rig.nodes('user');
    const web = () => podsOn(rig!, node!).filter((p) => p.startsWith('shop/web-'));
    expect(web()).toHaveLength(3);
    for (const n of rig.nodes('system')) rig.sim.cluster.uncordon(n);
    await cordonNode(rig.on(node!), rig.context);

    const first = await drainPass(rig, node!);
    const firstWeb = first.evicted.filter((p) => p.startsWith('shop/web-'));
    expect(firstWeb).toHaveLength(1);
    expect(first.blocked.filter((b) => b.pod.startsWith('shop/web-')).map((b) => b.message)).toEqual(Array(2).fill(
      'Deployment shop/web has no PDB: its rolling update allows 1 unavailable at once and 1 is; waiting for replacements to be Ready before evicting more (REBOOT_IMPLICIT_BUDGET=rollout)',
    ));
    rig.advance(5);
    expect((await drainPass(rig, node!)).evicted.filter((p) => p.startsWith('shop/web-'))).toEqual([]);
    rig.advance(20);
    const next = await drainPass(rig, node!);
    expect(next.evicted.filter((p) => p.startsWith('shop/web-'))).toHaveLength(1);
    expect(rig.sim.cluster.workloadReadiness('shop', 'web').ready).toBeGreaterThanOrEqual(2);

    // The second replacement is not Ready yet: the budget holds the last pod; off does not.
    expect((await drainPass(rig, node!)).blocked.filter((b) => b.pod.startsWith('shop/web-'))).toHaveLength(1);
    const all = await drainPass(rig, node!, { ...KURED_DEFAULTS, implicitBudget: 'off' });
    expect(all.evicted.filter((p) => p.startsWith('shop/web-'))).toHaveLength(1);
    expect(all.blocked.filter((b) => b.pod.startsWith('shop/web-'))).toEqual([]);
  });

  it('refuses a node with an emptyDir pod unless REBOOT_DRAIN_DELETE_EMPTYDIR_DATA, evicting nothing meanwhile', async () => {
    const scenario: Scenario = seedScenario();
    scenario.workloads!.push({ name: 'cache', kind: 'Deployment', namespace: 'shop', replicas: 1, pool: 'user', emptyDir: true, graceSeconds: 5 });
    rig = await startActivityRig(scenario);
    const node = rig.nodes('user').find((n) => podsOn(rig!, n).some((p) => p.startsWith('shop/cache-')))!;
    const cache = podsOn(rig, node).find((p) => p.startsWith('shop/cache-'))!;

    const refused = await drainPass(rig, node, { ...KURED_DEFAULTS, deleteEmptyDirData: false });
    expect(refused.evicted).toEqual([]);
    expect(refused.refused).toEqual([{ pod: cache, reason: 'local-storage', message: expect.stringMatching(/emptyDir volumes \(scratch\).*REBOOT_DRAIN_DELETE_EMPTYDIR_DATA=true/) }]);
    expect(rig.sim.cluster.podsOnNode(node).every((p) => !p.metadata.deletionTimestamp)).toBe(true);

    const allowed = await drainPass(rig, node);
    expect(allowed.refused).toEqual([]);
    expect(allowed.evicted).toContain(cache);
    expect(allowed.warnings.join('\n')).toMatch(/local storage.*shop\/cache-/);
  });

  it('refuses an unreplicated pod unless REBOOT_DRAIN_FORCE, and never touches our helper namespace', async () => {
    const scenario: Scenario = seedScenario();
    scenario.workloads!.push({ name: 'debug-shell', kind: 'Pod', namespace: 'shop', node: { pool: 'user', index: 2 } });
    scenario.workloads!.push({ name: 'helper', kind: 'Pod', namespace: NAMESPACE, node: { pool: 'user', index: 2 } });
    rig = await startActivityRig(scenario);
    const node = rig.nodes('user')[2]!;
    const refused = await drainPass(rig, node, { ...KURED_DEFAULTS, force: false });
    expect(refused.refused.map((r) => [r.pod, r.reason])).toEqual([['shop/debug-shell', 'unreplicated']]);
    const forced = await drainPass(rig, node);
    expect(forced.evicted).toHaveLength(2);
    expect(forced.evicted).toContain('shop/debug-shell');
    expect(forced.evicted.some((p) => p.startsWith('shop/java-app-'))).toBe(true);
    expect(forced.evicted.some((p) => p.startsWith(`${NAMESPACE}/`))).toBe(false);
    expect(forced.evictedWorkloads).toEqual([JAVA_APP]);
  });
});

describe('checkGate', () => {
  it('pre-drain: open while every workload can lose a pod, closed once another node took java-app\'s budget', async () => {
    rig = await startActivityRig();
    const [a, b] = rig.nodes('user');
    expect(await checkGate({ ...rig.on(a!), gate: 'pre-drain', namespace: NAMESPACE }, rig.context)).toEqual({ ok: true });
    await cordonNode(rig.on(a!), rig.context);
    await drainPass(rig, a!);
    rig.advance(2); // the Deployment controller's queue (controllerDelaySeconds) updates its status
    const closed = await checkGate({ ...rig.on(b!), gate: 'pre-drain', namespace: NAMESPACE }, rig.context);
    expect(closed.ok).toBe(false);
    expect(!closed.ok && closed.reasons.join('\n')).toMatch(/java-app-pdb allows no disruption now/);
    expect(!closed.ok && closed.reasons.join('\n')).toMatch(/Deployment shop\/java-app: 3\/4 available/);
    // Why it is short, from the pods the gate read anyway: the replacement has no node to go to.
    expect(!closed.ok && closed.reasons.join('\n')).toMatch(/Deployment shop\/java-app: .*; 1 pod\(s\) Pending, unschedulable: shop\/java-app-\S+ \(0\/\d+ nodes are available: .*\)/);
    // The evicted replica waits for its own node (one per node): Ready no sooner than its
    // readiness delay (240 s) from now, when the gate's wait looks next (ADR 0025).
    const at = Date.parse(rig.base().at);
    expect(!closed.ok && closed.expectedOpenAt && (Date.parse(closed.expectedOpenAt) - at) / 1000).toBe(240);
  });

  it('pre-drain: closed on status that lags pods all Ready elsewhere, it expects to open at once (the wait looks fast)', async () => {
    rig = await startActivityRig();
    const [a, b] = rig.nodes('user');
    await cordonNode(rig.on(a!), rig.context);
    await drainPass(rig, a!);
    rig.advance(35);
    expect((await drainPass(rig, a!)).drained).toBe(true);
    rig.sim.cluster.uncordon(a!);
    const javaOnA = () => rig!.sim.cluster.podsOnNode(a!).find((p) => p.metadata.name?.startsWith('java-app-'));
    const ready = () => javaOnA()?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    // The second the replica turns Ready, before the Deployment and disruption controllers' next sync.
    for (let s = 0; s < 400 && !ready(); s++) rig.advance(1);
    expect(ready()).toBe(true);
    const lagging = await checkGate({ ...rig.on(b!), gate: 'pre-drain', namespace: NAMESPACE }, rig.context);
    expect(lagging.ok).toBe(false);
    const at = Date.parse(rig.base().at);
    expect(!lagging.ok && lagging.expectedOpenAt !== undefined && Date.parse(lagging.expectedOpenAt) <= at).toBe(true);
    rig.advance(5);
    expect(await checkGate({ ...rig.on(b!), gate: 'pre-drain', namespace: NAMESPACE }, rig.context)).toEqual({ ok: true });
  });

  it('recovery: closed until the evicted replica is Ready again wherever it runs, then open', async () => {
    rig = await startActivityRig();
    const [a] = rig.nodes('user');
    await cordonNode(rig.on(a!), rig.context);
    const pass = await drainPass(rig, a!);
    rig.advance(35);
    expect((await drainPass(rig, a!)).drained).toBe(true);
    rig.sim.cluster.uncordon(a!);
    const recovery = { ...rig.on(a!), gate: 'recovery' as const, namespace: NAMESPACE, evicted: pass.evictedWorkloads };

    rig.advance(60);
    const waiting = await checkGate({ ...recovery, at: rig.base().at }, rig.context);
    expect(waiting.ok).toBe(false);
    expect(!waiting.ok && waiting.reasons.join('\n')).toMatch(/java-app.*not Ready yet|Deployment shop\/java-app: 3\/4 available/);

    rig.advance(240);
    expect(await checkGate({ ...recovery, at: rig.base().at }, rig.context)).toEqual({ ok: true });
  });
});
