// adapters/azure against the AKS simulator through the real @azure/arm-containerservice client
// (TLS, bearer policy on): cluster facts, pools, credentials, and a reboot through run-command
// started without waiting, then polled on virtual time until the node shows a new boot id.

import { describe, expect, it } from 'vitest';
import { buildRebootRunCommand } from '../../core/helperPods';
import { AzureRequestError, TransientError } from '../../adapters/azure';
import { createKubeClientProvider } from '../../adapters/kube';
import { HELPER_NAMESPACE, seedScenario, rigPerTest, type Rig } from './simulatorRig';

const RUN_ID = '20260105T020000Z-ab12';
const IMAGE = 'mcr.microsoft.com/azurelinux/busybox:1.36';

const startRig = rigPerTest();

/** Polls `read` every `stepSeconds` of virtual time until `done`, at most `maxSteps` times. */
async function pollVirtual<T>(r: Rig, read: () => Promise<T>, done: (value: T) => boolean, stepSeconds: number, maxSteps: number): Promise<{ value: T; polls: number }> {
  for (let polls = 1; polls <= maxSteps; polls++) {
    const value = await read();
    if (done(value)) return { value, polls };
    r.advance(stepSeconds);
  }
  throw new Error(`condition not met after ${maxSteps} polls of ${stepSeconds}s`);
}

