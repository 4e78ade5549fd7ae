// The reboot the product performs, driven only through the real SDK clients over TLS: the
// reboot helper sent through ARM runCommand (the SDK's own LRO poller, in virtual time), seen
// as a bootID change and Ready again; the boot-id guard; kubectl's answers from the command pod.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { ContainerServiceClient, type RunCommandResult } from '@azure/arm-containerservice';
import { createVirtualClock, type VirtualClock } from '../clock';
import { AKS_SCOPE, startSimulator, whileAdvancing, zipCommandContext, type Simulator } from './index';
import { bundledScenarioPath, loadScenario, scenarioStartMs, type Scenario } from './scenario';
import { REBOOT_HELPER_COMMAND, REBOOT_HELPER_FILE, rebootHelperManifest, rebootHelperName } from './fixtures/rebootHelper';

interface Rig {
  sim: Simulator;
  clock: VirtualClock;
  core: CoreV1Api;
  arm: ContainerServiceClient;
}

async function startRig(edit: (s: Scenario) => void = () => {}): Promise<Rig> {
  const scenario = loadScenario(bundledScenarioPath('seed'));
  edit(scenario);
  const clock = createVirtualClock(scenarioStartMs(scenario));
  const sim = await startSimulator(scenario, clock);
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfigYaml());
  // The SDK still retries a 5xx as it does against Azure, but after 10 ms rather than its default
  // exponential back-off in real seconds (which made each ARM error case take 5 s of waiting).
  const arm = new ContainerServiceClient(sim.credential, sim.subscriptionId, {
    endpoint: sim.armEndpoint,
    tlsOptions: { ca: sim.caPem },
    retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 10 },
  });
  return { sim, clock, core: kc.makeApiClient(CoreV1Api), arm };
}

const bootIdOf = (node: V1Node) => node.status!.nodeInfo!.bootID;
const readyOf = (node: V1Node) => node.status?.conditions?.find((c) => c.type === 'Ready')?.status;

async function runCommand(rig: Rig, command: string, files: Record<string, string>, clusterToken?: string | null): Promise<RunCommandResult> {
  const token = clusterToken === null ? undefined : clusterToken ?? (await rig.sim.credential.getToken(AKS_SCOPE)).token;
  const context = Object.keys(files).length > 0 ? zipCommandContext(files) : undefined;
  return whileAdvancing(rig.clock, rig.arm.managedClusters.beginRunCommandAndWait(
    rig.sim.resourceGroup, rig.sim.clusterName, { command, context, clusterToken: token }, { updateIntervalInMs: 5 },
  ), { stepMs: 1000 });
}

async function advanceUntil(clock: VirtualClock, check: () => Promise<boolean>, stepMs = 5000, maxMs = 30 * 60_000): Promise<number> {
  const start = clock.now();
  while (!(await check())) {
    if (clock.now() - start >= maxMs) throw new Error(`condition not met within ${maxMs / 1000} s of simulator time`);
    clock.advanceTo(clock.now() + stepMs);
  }
  return clock.now() - start;
}

