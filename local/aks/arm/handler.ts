// The ARM surface of the simulator: Microsoft.ContainerService managedClusters operations, with
// ARM's path and query conventions (case-insensitive segments, required api-version) and errors.
import { type SimHandler, type SimRequest, type SimResponse } from '../contracts';
import { armErrors } from './errors';
import { type ArmClusterView } from './model';
import { agentPoolResource, clusterResourceId, managedClusterResource } from './resources';
import { type RunCommandService } from './runCommands';

export type CredentialFormat = 'azure' | 'exec';

export interface ArmHandlerOptions {
  view: ArmClusterView;
  runCommands: RunCommandService;
  /** The kubeconfig `listClusterUserCredential` returns for this format. */
  userKubeconfig(format: CredentialFormat | undefined): string;
  /** Called once per request that reached an operation, with its RBAC action name. */
  onOperation?(operation: string): void;
  /** Agent pools per page of the list (the rest follows through `nextLink`). */
  poolPageSize?: number;
}

const CLUSTER_PATH = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)(?:\/(.*))?$/i;
const RG_PATH = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)(?:\/.*)?$/i;
const SUB_PATH = /^\/subscriptions\/([^/]+)(?:\/.*)?$/i;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const ACTION = 'Microsoft.ContainerService/managedClusters';

export function createArmHandler(options: ArmHandlerOptions): SimHandler {
  return async (req) => route(options, req);
}

function route(options: ArmHandlerOptions, req: SimRequest): SimResponse {
  const apiVersion = req.query.get('api-version');
  if (!apiVersion || !API_VERSION.test(apiVersion)) return armErrors.missingApiVersion();
  const { cluster } = options.view;
  const sub = SUB_PATH.exec(req.path);
  if (!sub) return armErrors.noRoute(req.method, req.path);
  if (!sameName(sub[1], cluster.subscriptionId)) return armErrors.subscriptionNotFound(decodeURIComponent(sub[1] ?? ''));
  const rg = RG_PATH.exec(req.path);
  if (!rg) return armErrors.noRoute(req.method, req.path);
  if (!sameName(rg[2], cluster.resourceGroup)) return armErrors.resourceGroupNotFound(decodeURIComponent(rg[2] ?? ''));
  const match = CLUSTER_PATH.exec(req.path);
  if (!match) return armErrors.noRoute(req.method, req.path);
  if (!sameName(match[3], cluster.name)) return armErrors.clusterNotFound(cluster.resourceGroup, decodeURIComponent(match[3] ?? ''));
  const rest = (match[4] ?? '').split('/').filter((s) => s !== '').map(decodeURIComponent);
  return clusterOperation(options, req, rest, apiVersion);
}

function clusterOperation(options: ArmHandlerOptions, req: SimRequest, rest: string[], apiVersion: string): SimResponse {
  const { view } = options;
  const [kind, id, ...more] = rest;
  const op = (name: string, method: string, answer: () => SimResponse): SimResponse => {
    if (req.method !== method) return armErrors.methodNotAllowed(req.method, req.path);
    options.onOperation?.(`${ACTION}/${name}`);
    return answer();
  };
  if (more.length > 0) return armErrors.noRoute(req.method, req.path);
  const lower = kind?.toLowerCase();
  if (lower === undefined) return op('read', 'GET', () => ({ status: 200, body: managedClusterResource(view.cluster, view.pools()) }));
  if (lower === 'agentpools' && id === undefined) return op('agentPools/read', 'GET', () => listPools(options, req));
  if (lower === 'agentpools' && id !== undefined) {
    return op('agentPools/read', 'GET', () => {
      const pool = view.pools().find((p) => p.name.toLowerCase() === id.toLowerCase());
      return pool ? { status: 200, body: agentPoolResource(view.cluster, pool) } : armErrors.agentPoolNotFound(id);
    });
  }
  if (lower === 'runcommand' && id === undefined) return op('runCommand/action', 'POST', () => submitCommand(options, req, apiVersion));
  if (lower === 'commandresults' && id !== undefined) return op('commandResults/read', 'GET', () => commandResult(options, req, id, apiVersion));
  if (lower === 'listclusterusercredential' && id === undefined) return op('listClusterUserCredential/action', 'POST', () => userCredential(options, req));
  return armErrors.noRoute(req.method, req.path);
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

function resultUrl(options: ArmHandlerOptions, req: SimRequest, id: string, apiVersion: string): string {
  return `${origin(req)}${clusterResourceId(options.view.cluster)}/commandResults/${id}?api-version=${encodeURIComponent(apiVersion)}`;
}

function origin(req: SimRequest): string {
  return `https://${req.headers.host ?? '127.0.0.1'}`;
}

function sameName(given: string | undefined, expected: string): boolean {
  return given !== undefined && decodeURIComponent(given).toLowerCase() === expected.toLowerCase();
}
