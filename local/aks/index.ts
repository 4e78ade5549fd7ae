// The AKS simulator as one call: `startSimulator(scenario, clock)` builds the cluster model,
// serves ARM and the kube API over TLS on 127.0.0.1, and hands back what a client needs (the
// endpoints, the CA, a token credential, a kubeconfig) plus the model and its recorder.
import { setDefaultCACertificates, getCACertificates } from 'node:tls';
import { type Clock } from '../clock';
import { type SimHandler, type SimRequest, type SimResponse } from './contracts';
import { armUnauthorized, TokenAuthority, type SimTokenCredential } from './auth';
import { bearerAuthenticator, requireAuthentication, startHttpsSurface, type RunningSurface } from './server';
import { createSimulatorTls, issueClientCertificate, type ClientCertificate, type SimulatorTls } from './tls';
import { APP_OBJECT_ID, kubeAuthenticator, loadClusterRbac } from './kubeAccess';
import { SYSTEM_MASTERS } from './kube/rbac';
import { armError } from './arm/errors';
import { ARM_OPERATIONS, createArmHandler, type CredentialFormat } from './arm/handler';
import { kubeconfigYaml, type KubeconfigUser } from './arm/kubeconfig';
import { type ArmClusterView, type ArmPoolState } from './arm/model';
import { clusterResourceId, SIM_ADMIN_GROUP_ID } from './arm/resources';
import { RunCommandService } from './arm/runCommands';
import { commandPodsThrough } from './arm/commandPods';
import { createRunCommandInterpreter } from './runCommand/interpreter';
import { Cluster } from './cluster/cluster';
import { createKubeHandler } from './kube/handler';
import { type Recorder } from './recorder';
import { requestTarget, runCommandContent } from './requestContent';
import { type Scenario } from './scenario';

export { ARM_SCOPE, AKS_SCOPE, TokenAuthority, type AccessToken, type SimTokenCredential } from './auth';
export { ARM_ACTIONS, ARM_OPERATIONS } from './arm/handler';
export { APP_OBJECT_ID, DEFAULT_RBAC, IDENTITY_PLACEHOLDER, withDefaultRbac } from './kubeAccess';
export { zipCommandContext } from './runCommand/zipContext';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** The CN of the client certificate AKS issues to local accounts. */
const LOCAL_ADMIN_NAME = 'masterclient';
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
  /** The object id (`oid`) in `credential`'s tokens: the user Kubernetes RBAC authorizes (default APP_OBJECT_ID). */
  appObjectId?: string;
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
  /**
   * An admin kubeconfig for people, kubectl and tests: on an Entra cluster a bearer token in the
   * AKS admin group (cluster-admin), otherwise the local admin's client certificate (`system:masters`).
   */
  kubeconfigYaml(options?: KubeconfigOptions): string;
  /** The object id the app's tokens carry: the user name in RBAC checks and 403 messages. */
  appObjectId: string;
  cluster: Cluster;
  recorder: Recorder;
  clock: Clock;
  /** Stops both servers (open connections are closed). The clock is the caller's to stop. */
  stop(): Promise<void>;
}

/** One cluster's model and kube surface, and the ARM handler that speaks for it. */
interface ClusterParts {
  scenario: Scenario;
  cluster: Cluster;
  kube: RunningSurface;
  armHandler: SimHandler;
  kubeconfig(user: KubeconfigUser, userName?: string): string;
  /** The local accounts' client certificate (`masterclient`, `system:masters`, as AKS issues it). */
  localAdmin: ClientCertificate;
}