describe('reboot through ARM runCommand, observed through the kube client', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.sim.stop();
  });

  it('creates the helper (pod/<name> created), the node reboots once: new bootID, Ready again; the guard stops a re-run', async () => {
    const node = (await rig.core.listNode({ labelSelector: 'kubernetes.azure.com/agentpool=user' })).items[1]!;
    const name = node.metadata!.name!;
    const before = bootIdOf(node);
    const files = { [REBOOT_HELPER_FILE]: rebootHelperManifest(name, before) };
    const helper = rebootHelperName(name, before);

    const result = await runCommand(rig, REBOOT_HELPER_COMMAND, files);
    expect(result).toMatchObject({ provisioningState: 'Succeeded', exitCode: 0, logs: `pod/${helper} created\n` });
    const pod = await rig.core.readNamespacedPod({ name: helper, namespace: 'aks-reboot-orchestrator' });
    expect(pod.spec).toMatchObject({ nodeName: name, hostPID: true, restartPolicy: 'Never' });

    await advanceUntil(rig.clock, async () => {
      const now = await rig.core.readNode({ name });
      return bootIdOf(now) !== before && readyOf(now) === 'True';
    });
    const after = bootIdOf(await rig.core.readNode({ name }));
    expect(rig.sim.cluster.nodeRuntime(name)?.rebootCount).toBe(1);

    // The same command again: kubectl's AlreadyExists, exit 1, nothing else happens.
    const again = await runCommand(rig, REBOOT_HELPER_COMMAND, files);
    expect(again).toMatchObject({
      provisioningState: 'Succeeded', exitCode: 1,
      logs: `Error from server (AlreadyExists): error when creating "${REBOOT_HELPER_FILE}": pods "${helper}" already exists\n`,
    });

    // The helper re-created after the reboot carries the old boot id: it runs, exits non-zero, and the node does not reboot.
    await rig.core.deleteNamespacedPod({ name: helper, namespace: 'aks-reboot-orchestrator', gracePeriodSeconds: 0 });
    await advanceUntil(rig.clock, async () => (await rig.core.listNamespacedPod({ namespace: 'aks-reboot-orchestrator' })).items.length === 0, 1000);
    expect(await runCommand(rig, REBOOT_HELPER_COMMAND, files)).toMatchObject({ exitCode: 0, logs: `pod/${helper} created\n` });
    await advanceUntil(rig.clock, async () => {
      const phase = (await rig.core.readNamespacedPod({ name: helper, namespace: 'aks-reboot-orchestrator' })).status?.phase;
      return phase === 'Failed' || phase === 'Succeeded';
    }, 1000);
    rig.clock.advanceTo(rig.clock.now() + 10 * 60_000);
    const later = await rig.core.readNode({ name });
    expect(bootIdOf(later)).toBe(after);
    expect(readyOf(later)).toBe('True');
    expect(rig.sim.cluster.nodeRuntime(name)?.rebootCount).toBe(1);
    expect((await rig.core.readNamespacedPod({ name: helper, namespace: 'aks-reboot-orchestrator' })).status?.phase).toBe('Failed');
  });

  it('answers kubectl\'s errors and the shell\'s 127 from the command pod', async () => {
    expect(await runCommand(rig, 'reboot-now --please', {})).toMatchObject({ provisioningState: 'Succeeded', exitCode: 127, logs: '/bin/sh: reboot-now: not found\n' });
    expect(await runCommand(rig, REBOOT_HELPER_COMMAND, {})).toMatchObject({ exitCode: 1, logs: `error: the path "${REBOOT_HELPER_FILE}" does not exist\n` });
    expect(await runCommand(rig, REBOOT_HELPER_COMMAND, { [REBOOT_HELPER_FILE]: 'apiVersion: v1\nmetadata: {name: x}\n' })).toMatchObject({
      exitCode: 1, logs: `error: unable to decode "${REBOOT_HELPER_FILE}": Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"x"}}'\n`,
    });
  });

  it('on an Entra cluster, kubectl in the command pod is Unauthorized without a valid clusterToken', async () => {
    const node = (await rig.core.listNode()).items[0]!;
    const files = { [REBOOT_HELPER_FILE]: rebootHelperManifest(node.metadata!.name!, bootIdOf(node)) };
    const missing = await runCommand(rig, REBOOT_HELPER_COMMAND, files, null);
    expect(missing).toMatchObject({ provisioningState: 'Succeeded', exitCode: 1, logs: expect.stringContaining('error: unable to recognize "reboot-helper.yaml": the server has asked for the client to provide credentials') });
    const armToken = await runCommand(rig, REBOOT_HELPER_COMMAND, files, rig.sim.tokens.mint('arm', 'product').token);
    expect(armToken.exitCode).toBe(1);
    expect((await rig.core.listNamespacedPod({ namespace: 'aks-reboot-orchestrator' })).items).toEqual([]);
  });
});

