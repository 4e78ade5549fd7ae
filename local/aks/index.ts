// The AKS simulator as one call: `startSimulator(scenario, clock)` builds the cluster model,
// serves ARM and the kube API over TLS on 127.0.0.1, and hands back what a client needs (the
// endpoints, the CA, a token credential, a kubeconfig) plus the model and its recorder.
import { setDefaultCACertificates, getCACertificates } from 'node:tls';
import { type Clock } from '../clock';
import { type SimHandler, type SimRequest, type SimResponse } from './contracts';
import { armUnauthorized, kubeUnauthorized, TokenAuthority, type SimTokenCredential } from './auth';
import { requireBearer, startHttpsSurface, type RunningSurface } from './server';
import { createSimulatorTls } from './tls';
import { armError } from './arm/errors';
import { createArmHandler, type CredentialFormat } from './arm/handler';
import { kubeconfigYaml, type KubeconfigUser } from './arm/kubeconfig';
import { type ArmClusterView, type ArmPoolState } from './arm/model';
import { clusterResourceId } from './arm/resources';
import { RunCommandService } from './arm/runCommands';
import { commandPodsThrough } from './arm/commandPods';
import { createRunCommandInterpreter } from './runCommand/interpreter';
import { Cluster } from './cluster/cluster';
import { createKubeHandler } from './kube/handler';
import { type Recorder } from './recorder';
import { type Scenario } from './scenario';

export { ARM_SCOPE, AKS_SCOPE, TokenAuthority, type AccessToken, type SimTokenCredential } from './auth';
export { ARM_ACTIONS, ARM_OPERATIONS } from './arm/handler';
export { zipCommandContext } from './runCommand/zipContext';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

export interface SimulatorOptions {
  /** Lifetime, in simulator time, of the tokens `credential` mints (default 1 h, as Entra's). */
  tokenLifetimeMs?: number;
  /** Who `credential`'s tokens stand for; the recorder counts requests by it (default `product`). */
  clientName?: string;
  /**
   * Also make every TLS client in this process trust the simulator's CA
   * (`tls.setDefaultCACertificates`), for clients that take no CA option; undone by `stop()`.
   */
  trustCaProcessWide?: boolean;
  /** Agent pools per page of the ARM list (default 10). */
  poolPageSize?: number;
  /**
   * ARM operations refused with 403 AuthorizationFailed (a missing role assignment), by
   * operation name (`ARM_OPERATIONS`), optionally only for one token subject.
   */
  armDenied?: Array<{ operation: string; client?: string }>;
}

export interface KubeconfigOptions {
  /** Token lifetime in simulator time (default 10 years: a kubeconfig for people and kubectl). */
  tokenLifetimeMs?: number;
  /** Who the token stands for (default `kubectl`). */
  subject?: string;
}

export interface Simulator {
  /** `https://127.0.0.1:<port>`: pass as the ARM client's `endpoint`. */
  armEndpoint: string;
  /** `https://127.0.0.1:<port>`: the kube-apiserver. */
  kubeEndpoint: string;
  /** The CA that signed both servers' certificate (PEM). */
  caPem: string;
  subscriptionId: string;
  resourceGroup: string;
  clusterName: string;
  /** `/subscriptions/…/managedClusters/<name>` */
  resourceId: string;
  /** Mints tokens for ARM (`https://management.azure.com/.default`) and the AKS server app scope. */
  credential: SimTokenCredential;
  /** Mints and checks tokens: `tokens.mint('aks', 'someone', ms)` for any identity or lifetime. */
  tokens: TokenAuthority;
  /** A kubeconfig for the kube endpoint with the CA and a bearer token. */
  kubeconfigYaml(options?: KubeconfigOptions): string;
  cluster: Cluster;
  recorder: Recorder;
  clock: Clock;
  /** Stops both servers (open connections are closed). The clock is the caller's to stop. */
  stop(): Promise<void>;
}

export async function startSimulator(scenario: Scenario, clock: Clock, options: SimulatorOptions = {}): Promise<Simulator> {
  const tls = await createSimulatorTls();
  const tokens = new TokenAuthority(clock);
  const cluster = new Cluster(scenario, clock);
  const kubeHandler = createKubeHandler(cluster);
  const guardedKube = requireBearer(tokens, 'aks', kubeUnauthorized, kubeHandler);
  const surfaces: RunningSurface[] = [];
  const restoreCa = options.trustCaProcessWide ? trustProcessWide(tls.caPem) : undefined;
  try {
    const kube = await startHttpsSurface({
      tls, authority: tokens, audience: 'aks', handler: kubeHandler,
      unauthorized: kubeUnauthorized,
      internalError: (error) => kubeInternalError(error),
    });
    surfaces.push(kube);
    const userKubeconfig = (user: KubeconfigUser) =>
      kubeconfigYaml({ clusterName: scenario.cluster.name, userName: `clusterUser_${scenario.cluster.resourceGroup}_${scenario.cluster.name}`, server: kube.url, caPem: tls.caPem, user });
    const runCommands = new RunCommandService({
      clock,
      startSeconds: scenario.cluster.runCommandStartSeconds ?? 0,
      failureAt: (now) => cluster.faults.runCommandFailure(now),
      pods: commandPodsThrough(kubeHandler),
      execute: runCommandExecutor(scenario, tokens, guardedKube, () => clock.now()),
    });
    const armHandler = createArmHandler({
      view: armView(scenario, cluster, clock),
      runCommands,
      poolPageSize: options.poolPageSize,
      userKubeconfig: (format) => userKubeconfig(credentialUser(scenario, tokens, format)),
      authorize: (operation, req) => !(options.armDenied ?? []).some((d) => d.operation === operation && (d.client === undefined || d.client === req.client)),
      fault: (operation, req) => armFault(cluster, clock, operation, req),
      onOperation: (operation, req, response) =>
        cluster.recorder.recordApiRequest({ surface: 'arm', verb: req.method, resource: operation, client: req.client, status: response.status }),
    });
    const arm = await startHttpsSurface({
      tls, authority: tokens, audience: 'arm', handler: armHandler,
      unauthorized: (check) => armUnauthorized(check, clock.now()),
      internalError: (error) => armError(500, 'InternalServerError', error instanceof Error ? error.message : String(error)),
    });
    surfaces.push(arm);
    return {
      armEndpoint: arm.url,
      kubeEndpoint: kube.url,
      caPem: tls.caPem,
      subscriptionId: scenario.cluster.subscriptionId,
      resourceGroup: scenario.cluster.resourceGroup,
      clusterName: scenario.cluster.name,
      resourceId: clusterResourceId(scenario.cluster),
      credential: tokens.credential(options.clientName ?? 'product', options.tokenLifetimeMs ?? HOUR_MS),
      tokens,
      kubeconfigYaml: (o = {}) => userKubeconfig({ kind: 'token', token: tokens.mint('aks', o.subject ?? 'kubectl', o.tokenLifetimeMs ?? 10 * YEAR_MS).token }),
      cluster,
      recorder: cluster.recorder,
      clock,
      stop: async () => {
        await Promise.all(surfaces.map((s) => s.stop()));
        restoreCa?.();
      },
    };
  } catch (error) {
    await Promise.all(surfaces.map((s) => s.stop()));
    restoreCa?.();
    throw error;
  }
}