describe('AksArm against the simulator', () => {
  it('reads the cluster facts we use and the agent pools', async () => {
    const rig = await startRig();
    const cluster = await rig.aks.getCluster();
    expect(cluster).toMatchObject({
      name: 'aks-shop-prod', resourceGroup: 'rg-shop-prod', kubernetesVersion: '1.32.4',
      entraEnabled: true, disableRunCommand: false, nodeOsUpgradeChannel: 'Unmanaged',
    });
    expect(cluster.nodeResourceGroup).toMatch(/^MC_rg-shop-prod_aks-shop-prod_/);
    const pools = await rig.aks.listAgentPools();
    expect(pools.map((p) => [p.name, p.mode, p.osType, p.count, p.provisioningState, p.powerState, p.scaleSetPriority, p.availabilityZones])).toEqual([
      ['system', 'System', 'Linux', 2, 'Succeeded', 'Running', 'Regular', ['1', '2', '3']],
      ['user', 'User', 'Linux', 4, 'Succeeded', 'Running', 'Regular', ['1', '2', '3']],
    ]);
    expect(pools[0]!.nodeImageVersion).toMatch(/^AKSUbuntu/);
  });

  it('reads every page of agent pools and reports Spot, Windows and stopped pools as they are', async () => {
    const scenario = seedScenario();
    scenario.pools.push(
      { name: 'spot', mode: 'User', count: 1, priority: 'Spot' },
      { name: 'win', mode: 'User', count: 1, osType: 'Windows' },
      { name: 'idle', mode: 'User', count: 0, powerState: 'Stopped' },
    );
    const rig = await startRig(scenario, { poolPageSize: 2 });
    const pools = await rig.aks.listAgentPools();
    expect(pools.map((p) => `${p.name}:${p.osType}:${p.scaleSetPriority}:${p.powerState}`)).toEqual([
      'system:Linux:Regular:Running', 'user:Linux:Regular:Running', 'spot:Linux:Spot:Running', 'win:Windows:Regular:Running', 'idle:Linux:Regular:Stopped',
    ]);
    expect(rig.sim.recorder.summary().apiRequests.arm.byResource['agentPools.list']).toBe(3);
  });

  it('returns the user kubeconfig as server and CA, leaving the kubelogin user alone', async () => {
    const rig = await startRig();
    const credentials = await rig.aks.listClusterUserCredentials();
    expect(credentials).toEqual({ server: rig.sim.kubeEndpoint, caPem: rig.sim.caPem, userKind: 'exec' });
  });

  it('signs the kube client in with the user kubeconfig and our token; the admin kubeconfig only when asked', async () => {
    const rig = await startRig();
    await rig.kube.listNodes('user');
    const arm = rig.sim.recorder.summary().apiRequests.arm.byResource;
    expect(arm['managedClusters.listClusterUserCredentials']).toBe(1);
    expect(Object.keys(arm).filter((op) => /admin/i.test(op))).toEqual([]);

    // Asked for, the admin kubeconfig (the local admin's client certificate) signs the client in instead.
    const admin = createKubeClientProvider({ arm: rig.armProvider, useAdminCredentials: ['seed', 'other'], now: () => rig.clock.now() });
    expect(await (await admin.forCluster({ ...rig.cluster, alias: 'seed' })).listNodes('user')).toHaveLength(4);
    expect(rig.sim.recorder.summary().apiRequests.arm.byResource['managedClusters.listClusterAdminCredentials']).toBe(1);
    expect(admin.tokensFor(rig.cluster)).toBeUndefined();
    await admin.close();
  });

  it('signs in with the user kubeconfig\'s client certificate on a cluster without Entra ID, where an Entra token is refused', async () => {
    const scenario = seedScenario();
    scenario.cluster.entraEnabled = false;
    const rig = await startRig(scenario);
    expect(await rig.kube.listNodes('user')).toHaveLength(4);
    expect(rig.kubeProvider.tokensFor(rig.cluster)).toBeUndefined();
    expect(rig.sim.recorder.requests().filter((r) => r.surface === 'kube').every((r) => r.client === 'masterclient')).toBe(true);
  });

  it('fails before any kube call when admin credentials are asked for where local accounts are disabled, naming the cluster and the fix', async () => {
    const scenario = seedScenario();
    scenario.cluster.disableLocalAccounts = true;
    const rig = await startRig(scenario);
    const admin = createKubeClientProvider({ arm: rig.armProvider, useAdminCredentials: true, now: () => rig.clock.now() });
    await expect(admin.forCluster({ ...rig.cluster, alias: 'seed' })).rejects.toThrow(
      'cluster seed (rg-shop-prod/aks-shop-prod) has local accounts disabled (disableLocalAccounts), so AKS refuses its admin credentials: leave seed out of REBOOT_USE_ADMIN_CREDENTIALS');
    expect(rig.sim.recorder.summary().apiRequests.arm.byResource['managedClusters.listClusterAdminCredentials']).toBeUndefined();
    await admin.close();
  });

  it('starts the reboot helper through run-command without waiting, and the node comes back with a new boot id', async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    const request = buildRebootRunCommand({ namespace: HELPER_NAMESPACE, image: IMAGE, node: node!.name, runId: RUN_ID, bootId: node!.bootId });
    const startedAt = rig.clock.now();
    const { commandId } = await rig.aks.startCommand(request);
    expect(commandId).toMatch(/^[\w-]+$/);
    // Nothing advanced the clock: the start did not wait for the 20 s command pod start.
    expect(rig.clock.now()).toBe(startedAt);
    expect(await rig.aks.getCommandResult(commandId)).toEqual({ state: 'running' });

    const result = await pollVirtual(rig, () => rig.aks.getCommandResult(commandId), (r) => r.state !== 'running', 5, 20);
    expect(result.polls).toBeGreaterThan(2);
    expect(result.value).toMatchObject({ state: 'succeeded', exitCode: 0 });
    expect(result.value.state === 'succeeded' && result.value.logs).toContain(`pod/arc-reboot-${node!.name}-${node!.bootId.slice(0, 8)} created`);

    const back = await pollVirtual(rig, () => rig.kube.getNode(node!.name), (n) => !!n && n.bootId !== node!.bootId && n.ready, 10, 60);
    expect(back.value!.bootId).not.toBe(node!.bootId);
    const reboots = rig.sim.recorder.summary().nodes.reboots.find((r) => r.node === node!.name)!;
    expect(reboots.rebootCount).toBe(1);
  });

  it('surfaces a Failed run-command with its reason and exit code', async () => {
    const scenario = seedScenario();
    scenario.faults = { runCommandFailures: [{ count: 1, exitCode: 2, reason: 'CommandPodNotScheduled: the command pod could not be scheduled' }] };
    const rig = await startRig(scenario);
    const [node] = await rig.kube.listNodes('user');
    const { commandId } = await rig.aks.startCommand(buildRebootRunCommand({ namespace: HELPER_NAMESPACE, image: IMAGE, node: node!.name, runId: RUN_ID, bootId: node!.bootId }));
    const result = await pollVirtual(rig, () => rig.aks.getCommandResult(commandId), (r) => r.state !== 'running', 5, 20);
    expect(result.value).toMatchObject({ state: 'failed', provisioningState: 'Failed', exitCode: 2, reason: 'CommandPodNotScheduled: the command pod could not be scheduled' });
  });

  it('runs the command with our Entra clusterToken: a token that lapses before the command pod starts fails it', async () => {
    // Tokens valid 10 s; the command pod starts 20 s after the request, when kubectl signs in with the clusterToken.
    const rig = await startRig(seedScenario(), { tokenLifetimeMs: 10_000 });
    const [node] = await rig.kube.listNodes('user');
    const { commandId } = await rig.aks.startCommand(buildRebootRunCommand({ namespace: HELPER_NAMESPACE, image: IMAGE, node: node!.name, runId: RUN_ID, bootId: node!.bootId }));
    const result = await pollVirtual(rig, () => rig.aks.getCommandResult(commandId), (r) => r.state !== 'running', 5, 20);
    expect(result.value).toMatchObject({ state: 'failed' });
    expect(result.value.state === 'failed' && result.value.logs).toContain('the server has asked for the client to provide credentials');
  });

  it('throws ARM 5xx and throttling as TransientError, a missing cluster as AzureRequestError', async () => {
    const scenario = seedScenario();
    // From 10 s: the rig's kube client reads the cluster at 0 s to choose how it signs in.
    scenario.faults = { api: [{ surface: 'arm', resource: 'agentPools.list', status: 503, from: 10, to: 11 }, { surface: 'arm', resource: 'managedClusters.get', status: 429, retryAfterSeconds: 30, from: 10, to: 11 }] };
    const rig = await startRig(scenario);
    rig.advance(10);
    await expect(rig.aks.listAgentPools()).rejects.toBeInstanceOf(TransientError);
    await expect(rig.aks.getCluster()).rejects.toMatchObject({ name: 'TransientError', status: 429, message: expect.stringContaining('reading cluster rg-shop-prod/aks-shop-prod') });
    rig.advance(2);
    expect(await rig.aks.listAgentPools()).toHaveLength(2);
    const missing = rig.armProvider.forCluster({ ...rig.cluster, name: 'no-such-cluster' });
    await expect(missing.getCluster()).rejects.toBeInstanceOf(AzureRequestError);
  });
});
