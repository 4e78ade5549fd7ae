// The ARM surface of the simulator: Microsoft.ContainerService managedClusters operations, with
// ARM's path and query conventions (case-insensitive segments, required api-version) and errors.
import { type SimHandler, type SimRequest, type SimResponse } from '../contracts';
import { armError, armErrors } from './errors';
import { type ArmClusterView } from './model';
import { agentPoolResource, clusterResourceId, managedClusterResource } from './resources';
import { type RunCommandService } from './runCommands';

export type CredentialFormat = 'azure' | 'exec';

export interface ArmHandlerOptions {
  view: ArmClusterView;
  runCommands: RunCommandService;
  /** The kubeconfig `listClusterUserCredential` returns for this format. */
  userKubeconfig(format: CredentialFormat | undefined): string;
  /** The kubeconfig `listClusterAdminCredential` returns; undefined when local accounts are disabled. */
  adminKubeconfig(): string | undefined;
  /** Called once per request with the operation it reached (`unknown` if none) and the answer. */
  onOperation?(operation: string, req: SimRequest, response: SimResponse): void;
  /** Whether the caller holds the RBAC action of this operation (default: everyone does). */
  authorize?(operation: string, req: SimRequest): boolean;
  /** An injected answer (error, outage) for this operation, if a scenario fault hits it now. */
  fault?(operation: string, req: SimRequest): Promise<SimResponse | undefined>;
  /** Agent pools per page of the list (the rest follows through `nextLink`). */
  poolPageSize?: number;
}

const CLUSTER_PATH = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)(?:\/(.*))?$/i;
const RG_PATH = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)(?:\/.*)?$/i;
const SUB_PATH = /^\/subscriptions\/([^/]+)(?:\/.*)?$/i;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Operation names, as the SDK calls them; the recorder counts and scenario faults match these. */
export const ARM_OPERATIONS = {
  getCluster: 'managedClusters.get',
  listPools: 'agentPools.list',
  getPool: 'agentPools.get',
  runCommand: 'managedClusters.runCommand',
  getCommandResult: 'managedClusters.getCommandResult',
  listUserCredentials: 'managedClusters.listClusterUserCredentials',
  listAdminCredentials: 'managedClusters.listClusterAdminCredentials',
} as const;

type Operation = (typeof ARM_OPERATIONS)[keyof typeof ARM_OPERATIONS];

/** The Azure RBAC action each operation needs (what a role assignment must grant). */
export const ARM_ACTIONS: Record<Operation, string> = {
  'managedClusters.get': 'Microsoft.ContainerService/managedClusters/read',
  'agentPools.list': 'Microsoft.ContainerService/managedClusters/agentPools/read',
  'agentPools.get': 'Microsoft.ContainerService/managedClusters/agentPools/read',
  'managedClusters.runCommand': 'Microsoft.ContainerService/managedClusters/runCommand/action',
  'managedClusters.getCommandResult': 'Microsoft.ContainerService/managedClusters/commandResults/read',
  'managedClusters.listClusterUserCredentials': 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action',
  'managedClusters.listClusterAdminCredentials': 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action',
};
type Routed = { operation: Operation; method: string; answer: () => SimResponse } | { error: SimResponse };

export function createArmHandler(options: ArmHandlerOptions): SimHandler {
  return async (req) => {
    const routed = route(options, req);
    if ('error' in routed) {
      options.onOperation?.('unknown', req, routed.error);
      return routed.error;
    }
    if (req.method !== routed.method) {
      const refused = armErrors.methodNotAllowed(req.method, req.path);
      options.onOperation?.(routed.operation, req, refused);
      return refused;
    }
    const denied = options.authorize && !options.authorize(routed.operation, req)
      ? armErrors.authorizationFailed(req.client ?? 'unknown', ARM_ACTIONS[routed.operation], clusterResourceId(options.view.cluster))
      : undefined;
    const response = denied ?? (await options.fault?.(routed.operation, req)) ?? routed.answer();
    options.onOperation?.(routed.operation, req, response);
    return response;
  };
}

function route(options: ArmHandlerOptions, req: SimRequest): Routed {
  const fail = (error: SimResponse): Routed => ({ error });
  const apiVersion = req.query.get('api-version');
  if (!apiVersion || !API_VERSION.test(apiVersion)) return fail(armErrors.missingApiVersion());
  const { cluster } = options.view;
  const sub = SUB_PATH.exec(req.path);
  if (!sub) return fail(armErrors.noRoute(req.method, req.path));
  if (!sameName(sub[1], cluster.subscriptionId)) return fail(armErrors.subscriptionNotFound(decodeURIComponent(sub[1] ?? '')));
  const rg = RG_PATH.exec(req.path);
  if (!rg) return fail(armErrors.noRoute(req.method, req.path));
  if (!sameName(rg[2], cluster.resourceGroup)) return fail(armErrors.resourceGroupNotFound(decodeURIComponent(rg[2] ?? '')));
  const match = CLUSTER_PATH.exec(req.path);
  if (!match) return fail(armErrors.noRoute(req.method, req.path));
  if (!sameName(match[3], cluster.name)) return fail(armErrors.clusterNotFound(cluster.resourceGroup, decodeURIComponent(match[3] ?? '')));
  const rest = (match[4] ?? '').split('/').filter((s) => s !== '').map(decodeURIComponent);
  return clusterOperation(options, req, rest, apiVersion) ?? fail(armErrors.noRoute(req.method, req.path));
}