/**
 * Keeps virtual time moving while `work` waits on something that sleeps in real time (an SDK
 * poller, kubectl's retries): every `realIntervalMs` the clock moves `stepMs` forward. Bounded.
 */
export async function whileAdvancing<T>(clock: Clock, work: Promise<T>, options: { stepMs?: number; realIntervalMs?: number; timeoutMs?: number } = {}): Promise<T> {
  let settled = false;
  void work.then(() => { settled = true; }, () => { settled = true; });
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  while (!settled) {
    if (Date.now() > deadline) throw new Error(`whileAdvancing: the work did not settle within ${timeoutMs} ms of real time (clock at ${new Date(clock.now()).toISOString()})`);
    if (clock.mode === 'virtual') clock.advanceTo(clock.now() + (options.stepMs ?? 1000));
    await new Promise((resolve) => setTimeout(resolve, options.realIntervalMs ?? 2));
  }
  return work;
}

function armView(scenario: Scenario, cluster: Cluster, clock: Clock): ArmClusterView {
  return {
    cluster: scenario.cluster,
    pools: () => cluster.pools.map(({ spec }): ArmPoolState => ({
      name: spec.name,
      mode: spec.mode,
      osType: spec.osType ?? 'Linux',
      priority: spec.priority ?? 'Regular',
      count: cluster.nodeNames(spec.name).length,
      zones: spec.zones ?? [],
      provisioningState: cluster.faults.poolProvisioningState(spec.name, spec.provisioningState ?? 'Succeeded', clock.now()),
      powerState: spec.powerState ?? 'Running',
      vmSize: spec.vmSize ?? 'Standard_D4s_v5',
      nodeImageVersion: spec.nodeImageVersion ?? 'AKSUbuntu-2204gen2containerd-202601.05.0',
    })),
  };
}

/**
 * kubectl in the command pod: on Entra clusters it authenticates with the request's
 * clusterToken (checked when the command runs, so an expired one fails there); otherwise with
 * the pod's own cluster credentials.
 */
function runCommandExecutor(scenario: Scenario, tokens: TokenAuthority, kube: SimHandler, now: () => number) {
  const interpret = createRunCommandInterpreter(kube, now, 'run-command');
  return (input: { command: string; context?: string; clusterToken?: string }) => {
    const authorization = scenario.cluster.entraEnabled
      ? `Bearer ${input.clusterToken ?? ''}`
      : `Bearer ${tokens.mint('aks', 'run-command', HOUR_MS).token}`;
    return interpret({ command: input.command, context: input.context, authorization });
  };
}

/** Local accounts get a static token; Entra clusters get kubelogin (exec) or the legacy azure auth provider. */
function credentialUser(scenario: Scenario, tokens: TokenAuthority, format: CredentialFormat | undefined): KubeconfigUser {
  if (!scenario.cluster.entraEnabled) return { kind: 'token', token: tokens.mint('aks', 'clusterUser', 10 * YEAR_MS).token };
  return format === 'exec' ? { kind: 'kubelogin' } : { kind: 'azure-auth-provider' };
}

async function armFault(cluster: Cluster, clock: Clock, operation: string, req: SimRequest): Promise<SimResponse | undefined> {
  const decision = cluster.faults.apiCall({ surface: 'arm', resource: operation, verb: req.method }, clock.now());
  if (!decision) return undefined;
  if (decision.latencyMs) await clock.sleep(decision.latencyMs);
  if (decision.status === undefined) return undefined;
  const response = armError(decision.status, ARM_FAULT_CODES[decision.status] ?? 'InternalServerError', `Injected fault: ${operation} answered ${decision.status}.`);
  if (decision.retryAfterSeconds !== undefined) response.headers = { 'retry-after': String(decision.retryAfterSeconds) };
  return response;
}

const ARM_FAULT_CODES: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function kubeInternalError(error: unknown): SimResponse {
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 } };
}

function trustProcessWide(caPem: string): () => void {
  const before = getCACertificates('default');
  setDefaultCACertificates([...before, caPem]);
  return () => setDefaultCACertificates(before);
}