describe('ARM-side faults through the SDK', () => {
  it('a command pod whose image cannot be pulled does not start within 30 s: KubernetesPerformanceError', async () => {
    const rig = await startRig((s) => { s.faults = { imagePullFailures: [{ image: 'mcr.microsoft.com/oss/azure/aks/command-runtime:v0.0.9' }] }; });
    try {
      await expect(runCommand(rig, 'kubectl version', {})).rejects.toMatchObject({ statusCode: 500, code: 'KubernetesPerformanceError' });
      expect((await rig.core.listNamespacedPod({ namespace: 'aks-command' })).items).toEqual([]);
    } finally {
      await rig.sim.stop();
    }
  });

  it('a scenario run-command failure is provisioningState Failed with its reason; nothing is created', async () => {
    const rig = await startRig((s) => { s.faults = { runCommandFailures: [{ count: 1, reason: 'PodStartTimeout' }] }; });
    try {
      const node = (await rig.core.listNode()).items[0]!;
      const files = { [REBOOT_HELPER_FILE]: rebootHelperManifest(node.metadata!.name!, bootIdOf(node)) };
      expect(await runCommand(rig, REBOOT_HELPER_COMMAND, files)).toMatchObject({ provisioningState: 'Failed', reason: 'PodStartTimeout' });
      expect((await rig.core.listNamespacedPod({ namespace: 'aks-reboot-orchestrator' })).items).toEqual([]);
      expect(await runCommand(rig, REBOOT_HELPER_COMMAND, files)).toMatchObject({ provisioningState: 'Succeeded', exitCode: 0 });
    } finally {
      await rig.sim.stop();
    }
  });

  it('a disabled run-command is refused, and a pool turns Upgrading in its window', async () => {
    const rig = await startRig((s) => {
      s.cluster.disableRunCommand = true;
      s.faults = { poolsUpgrading: [{ pool: 'user', from: 600, to: 1200 }] };
    });
    try {
      await expect(rig.arm.managedClusters.beginRunCommandAndWait(rig.sim.resourceGroup, rig.sim.clusterName, { command: 'kubectl version' }))
        .rejects.toMatchObject({ statusCode: 400, code: 'RunCommandDisabled' });
      const state = async () => (await rig.arm.agentPools.get(rig.sim.resourceGroup, rig.sim.clusterName, 'user')).provisioningState;
      expect(await state()).toBe('Succeeded');
      rig.clock.advanceTo(rig.clock.now() + 600_000);
      expect(await state()).toBe('Upgrading');
      expect((await rig.arm.agentPools.get(rig.sim.resourceGroup, rig.sim.clusterName, 'system')).provisioningState).toBe('Succeeded');
      rig.clock.advanceTo(rig.clock.now() + 600_000);
      expect(await state()).toBe('Succeeded');
      const summary = rig.sim.recorder.summary() as unknown as { apiRequests?: unknown };
      expect(JSON.stringify(summary)).toContain('agentPools.get');
    } finally {
      await rig.sim.stop();
    }
  });

  it('an ARM API fault answers with an ARM error body (and Retry-After), and the recorder counts ARM operations', async () => {
    const rig = await startRig((s) => {
      s.faults = {
        api: [{ surface: 'arm', resource: 'agentPools.list', status: 429, retryAfterSeconds: 7, from: 0, to: 60 }],
        apiOutages: [{ surface: 'arm', from: 120, to: 180 }],
      };
    });
    try {
      const arm = new ContainerServiceClient(rig.sim.credential, rig.sim.subscriptionId, { endpoint: rig.sim.armEndpoint, tlsOptions: { ca: rig.sim.caPem }, retryOptions: { maxRetries: 0 } });
      const list = async () => { for await (const p of arm.agentPools.list(rig.sim.resourceGroup, rig.sim.clusterName)) void p; };
      await expect(list()).rejects.toMatchObject({ statusCode: 429, code: 'TooManyRequests', response: { headers: expect.anything() } });
      expect((await arm.managedClusters.get(rig.sim.resourceGroup, rig.sim.clusterName)).name).toBe(rig.sim.clusterName);
      rig.clock.advanceTo(rig.clock.now() + 60_000);
      await expect(list()).resolves.toBeUndefined();
      rig.clock.advanceTo(rig.clock.now() + 60_000);
      await expect(arm.managedClusters.get(rig.sim.resourceGroup, rig.sim.clusterName)).rejects.toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
      const arms = (rig.sim.recorder.summary() as unknown as { apiRequests: { arm: unknown } }).apiRequests.arm;
      expect(JSON.stringify(arms)).toContain('agentPools.list');
    } finally {
      await rig.sim.stop();
    }
  });

  it('an operation the caller has no role for is 403 AuthorizationFailed naming the action', async () => {
    const scenario = loadScenario(bundledScenarioPath('seed'));
    const clock = createVirtualClock(scenarioStartMs(scenario));
    const sim = await startSimulator(scenario, clock, { armDenied: [{ operation: 'managedClusters.runCommand', client: 'product' }] });
    try {
      const arm = new ContainerServiceClient(sim.credential, sim.subscriptionId, { endpoint: sim.armEndpoint, tlsOptions: { ca: sim.caPem } });
      await expect(arm.managedClusters.beginRunCommandAndWait(sim.resourceGroup, sim.clusterName, { command: 'kubectl version' })).rejects.toMatchObject({
        statusCode: 403, code: 'AuthorizationFailed', message: expect.stringContaining("'Microsoft.ContainerService/managedClusters/runCommand/action'"),
      });
      expect((await arm.managedClusters.get(sim.resourceGroup, sim.clusterName)).name).toBe(sim.clusterName);
      const operator = new ContainerServiceClient(sim.tokens.credential('operator'), sim.subscriptionId, { endpoint: sim.armEndpoint, tlsOptions: { ca: sim.caPem } });
      const result = await whileAdvancing(clock, operator.managedClusters.beginRunCommandAndWait(sim.resourceGroup, sim.clusterName, { command: 'true' }, { updateIntervalInMs: 5 }));
      expect(result).toMatchObject({ provisioningState: 'Succeeded', exitCode: 127 });
    } finally {
      await sim.stop();
    }
  });

  it('runs the command in a pod command-<id> in aks-command, removed when done; with no node to run it, the command ends in KubernetesPerformanceError', async () => {
    const rig = await startRig();
    try {
      const poller = rig.arm.managedClusters.runCommand(rig.sim.resourceGroup, rig.sim.clusterName, { command: 'kubectl version' }, { updateIntervalInMs: 5 });
      await poller.submitted();
      rig.clock.advanceTo(rig.clock.now() + 5_000);
      const running = (await rig.core.listNamespacedPod({ namespace: 'aks-command' })).items;
      expect(running.map((p) => p.metadata!.name)).toEqual([expect.stringMatching(/^command-[0-9a-f]{32}$/)]);
      expect(running[0]!.spec!.nodeName).toBeTruthy();
      await whileAdvancing(rig.clock, poller.pollUntilDone());
      rig.clock.advanceTo(rig.clock.now() + 5_000);
      expect((await rig.core.listNamespacedPod({ namespace: 'aks-command' })).items).toEqual([]);

      for (const node of (await rig.core.listNode()).items) rig.sim.cluster.cordon(node.metadata!.name!);
      // AKS's answer when the command container did not start within 30 s: an ARM error, not a result.
      await expect(runCommand(rig, 'kubectl version', {})).rejects.toMatchObject({
        statusCode: 500,
        code: 'KubernetesPerformanceError',
        message: expect.stringMatching(/container command-[0-9a-f]{32} in aks-command namespace did not start within 30s/),
      });
      expect((await rig.core.listNamespacedPod({ namespace: 'aks-command' })).items).toEqual([]);
    } finally {
      await rig.sim.stop();
    }
  });
});
