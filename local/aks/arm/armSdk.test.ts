// The ARM surface driven by the real @azure/arm-containerservice client over TLS, with the
// bearer-token policy active, against a fixed view of the cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { createVirtualClock, type VirtualClock } from '../../clock';
import { type ScenarioCluster } from '../contracts';
import { armUnauthorized, TokenAuthority } from '../auth';
import { bearerAuthenticator, startHttpsSurface, type RunningSurface } from '../server';
import { createSimulatorTls, type SimulatorTls } from '../tls';
import { createArmHandler } from './handler';
import { armError } from './errors';
import { type ArmPoolState } from './model';
import { type RunCommandFault, RunCommandService, type RunCommandInput } from './runCommands';
import { parse } from 'yaml';

const SUB = '11111111-2222-3333-4444-555555555555';
const pool = (name: string, mode: 'System' | 'User', extra: Partial<ArmPoolState> = {}): ArmPoolState => ({
  name, mode, osType: 'Linux', priority: 'Regular', count: 3, zones: ['1', '2', '3'], provisioningState: 'Succeeded',
  powerState: 'Running', vmSize: 'Standard_D4s_v5', nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202601.01.0', ...extra,
});

interface Rig {
  clock: VirtualClock;
  authority: TokenAuthority;
  surface: RunningSurface;
  cluster: ScenarioCluster;
  client: ContainerServiceClient;
  executed: RunCommandInput[];
  operations: string[];
  failNext: RunCommandFault | undefined;
  localAccountsDisabled?: boolean;
}

async function startRig(tls: SimulatorTls, cluster: ScenarioCluster): Promise<Rig> {
  const clock = createVirtualClock(Date.UTC(2026, 0, 5, 2));
  const authority = new TokenAuthority(clock);
  const executed: RunCommandInput[] = [];
  const operations: string[] = [];
  const rig = { failNext: undefined } as Rig;
  const runCommands = new RunCommandService({
    clock,
    startSeconds: cluster.runCommandStartSeconds ?? 0,
    execute: async (input) => {
      executed.push(input);
      return { exitCode: 0, logs: `ran: ${input.command}\n` };
    },
    failureAt: () => {
      const failure = rig.failNext;
      rig.failNext = undefined;
      return failure;
    },
  });
  const pools = [pool('system', 'System', { count: 2 }), pool('user', 'User', { count: 4 }), pool('spot', 'User', { priority: 'Spot', zones: [] })];
  const handler = createArmHandler({
    view: { cluster, pools: () => pools },
    runCommands,
    poolPageSize: 2,
    userKubeconfig: (format) => `format: ${format ?? 'none'}\n`,
    adminKubeconfig: () => (rig.localAccountsDisabled ? undefined : 'admin: true\n'),
    onOperation: (op) => operations.push(op),
  });
  const surface = await startHttpsSurface({
    tls, handler, authenticate: bearerAuthenticator(authority, 'arm', (check) => armUnauthorized(check, clock.now())),
    internalError: (error) => armError(500, 'InternalServerError', String(error)),
  });
  const client = new ContainerServiceClient(authority.credential('product'), cluster.subscriptionId, {
    endpoint: surface.url,
    tlsOptions: { ca: tls.caPem },
    retryOptions: { maxRetries: 0 },
  });
  return Object.assign(rig, { clock, authority, surface, cluster, client, executed, operations });
}

