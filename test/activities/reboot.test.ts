// startReboot / getCommandResult / getNodeStatus / releaseNode against the simulator: the
// run-command reboot seen as a new boot id, a repeated start that never reboots twice, kubectl's
// AlreadyExists as success, a Failed run-command with its reason, the pod method, a re-issue
// after an ignored reboot, and the helper pod deleted once the node is back.
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult, NodeStatus, StartRebootResult } from '../../activities/contracts';
import { getCommandResult } from '../../activities/getCommandResult';
import { getNodeStatus } from '../../activities/getNodeStatus';
import { lockNode } from '../../activities/lockNode';
import { IN_PROGRESS_ANNOTATION } from '../../activities/nodeState';
import { releaseNode } from '../../activities/releaseNode';
import { startReboot } from '../../activities/startReboot';
import { rebootHelperName } from '../../core/helperPods';
import type { Scenario } from '../../local/aks/scenario';
import { IMAGE, NAMESPACE, seedScenario, startActivityRig, type ActivityRig } from './rig';

const INSTANCE = 'reboot-sim-20260105T020000Z-ab12-node';

let rig: ActivityRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

async function locked(r: ActivityRig, node: string): Promise<string> {
  const lock = await lockNode({ ...r.on(node), instanceId: INSTANCE }, r.context);
  if (!lock.locked) throw new Error(`could not lock ${node}`);
  return lock.bootId;
}

const send = (r: ActivityRig, node: string, bootId: string, method: 'run-command' | 'pod' = 'run-command', reissue = false): Promise<StartRebootResult> =>
  startReboot({ ...r.on(node), method, namespace: NAMESPACE, image: IMAGE, bootId, instanceId: INSTANCE, ...(reissue && { reissue }) }, r.context);

async function commandOutcome(r: ActivityRig, commandId: string): Promise<CommandResult> {
  let outcome: CommandResult = { state: 'running' };
  await r.advanceUntil(async () => {
    outcome = await getCommandResult({ ...r.base(), commandId }, r.context);
    return outcome.state !== 'running';
  }, { stepSeconds: 5, maxSeconds: 300 });
  return outcome;
}

async function backOnNewBoot(r: ActivityRig, node: string, bootId: string): Promise<NodeStatus> {
  let status: NodeStatus = { exists: false };
  await r.advanceUntil(async () => {
    status = await getNodeStatus(r.on(node), r.context);
    return status.exists && status.bootId !== bootId && status.ready;
  }, { stepSeconds: 10, maxSeconds: 900 });
  return status;
}

const rebootCount = (r: ActivityRig, node: string) => r.sim.cluster.nodeRuntime(node)!.rebootCount;
const runCommands = (r: ActivityRig) => r.sim.recorder.summary().apiRequests.arm.byVerbAndResource?.['POST managedClusters.runCommand'] ?? 0;