async function startClusterParts(scenario: Scenario, clock: Clock, tls: SimulatorTls, tokens: TokenAuthority, options: SimulatorOptions): Promise<ClusterParts> {
  const cluster = new Cluster(scenario, clock);
  const kubeHandler = createKubeHandler(cluster, {
    rbac: loadClusterRbac(scenario.cluster.rbac, options.appObjectId ?? APP_OBJECT_ID),
    ...(scenario.cluster.enableAzureRBAC && { azureRoleAssignments: scenario.cluster.azureRoleAssignments ?? [] }),
  });
  const authenticate = kubeAuthenticator(tokens, scenario.cluster);
  const kube = await startHttpsSurface({
    tls, handler: kubeHandler, authenticate, requestClientCertificates: true,
    internalError: (error) => kubeInternalError(error),
  });
  const localAdmin = await issueClientCertificate(tls, LOCAL_ADMIN_NAME, [SYSTEM_MASTERS]);
  const { resourceGroup, name } = scenario.cluster;
  const kubeconfig = (user: KubeconfigUser, userName = `clusterUser_${resourceGroup}_${name}`) =>
    kubeconfigYaml({ clusterName: name, userName, server: kube.url, caPem: tls.caPem, user });
  const certificateUser: KubeconfigUser = { kind: 'clientCertificate', certPem: localAdmin.certPem, keyPem: localAdmin.keyPem };
  const runCommands = new RunCommandService({
    clock,
    startSeconds: scenario.cluster.runCommandStartSeconds ?? 0,
    failureAt: (now) => cluster.faults.runCommandFailure(now),
    pods: commandPodsThrough(kubeHandler),
    execute: runCommandExecutor(scenario, requireAuthentication(authenticate, kubeHandler), kubeHandler, () => clock.now()),
  });
  const armHandler = createArmHandler({
    view: armView(scenario, cluster, clock),
    runCommands,
    poolPageSize: options.poolPageSize,
    userKubeconfig: (format) => kubeconfig(scenario.cluster.entraEnabled ? entraUser(format) : certificateUser),
    adminKubeconfig: () => (scenario.cluster.disableLocalAccounts ? undefined : kubeconfig(certificateUser, `clusterAdmin_${resourceGroup}_${name}`)),
    authorize: (operation, req) => !(options.armDenied ?? []).some((d) => d.operation === operation && (d.client === undefined || d.client === req.client)),
    fault: (operation, req) => armFault(cluster, clock, operation, req),
    onOperation: (operation, req, response) => {
      const runCommand = operation === ARM_OPERATIONS.runCommand ? runCommandContent(req) : undefined;
      cluster.recorder.recordApiRequest({ surface: 'arm', verb: req.method, resource: operation, client: req.client, status: response.status, target: requestTarget(req), ...(runCommand && { runCommand }) });
    },
  });
  return { scenario, cluster, kube, armHandler, kubeconfig, localAdmin };
}

function startArmSurface(tls: SimulatorTls, tokens: TokenAuthority, clock: Clock, handler: SimHandler): Promise<RunningSurface> {
  return startHttpsSurface({
    tls, handler,
    authenticate: bearerAuthenticator(tokens, 'arm', (check) => armUnauthorized(check, clock.now())),
    internalError: (error) => armError(500, 'InternalServerError', error instanceof Error ? error.message : String(error)),
  });
}

function simulatorOf(parts: ClusterParts, arm: RunningSurface, tls: SimulatorTls, tokens: TokenAuthority, clock: Clock, options: SimulatorOptions, stop: () => Promise<void>): Simulator {
  const { scenario } = parts;
  return {
    armEndpoint: arm.url,
    kubeEndpoint: parts.kube.url,
    caPem: tls.caPem,
    subscriptionId: scenario.cluster.subscriptionId,
    resourceGroup: scenario.cluster.resourceGroup,
    clusterName: scenario.cluster.name,
    resourceId: clusterResourceId(scenario.cluster),
    credential: appCredential(tokens, options),
    tokens,
    kubeconfigYaml: (o = {}) => parts.kubeconfig(scenario.cluster.entraEnabled
      ? { kind: 'token', token: tokens.mint('aks', o.subject ?? 'kubectl', o.tokenLifetimeMs ?? 10 * YEAR_MS, { groups: [SIM_ADMIN_GROUP_ID] }).token }
      : { kind: 'clientCertificate', certPem: parts.localAdmin.certPem, keyPem: parts.localAdmin.keyPem }),
    appObjectId: options.appObjectId ?? APP_OBJECT_ID,
    cluster: parts.cluster,
    recorder: parts.cluster.recorder,
    clock,
    stop,
  };
}

export async function startSimulator(scenario: Scenario, clock: Clock, options: SimulatorOptions = {}): Promise<Simulator> {
  const [simulator] = (await startSimulators([scenario], clock, options)).clusters;
  return simulator!;
}

/** Several clusters behind one ARM endpoint (as Azure has one), each with its own kube-apiserver. */
export interface SimulatorFleet {
  armEndpoint: string;
  caPem: string;
  credential: SimTokenCredential;
  tokens: TokenAuthority;
  /** One per scenario, in order; each one's `stop()` stops the whole fleet. */
  clusters: Simulator[];
  stop(): Promise<void>;
}