/** Keeps virtual time moving while an SDK call waits on real timers (its poller sleeps in real time). */
async function advancing<T>(clock: VirtualClock, stepMs: number, work: Promise<T>): Promise<T> {
  let settled = false;
  void work.then(() => { settled = true; }, () => { settled = true; });
  const deadline = Date.now() + 10_000;
  while (!settled && Date.now() < deadline) {
    clock.advanceTo(clock.now() + stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return work;
}

const base: ScenarioCluster = { subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'aks-prod', location: 'westeurope', runCommandStartSeconds: 20 };

describe('ARM surface through @azure/arm-containerservice', () => {
  let tls: SimulatorTls;
  let plain: Rig;
  let entra: Rig;

  beforeAll(async () => {
    tls = await createSimulatorTls();
    plain = await startRig(tls, base);
    entra = await startRig(tls, { ...base, name: 'aks-entra', entraEnabled: true, disableRunCommand: true, nodeResourceGroup: 'rg-nodes' });
  });
  afterAll(async () => {
    await plain.surface.stop();
    await entra.surface.stop();
  });

  it('gets the managed cluster with the fields the product reads', async () => {
    const mc = await plain.client.managedClusters.get('rg-prod', 'aks-prod');
    expect(mc.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod`);
    expect(mc.nodeResourceGroup).toBe('MC_rg-prod_aks-prod_westeurope');
    expect(mc.aadProfile).toBeUndefined();
    expect(mc.apiServerAccessProfile?.disableRunCommand).toBe(false);
    expect(mc.autoUpgradeProfile?.nodeOSUpgradeChannel).toBe('Unmanaged');
    const e = await entra.client.managedClusters.get('RG-PROD', 'AKS-ENTRA');
    expect(e.name).toBe('aks-entra');
    expect(e.nodeResourceGroup).toBe('rg-nodes');
    expect(e.aadProfile?.managed).toBe(true);
    expect(e.apiServerAccessProfile?.disableRunCommand).toBe(true);
  });

  it('lists agent pools across pages (nextLink) and gets one', async () => {
    const names: string[] = [];
    for await (const p of plain.client.agentPools.list('rg-prod', 'aks-prod')) names.push(p.name!);
    expect(names).toEqual(['system', 'user', 'spot']);
    const user = await plain.client.agentPools.get('rg-prod', 'aks-prod', 'user');
    expect(user).toMatchObject({
      name: 'user', mode: 'User', osType: 'Linux', count: 4, provisioningState: 'Succeeded', powerState: { code: 'Running' },
      availabilityZones: ['1', '2', '3'], scaleSetPriority: 'Regular', vmSize: 'Standard_D4s_v5',
      nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202601.01.0',
    });
    expect((await plain.client.agentPools.get('rg-prod', 'aks-prod', 'spot')).scaleSetPriority).toBe('Spot');
  });

  it.each([
    ['an unknown agent pool', (c: ContainerServiceClient) => c.agentPools.get('rg-prod', 'aks-prod', 'nope'), 404, 'NotFound'],
    ['an unknown cluster', (c: ContainerServiceClient) => c.managedClusters.get('rg-prod', 'nope'), 404, 'ResourceNotFound'],
    ['an unknown resource group', (c: ContainerServiceClient) => c.managedClusters.get('rg-nope', 'aks-prod'), 404, 'ResourceGroupNotFound'],
  ])('answers %s with an ARM error body', async (_what, call, statusCode, code) => {
    await expect(call(plain.client)).rejects.toMatchObject({ statusCode, code });
  });

  it('answers an unknown subscription with SubscriptionNotFound', async () => {
    const other = new ContainerServiceClient(plain.authority.credential(), '99999999-2222-3333-4444-555555555555', {
      endpoint: plain.surface.url, tlsOptions: { ca: tls.caPem }, retryOptions: { maxRetries: 0 },
    });
    await expect(other.managedClusters.get('rg-prod', 'aks-prod')).rejects.toMatchObject({ statusCode: 404, code: 'SubscriptionNotFound' });
  });

  it('runs a command through the SDK poller in virtual time: 202 while the pod starts, then the result', async () => {
    const submittedAt = plain.clock.now();
    const result = await advancing(plain.clock, 1000, plain.client.managedClusters.beginRunCommandAndWait(
      'rg-prod', 'aks-prod', { command: 'kubectl get nodes' }, { updateIntervalInMs: 5 },
    ));
    expect(result.provisioningState).toBe('Succeeded');
    expect(result.exitCode).toBe(0);
    expect(result.logs).toBe('ran: kubectl get nodes\n');
    // The clock keeps moving while the request travels, so the pod starts 20 s after a submission at or just after `submittedAt`.
    expect(result.startedAt!.getTime() - submittedAt).toBeGreaterThanOrEqual(20_000);
    expect(result.startedAt!.getTime() - submittedAt).toBeLessThanOrEqual(25_000);
    expect(result.finishedAt!.getTime()).toBeGreaterThan(result.startedAt!.getTime());
    expect(plain.executed.at(-1)).toEqual({ command: 'kubectl get nodes' });
    expect(plain.operations).toContain('managedClusters.runCommand');
    expect(plain.operations).toContain('managedClusters.getCommandResult');
  });

  it('answers getCommandResult with nothing (202) until the command finished', async () => {
    const poller = plain.client.managedClusters.runCommand('rg-prod', 'aks-prod', { command: 'kubectl version' }, { updateIntervalInMs: 5 });
    await poller.submitted();
    const state = poller.operationState as { config?: { resourceLocation?: string; operationLocation?: string } } | undefined;
    const location = state?.config?.resourceLocation ?? state?.config?.operationLocation ?? '';
    const id = /commandResults\/([0-9a-f]+)\?api-version=/.exec(location)?.[1];
    expect(location.startsWith(plain.surface.url)).toBe(true);
    expect(id).toBeDefined();
    expect(await plain.client.managedClusters.getCommandResult('rg-prod', 'aks-prod', id!)).toBeUndefined();
    plain.clock.advanceTo(plain.clock.now() + 19_000);
    expect(await plain.client.managedClusters.getCommandResult('rg-prod', 'aks-prod', id!)).toBeUndefined();
    plain.clock.advanceTo(plain.clock.now() + 2_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const done = await plain.client.managedClusters.getCommandResult('rg-prod', 'aks-prod', id!);
    expect(done).toMatchObject({ provisioningState: 'Succeeded', exitCode: 0, logs: 'ran: kubectl version\n' });
    await advancing(plain.clock, 1000, poller.pollUntilDone());
  });

  it('reports an injected failure as provisioningState Failed with the reason; the poller still resolves', async () => {
    plain.failNext = { shape: 'result', reason: 'ImagePullBackoff', commandRuns: false };
    const result = await advancing(plain.clock, 1000, plain.client.managedClusters.beginRunCommandAndWait(
      'rg-prod', 'aks-prod', { command: 'kubectl get pods' }, { updateIntervalInMs: 5 },
    ));
    // As in azure-rest-api-specs' RunCommandResultFailed example: a reason, no exit code, no logs.
    expect(result).toMatchObject({ provisioningState: 'Failed', reason: 'ImagePullBackoff' });
    expect(result.exitCode).toBeUndefined();
    expect(plain.executed.at(-1)?.command).not.toBe('kubectl get pods');
  });

  it('armError: 202 until the 30 s start limit, then the ARM error body with armStatus; the SDK throws it', async () => {
    plain.failNext = { shape: 'armError', status: 500 };
    const attempt = advancing(plain.clock, 1000, plain.client.managedClusters.beginRunCommandAndWait('rg-prod', 'aks-prod', { command: 'kubectl get ns' }, { updateIntervalInMs: 5 }));
    await expect(attempt).rejects.toMatchObject({
      statusCode: 500,
      code: 'KubernetesPerformanceError',
      message: expect.stringMatching(/container command-[0-9a-f]{32} in aks-command namespace did not start within 30s/),
    });
    expect(plain.executed.at(-1)?.command).not.toBe('kubectl get ns');
  });

  it('notFound: 202 until the start limit, then 404 on commandResults', async () => {
    plain.failNext = { shape: 'notFound' };
    const poller = plain.client.managedClusters.runCommand('rg-prod', 'aks-prod', { command: 'kubectl get cm' }, { updateIntervalInMs: 5 });
    await poller.submitted();
    const location = (poller.operationState as { config?: { operationLocation?: string } }).config?.operationLocation ?? '';
    const id = /commandResults\/([0-9a-f]+)/.exec(location)![1]!;
    plain.clock.advanceTo(plain.clock.now() + 29_000);
    expect(await plain.client.managedClusters.getCommandResult('rg-prod', 'aks-prod', id)).toBeUndefined();
    plain.clock.advanceTo(plain.clock.now() + 2_000);
    await expect(plain.client.managedClusters.getCommandResult('rg-prod', 'aks-prod', id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(advancing(plain.clock, 1000, poller.pollUntilDone())).rejects.toMatchObject({ statusCode: 404 });
  });

  it('hang: the command runs, but its result stays InProgress until untilSeconds after the submission', async () => {
    plain.failNext = { shape: 'hang', untilSeconds: 300, commandRuns: true };
    const submittedAt = plain.clock.now();
    const poller = plain.client.managedClusters.runCommand('rg-prod', 'aks-prod', { command: 'kubectl get sa' }, { updateIntervalInMs: 5 });
    await poller.submitted();
    const id = /commandResults\/([0-9a-f]+)/.exec((poller.operationState as { config?: { operationLocation?: string } }).config?.operationLocation ?? '')![1]!;
    plain.clock.advanceTo(submittedAt + 120_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(plain.executed.at(-1)?.command).toBe('kubectl get sa');
    expect(await plain.client.managedClusters.getCommandResult('rg-prod', 'aks-prod', id)).toBeUndefined();
    plain.clock.advanceTo(submittedAt + 301_000);
    expect(await plain.client.managedClusters.getCommandResult('rg-prod', 'aks-prod', id)).toMatchObject({ provisioningState: 'Succeeded', exitCode: 0 });
    await advancing(plain.clock, 1000, poller.pollUntilDone());
  });

  it('a start latency past the 30 s limit ends every command with KubernetesPerformanceError', async () => {
    const slow = await startRig(tls, { ...base, name: 'aks-slow', runCommandStartSeconds: 45 });
    try {
      const attempt = advancing(slow.clock, 1000, slow.client.managedClusters.beginRunCommandAndWait('rg-prod', 'aks-slow', { command: 'kubectl get nodes' }, { updateIntervalInMs: 5 }));
      await expect(attempt).rejects.toMatchObject({ statusCode: 500, code: 'KubernetesPerformanceError' });
      expect(slow.executed).toEqual([]);
    } finally {
      await slow.surface.stop();
    }
  });

  it('refuses runCommand when the cluster disables it', async () => {
    const attempt = entra.client.managedClusters.beginRunCommandAndWait('rg-prod', 'aks-entra', { command: 'kubectl get nodes' }, { updateIntervalInMs: 5 });
    await expect(attempt).rejects.toMatchObject({ statusCode: 400, code: 'RunCommandDisabled' });
    expect(entra.executed).toEqual([]);
  });

  it('returns the user kubeconfig for the format asked', async () => {
    const creds = await plain.client.managedClusters.listClusterUserCredentials('rg-prod', 'aks-prod', { format: 'exec' });
    expect(creds.kubeconfigs?.[0]?.name).toBe('clusterUser');
    expect(parse(Buffer.from(creds.kubeconfigs![0]!.value!).toString('utf8'))).toEqual({ format: 'exec' });
  });

  it('returns the admin kubeconfig, and refuses it as AKS does once local accounts are disabled', async () => {
    const creds = await plain.client.managedClusters.listClusterAdminCredentials('rg-prod', 'aks-prod');
    expect(creds.kubeconfigs?.[0]?.name).toBe('clusterAdmin');
    expect(plain.operations.at(-1)).toBe('managedClusters.listClusterAdminCredentials');
    plain.localAccountsDisabled = true;
    try {
      await expect(plain.client.managedClusters.listClusterAdminCredentials('rg-prod', 'aks-prod')).rejects.toMatchObject({
        statusCode: 400, code: 'BadRequest', message: 'Getting static credential is not allowed because this cluster is set to disable local accounts.',
      });
    } finally {
      plain.localAccountsDisabled = false;
    }
  });

  it.each([
    ['a token signed by another simulator', () => new TokenAuthority(plain.clock).credential(), 'InvalidAuthenticationToken'],
    ['a token for the AKS audience', () => ({ getToken: async () => plain.authority.mint('aks', 'product') }), 'InvalidAuthenticationToken'],
    ['an expired token', () => ({ getToken: async () => plain.authority.mint('arm', 'product', -1) }), 'ExpiredAuthenticationToken'],
  ])('answers 401 to %s', async (_what, credential, code) => {
    const client = new ContainerServiceClient(credential(), SUB, { endpoint: plain.surface.url, tlsOptions: { ca: tls.caPem }, retryOptions: { maxRetries: 0 } });
    await expect(client.managedClusters.get('rg-prod', 'aks-prod')).rejects.toMatchObject({ statusCode: 401, code });
  });

  it('lets a token expire in virtual time', async () => {
    const token = plain.authority.mint('arm', 'product', 60_000);
    const client = new ContainerServiceClient({ getToken: async () => token }, SUB, { endpoint: plain.surface.url, tlsOptions: { ca: tls.caPem }, retryOptions: { maxRetries: 0 } });
    await expect(client.managedClusters.get('rg-prod', 'aks-prod')).resolves.toMatchObject({ name: 'aks-prod' });
    plain.clock.advanceTo(plain.clock.now() + 60_000);
    await expect(client.managedClusters.get('rg-prod', 'aks-prod')).rejects.toMatchObject({ statusCode: 401, code: 'ExpiredAuthenticationToken' });
  });
});