describe('startReboot with run-command', () => {
  it('records the intent, sends the helper, and the node comes back on a new boot id; a repeat never reboots again', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    const bootId = await locked(rig, node!);

    const sent = await send(rig, node!, bootId);
    expect(sent).toEqual({ sent: true, helperPod: rebootHelperName(node!, bootId), alreadyExisted: false, commandId: expect.any(String) });
    const intent = JSON.parse(rig.sim.cluster.node(node!)!.metadata.annotations![IN_PROGRESS_ANNOTATION]!);
    expect(intent).toMatchObject({ bootId, rebootIssuedAt: expect.any(String) });

    const result = await commandOutcome(rig, sent.sent ? sent.commandId! : '');
    expect(result).toMatchObject({ state: 'succeeded', exitCode: 0, logs: expect.stringContaining(`pod/${rebootHelperName(node!, bootId)} created`) });

    const back = await backOnNewBoot(rig, node!, bootId);
    expect(back).toMatchObject({ exists: true, ready: true, bootId: expect.not.stringMatching(bootId) });
    expect(rebootCount(rig, node!)).toBe(1);

    // The orchestrator's retry or replay after the reboot: reported as done, nothing sent.
    const again = await send(rig, node!, bootId);
    expect(again).toEqual({ sent: true, helperPod: rebootHelperName(node!, bootId), alreadyExisted: true });
    rig.advance(300);
    expect(rebootCount(rig, node!)).toBe(1);

    const released = await releaseNode({ ...rig.on(node!), instanceId: INSTANCE, namespace: NAMESPACE, postLabels: {}, taintKey: '' }, rig.context);
    expect(released.deletedHelperPods).toEqual([rebootHelperName(node!, bootId)]);
  });

  it('takes kubectl\'s AlreadyExists from a second command as success, and reboots once', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    const bootId = await locked(rig, node!);
    const first = await send(rig, node!, bootId);
    const second = await send(rig, node!, bootId);
    expect(second).toMatchObject({ sent: true, alreadyExisted: false, commandId: expect.any(String) });
    const [a, b] = [await commandOutcome(rig, first.sent ? first.commandId! : ''), await commandOutcome(rig, second.sent ? second.commandId! : '')];
    const outcomes = [a, b].map((o) => o.state);
    expect(outcomes).toEqual(['succeeded', 'succeeded']);
    expect([a, b].some((o) => o.state === 'succeeded' && /AlreadyExists/.test(o.logs))).toBe(true);
    await backOnNewBoot(rig, node!, bootId);
    expect(rebootCount(rig, node!)).toBe(1);
  });

  it('does not send a second command while the helper pod exists', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    const bootId = await locked(rig, node!);
    const first = await send(rig, node!, bootId, 'pod');
    expect(first).toMatchObject({ sent: true, alreadyExisted: false });
    const before = runCommands(rig);
    expect(before).toBe(0);
    await send(rig, rig.nodes('user')[1]!, await locked(rig, rig.nodes('user')[1]!));
    expect(runCommands(rig)).toBe(1);
    expect(await send(rig, node!, bootId)).toEqual({ sent: true, helperPod: rebootHelperName(node!, bootId), alreadyExisted: true });
    expect(runCommands(rig)).toBe(1);
  });

  it('surfaces a Failed run-command with its reason; the re-sent one reboots the node', async () => {
    const scenario: Scenario = seedScenario();
    scenario.faults = { runCommandFailures: [{ count: 1, reason: 'CommandPodStartFailed: the command pod could not be scheduled', exitCode: 1 }] };
    rig = await startActivityRig(scenario);
    const [node] = rig.nodes('user');
    const bootId = await locked(rig, node!);
    const sent = await send(rig, node!, bootId);
    const failed = await commandOutcome(rig, sent.sent ? sent.commandId! : '');
    expect(failed).toMatchObject({ state: 'failed', reason: 'CommandPodStartFailed: the command pod could not be scheduled' });
    expect((await getNodeStatus(rig.on(node!), rig.context))).toMatchObject({ bootId });

    const resent = await send(rig, node!, bootId, 'run-command', true);
    expect(await commandOutcome(rig, resent.sent ? resent.commandId! : '')).toMatchObject({ state: 'succeeded' });
    await backOnNewBoot(rig, node!, bootId);
    expect(rebootCount(rig, node!)).toBe(1);
  });

  it.each([
    ['armError', { state: 'not-run', reason: expect.stringMatching(/^KubernetesPerformanceError: .*did not start within 30s/) }],
    ['notFound', { state: 'lost', reason: expect.stringContaining('404') }],
  ] as const)('an AKS %s is a final answer, not an error to retry; Kubernetes then shows no helper', async (shape, expected) => {
    const scenario: Scenario = seedScenario();
    scenario.faults = { runCommandFailures: [{ shape, count: 1 }] };
    rig = await startActivityRig(scenario);
    const [node] = rig.nodes('user');
    const bootId = await locked(rig, node!);
    const sent = await send(rig, node!, bootId);
    expect(await commandOutcome(rig, sent.sent ? sent.commandId! : '')).toEqual(expected);
    expect(await getNodeStatus({ ...rig.on(node!), helper: { namespace: NAMESPACE, bootId } }, rig.context)).toMatchObject({
      bootId, helper: { exists: false, name: rebootHelperName(node!, bootId) },
    });
  });

  it('names kubectl\'s own error when the command ran and failed', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    const bootId = await locked(rig, node!);
    const sent = await startReboot({ ...rig.on(node!), method: 'run-command', namespace: 'no-such-namespace', image: IMAGE, bootId, instanceId: INSTANCE }, rig.context);
    const failed = await commandOutcome(rig, sent.sent ? sent.commandId! : '');
    expect(failed).toMatchObject({ state: 'failed', exitCode: 1, reason: expect.stringMatching(/exit code 1: Error from server \(NotFound\).*no-such-namespace/) });
    expect(rebootCount(rig, node!)).toBe(0);
  });

  it('refuses a node this instance does not hold', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    const bootId = rig.sim.cluster.node(node!)!.status.nodeInfo!.bootID!;
    const result = await send(rig, node!, bootId);
    expect(result).toEqual({ sent: false, reason: expect.stringMatching(/not locked by this instance/) });
  });
});

describe('startReboot with the pod method', () => {
  it('creates the helper through the API; after an ignored reboot a re-issue replaces the finished helper and reboots', async () => {
    const scenario: Scenario = seedScenario();
    scenario.faults = { rebootsIgnored: [{ node: { pool: 'user', index: 0 }, times: 1 }] };
    rig = await startActivityRig(scenario);
    const node = rig.nodes('user')[0]!;
    const bootId = await locked(rig, node);
    const name = rebootHelperName(node, bootId);

    expect(await send(rig, node, bootId, 'pod')).toEqual({ sent: true, helperPod: name, alreadyExisted: false });
    rig.advance(60);
    expect(await getNodeStatus(rig.on(node), rig.context)).toMatchObject({ bootId, ready: true });
    expect(rig.sim.cluster.pod(NAMESPACE, name)?.status.phase).toBe('Succeeded');

    // Without reissue the finished helper counts as sent; with it, a new helper runs.
    expect(await send(rig, node, bootId, 'pod')).toMatchObject({ sent: true, alreadyExisted: true });
    expect(await send(rig, node, bootId, 'pod', true)).toEqual({ sent: true, helperPod: name, alreadyExisted: false });
    await backOnNewBoot(rig, node, bootId);
    expect(rebootCount(rig, node)).toBe(1);
  });
});