export async function startSimulators(scenarios: Scenario[], clock: Clock, options: SimulatorOptions = {}): Promise<SimulatorFleet> {
  if (scenarios.length === 0) throw new Error('startSimulators: give at least one scenario');
  const ids = scenarios.map((s) => clusterResourceId(s.cluster).toLowerCase());
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`startSimulators: two scenarios describe the same cluster ${duplicate}`);
  const tls = await createSimulatorTls();
  const tokens = new TokenAuthority(clock);
  const surfaces: RunningSurface[] = [];
  const restoreCa = options.trustCaProcessWide ? trustProcessWide(tls.caPem) : undefined;
  const stop = async () => {
    await Promise.all(surfaces.map((s) => s.stop()));
    restoreCa?.();
  };
  try {
    const parts: ClusterParts[] = [];
    for (const scenario of scenarios) {
      const part = await startClusterParts(scenario, clock, tls, tokens, options);
      surfaces.push(part.kube);
      parts.push(part);
    }
    // ARM routes by the cluster's resource id; anything else gets the first cluster's answer (its 404s).
    const armHandler: SimHandler = (req) => {
      const path = req.path.toLowerCase();
      const owner = parts.find((_, i) => path === ids[i] || path.startsWith(`${ids[i]}/`)) ?? parts[0]!;
      return owner.armHandler(req);
    };
    const arm = await startArmSurface(tls, tokens, clock, armHandler);
    surfaces.push(arm);
    return {
      armEndpoint: arm.url,
      caPem: tls.caPem,
      credential: appCredential(tokens, options),
      tokens,
      clusters: parts.map((p) => simulatorOf(p, arm, tls, tokens, clock, options, stop)),
      stop,
    };
  } catch (error) {
    await stop();
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
    state: () => cluster.faults.clusterState(clock.now()),
    pools: () => cluster.pools.map(({ spec }): ArmPoolState => ({
      name: spec.name,
      mode: spec.mode,
      osType: spec.osType ?? 'Linux',
      priority: spec.priority ?? 'Regular',
      // A stopped pool keeps its declared count in ARM while it has no nodes in Kubernetes.
      count: (spec.powerState ?? 'Running') === 'Stopped' ? spec.count : cluster.nodeNames(spec.name).length,
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
 * clusterToken (checked when the command runs, so an expired one fails there), so the caller's
 * own RBAC applies; otherwise with the cluster's local admin credentials (`system:masters`).
 */
function runCommandExecutor(scenario: Scenario, authenticated: SimHandler, kube: SimHandler, now: () => number) {
  const asLocalAdmin: SimHandler = (req) => kube({ ...req, user: { name: LOCAL_ADMIN_NAME, groups: [SYSTEM_MASTERS] } });
  const interpret = createRunCommandInterpreter(scenario.cluster.entraEnabled ? authenticated : asLocalAdmin, now, 'run-command');
  return (input: { command: string; context?: string; clusterToken?: string }) =>
    interpret({ command: input.command, context: input.context, authorization: `Bearer ${input.clusterToken ?? ''}` });
}

/** Entra clusters' user kubeconfig: kubelogin (exec) or the legacy azure auth provider. */
function entraUser(format: CredentialFormat | undefined): KubeconfigUser {
  return format === 'exec' ? { kind: 'kubelogin' } : { kind: 'azure-auth-provider' };
}

function appCredential(tokens: TokenAuthority, options: SimulatorOptions): SimTokenCredential {
  return tokens.credential(options.clientName ?? 'product', options.tokenLifetimeMs ?? HOUR_MS, { oid: options.appObjectId ?? APP_OBJECT_ID });
}

async function armFault(cluster: Cluster, clock: Clock, operation: string, req: SimRequest): Promise<SimResponse | undefined> {
  const decision = cluster.faults.apiCall({ surface: 'arm', resource: operation, verb: req.method }, clock.now());
  if (!decision) return undefined;
  // Latency only on a real-time clock: on a virtual one the host advances time only once the
  // activity waiting for this answer has finished, so a virtual sleep here would never end.
  if (decision.latencyMs && clock.mode === 'realtime') await clock.sleep(decision.latencyMs);
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