function clusterOperation(options: ArmHandlerOptions, req: SimRequest, rest: string[], apiVersion: string): Routed | undefined {
  const { view } = options;
  const [kind, id, ...more] = rest;
  if (more.length > 0) return undefined;
  const op = ARM_OPERATIONS;
  switch (kind?.toLowerCase()) {
    case undefined:
      return { operation: op.getCluster, method: 'GET', answer: () => ({ status: 200, body: managedClusterResource(view.cluster, view.pools(), view.state?.()) }) };
    case 'agentpools':
      if (id === undefined) return { operation: op.listPools, method: 'GET', answer: () => listPools(options, req) };
      return {
        operation: op.getPool,
        method: 'GET',
        answer: () => {
          const pool = view.pools().find((p) => p.name.toLowerCase() === id.toLowerCase());
          return pool ? { status: 200, body: agentPoolResource(view.cluster, pool) } : armErrors.agentPoolNotFound(id);
        },
      };
    case 'runcommand':
      return id === undefined ? { operation: op.runCommand, method: 'POST', answer: () => submitCommand(options, req, apiVersion) } : undefined;
    case 'commandresults':
      return id === undefined ? undefined : { operation: op.getCommandResult, method: 'GET', answer: () => commandResult(options, req, id, apiVersion) };
    case 'listclusterusercredential':
      return id === undefined ? { operation: op.listUserCredentials, method: 'POST', answer: () => userCredential(options, req) } : undefined;
    case 'listclusteradmincredential':
      return id === undefined ? { operation: op.listAdminCredentials, method: 'POST', answer: () => adminCredential(options) } : undefined;
    default:
      return undefined;
  }
}

function listPools(options: ArmHandlerOptions, req: SimRequest): SimResponse {
  const pools = options.view.pools();
  const pageSize = options.poolPageSize ?? 10;
  const skip = Number(req.query.get('$skipToken') ?? '0');
  if (!Number.isInteger(skip) || skip < 0) return armErrors.badRequest(`$skipToken must be a page offset from a nextLink, got '${req.query.get('$skipToken')}'`);
  const page = pools.slice(skip, skip + pageSize).map((pool) => agentPoolResource(options.view.cluster, pool));
  const body: { value: object[]; nextLink?: string } = { value: page };
  if (skip + pageSize < pools.length) {
    const next = new URLSearchParams(req.query);
    next.set('$skipToken', String(skip + pageSize));
    body.nextLink = `${origin(req)}${req.path}?${next.toString()}`;
  }
  return { status: 200, body };
}

function submitCommand(options: ArmHandlerOptions, req: SimRequest, apiVersion: string): SimResponse {
  if (options.view.cluster.disableRunCommand) return armErrors.runCommandDisabled();
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    return armErrors.badRequest('The request body must be JSON: { "command": string, "context"?: base64 zip, "clusterToken"?: string }.');
  }
  const { command, context, clusterToken } = (body ?? {}) as Record<string, unknown>;
  if (typeof command !== 'string' || command.trim() === '') return armErrors.badRequest('properties "command" is required and must be a non-empty string.');
  if (context !== undefined && typeof context !== 'string') return armErrors.badRequest('"context" must be a base64 string of a zip file.');
  if (clusterToken !== undefined && typeof clusterToken !== 'string') return armErrors.badRequest('"clusterToken" must be a string.');
  const id = options.runCommands.submit({ command, context, clusterToken });
  return { status: 202, headers: { location: resultUrl(options, req, id, apiVersion) } };
}

function commandResult(options: ArmHandlerOptions, req: SimRequest, id: string, apiVersion: string): SimResponse {
  const status = options.runCommands.status(id);
  if (status.state === 'unknown') return armErrors.commandNotFound(id);
  if (status.state === 'running') return { status: 202, headers: { location: resultUrl(options, req, id, apiVersion) } };
  if (status.state === 'error') return armError(status.error.status, status.error.code, status.error.message);
  return { status: 200, body: status.result };
}

function userCredential(options: ArmHandlerOptions, req: SimRequest): SimResponse {
  const format = req.query.get('format') ?? undefined;
  if (format !== undefined && format !== 'azure' && format !== 'exec') {
    return armErrors.badRequest(`format must be 'azure' or 'exec', got '${format}'.`);
  }
  const value = Buffer.from(options.userKubeconfig(format)).toString('base64');
  return { status: 200, body: { kubeconfigs: [{ name: 'clusterUser', value }] } };
}

/** AKS refuses static credentials once local accounts are disabled (400 BadRequest, its wording). */
function adminCredential(options: ArmHandlerOptions): SimResponse {
  const kubeconfig = options.adminKubeconfig();
  if (kubeconfig === undefined) return armErrors.localAccountsDisabled();
  return { status: 200, body: { kubeconfigs: [{ name: 'clusterAdmin', value: Buffer.from(kubeconfig).toString('base64') }] } };
}

function resultUrl(options: ArmHandlerOptions, req: SimRequest, id: string, apiVersion: string): string {
  return `${origin(req)}${clusterResourceId(options.view.cluster)}/commandResults/${id}?api-version=${encodeURIComponent(apiVersion)}`;
}

function origin(req: SimRequest): string {
  return `https://${req.headers.host ?? '127.0.0.1'}`;
}

function sameName(given: string | undefined, expected: string): boolean {
  return given !== undefined && decodeURIComponent(given).toLowerCase() === expected.toLowerCase();
}
