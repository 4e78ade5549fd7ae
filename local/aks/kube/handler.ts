// The fake kube-apiserver: routes a request to discovery or a resource, applies faults, and
// answers with the real server's semantics (Status errors, lists with selectors and
// pagination, patches, optimistic concurrency, graceful pod deletion, the Eviction subresource,
// watches as JSON lines, server-side Tables). Every request is counted by the recorder.
import type { SimHandler, SimRequest, SimResponse } from '../contracts';
import { carriesResourceVersion, maybeWriteBefore } from '../cluster/backgroundWriters';
import type { Cluster } from '../cluster/cluster';
import { evictPod } from '../cluster/eviction';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery';
import { findResource, type ResourceInfo } from './resources';
import { ApiError, methodNotAllowed, pathNotFound, statusBody } from './status';
import { createObject, deleteCollection, deleteObject, getObject, listObjects, patchObject, readScale, updateObject, writeScale } from './crud';
import { podLogs } from './logs';
import { watchStream } from './watch';
import { authorize, forbiddenStatus, type RbacPolicy } from './rbac';
import { AZURE_DENIED_REASON, azureRbacAllows, type AzureRoleAssignment } from './azureRbac';
import { requestTarget, writeBody } from '../requestContent';

type Route =
  | { kind: 'version' | 'health' | 'api' | 'apis' | 'openapi' }
  | { kind: 'group'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | { kind: 'resource'; info: ResourceInfo; namespace?: string; name?: string; sub?: string; watchPath: boolean };

export function parseRoute(path: string): Route | undefined {
  const seg = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  if (seg[0] === 'version' && seg.length === 1) return { kind: 'version' };
  if (['healthz', 'livez', 'readyz'].includes(seg[0] ?? '')) return { kind: 'health' };
  if (seg[0] === 'openapi') return { kind: 'openapi' };
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api') {
    if (seg.length === 1) return { kind: 'api' };
    if (seg[1] !== 'v1') return undefined;
    if (seg.length === 2) return { kind: 'resourceList', group: '', version: 'v1' };
    group = '';
    version = 'v1';
    rest = seg.slice(2);
  } else if (seg[0] === 'apis') {
    if (seg.length === 1) return { kind: 'apis' };
    if (seg.length === 2) return { kind: 'group', group: seg[1]! };
    if (seg.length === 3) return { kind: 'resourceList', group: seg[1]!, version: seg[2]! };
    group = seg[1]!;
    version = seg[2]!;
    rest = seg.slice(3);
  } else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const info = findResource(group, version, rest[2]!);
    if (info?.namespaced) {
      if (rest.length > 5) return undefined;
      return { kind: 'resource', info, namespace: rest[1]!, name: rest[3], sub: rest[4], watchPath };
    }
  }
  const info = findResource(group, version, rest[0] ?? '');
  if (!info || rest.length > 3) return undefined;
  return { kind: 'resource', info, name: rest[1], sub: rest[2], watchPath };
}

function verbOf(method: string, route: Extract<Route, { kind: 'resource' }>, query: URLSearchParams): string {
  const watch = route.watchPath || query.get('watch') === 'true' || query.get('watch') === '1';
  switch (method) {
    case 'GET': return route.name ? (watch ? 'watch' : 'get') : watch ? 'watch' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return route.name ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}

function errorResponse(e: ApiError): SimResponse {
  const retry = e.details?.retryAfterSeconds;
  return json(e.code, e.body(), retry !== undefined && e.code === 429 ? { 'retry-after': String(retry) } : {});
}

const FAULT_REASONS: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'Too many requests, please try again later.'],
  500: ['InternalError', 'Internal error occurred: injected fault'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
};

function clientOf(req: SimRequest): string {
  return req.client ?? req.headers['user-agent']?.split('/')[0] ?? 'unknown';
}

export interface KubeHandlerOptions {
  kubernetesVersion?: string;
  /** Kubernetes RBAC to enforce on authenticated users' resource requests (`cluster.rbac`); none: everyone may do anything. */
  rbac?: RbacPolicy;
  /**
   * Azure RBAC for Kubernetes authorization (`cluster.enableAzureRBAC`): the app identity's role
   * assignments, asked about Entra principals' requests that Kubernetes RBAC does not allow.
   */
  azureRoleAssignments?: readonly AzureRoleAssignment[];
}

export function createKubeHandler(cluster: Cluster, options: KubeHandlerOptions = {}): SimHandler {
  const k8sVersion = options.kubernetesVersion ?? cluster.scenario.cluster.kubernetesVersion ?? '1.32.4';
  return async (req) => {
    const route = parseRoute(req.path);
    const client = clientOf(req);
    const info = route?.kind === 'resource'
      ? { verb: verbOf(req.method, route, req.query), resource: route.info.resource, subresource: route.sub, namespace: route.namespace }
      : { verb: req.method.toLowerCase(), resource: route?.kind ?? 'unknown', subresource: undefined, namespace: undefined };
    const fault = cluster.faults.apiCall({ surface: 'kube', ...info }, cluster.clock.now());
    // On a virtual clock nobody advances time while a request is in flight (the local host
    // waits for its activities first), so latency is only served on a real-time clock.
    if (fault?.latencyMs && cluster.clock.mode === 'realtime') await cluster.clock.sleep(fault.latencyMs);
    let res: SimResponse;
    // The apiserver authorizes what its request info names; a path the simulator does not serve stays a 404.
    const served = route?.kind === 'resource' && (route.sub === undefined || route.info.subresources.some((s) => s.name === route.sub));
    const denied = options.rbac && req.user && route?.kind === 'resource' && served
      ? forbiddenIfDenied(options.rbac, options.azureRoleAssignments, req.user, { ...info, group: route.info.group, ...(route.name !== undefined && { name: route.name }) })
      : undefined;
    if (denied) {
      res = denied;
    } else if (fault?.status) {
      const [reason, message] = FAULT_REASONS[fault.status] ?? ['InternalError', `injected fault ${fault.status}`];
      const retry = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
      res = json(fault.status, statusBody(fault.status, reason, message, retry !== undefined ? { retryAfterSeconds: retry } : undefined), retry !== undefined ? { 'retry-after': String(retry) } : {});
    } else {
      try {
        res = dispatch(cluster, req, route, k8sVersion, client);
      } catch (e) {
        if (e instanceof ApiError) res = errorResponse(e);
        else res = json(500, statusBody(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`));
      } finally {
        cluster.settle();
      }
    }
    const body = writeBody(req);
    cluster.recorder.recordApiRequest({ surface: 'kube', ...info, client, status: res.status, target: requestTarget(req), ...(body !== undefined && { body }) });
    return res;
  };
}

/**
 * The apiserver's authorizers in turn: Kubernetes RBAC, then (with Azure RBAC, for an Entra
 * principal) AKS's webhook, whose denial reason ends the 403. Either allowing is enough.
 */
function forbiddenIfDenied(policy: RbacPolicy, azure: readonly AzureRoleAssignment[] | undefined, user: NonNullable<SimRequest['user']>, request: Parameters<typeof authorize>[2]): SimResponse | undefined {
  if (authorize(policy, user, request)) return undefined;
  if (!azure || user.oid === undefined) return json(403, forbiddenStatus(user, request));
  return azureRbacAllows(azure, request) ? undefined : json(403, forbiddenStatus(user, request, AZURE_DENIED_REASON));
}

function dispatch(cluster: Cluster, req: SimRequest, route: Route | undefined, k8sVersion: string, client: string): SimResponse {
  if (!route) throw pathNotFound();
  const get = req.method === 'GET';
  switch (route.kind) {
    case 'version': return json(200, versionInfo(k8sVersion));
    case 'health': return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ok' };
    case 'openapi': throw pathNotFound();
    case 'api': if (get) return json(200, apiVersions()); throw methodNotAllowed();
    case 'apis': if (get) return json(200, apiGroupList()); throw methodNotAllowed();
    case 'group': {
      const g = apiGroup(route.group);
      if (!g) throw pathNotFound();
      return json(200, g);
    }
    case 'resourceList': {
      const l = apiResourceList(route.group, route.version);
      if (!l) throw pathNotFound();
      return json(200, l);
    }
    case 'resource': return resource(cluster, req, route, client);
  }
}

function resource(cluster: Cluster, req: SimRequest, route: Extract<Route, { kind: 'resource' }>, client: string): SimResponse {
  const { info, namespace, name, sub } = route;
  if (info.namespaced && name !== undefined && namespace === undefined) throw pathNotFound();
  if (!info.namespaced && namespace !== undefined) throw pathNotFound();
  if (sub !== undefined && !info.subresources.some((s) => s.name === sub)) throw pathNotFound();
  const verb = verbOf(req.method, route, req.query);
  if (['POST', 'PUT', 'PATCH'].includes(req.method) && /protobuf/.test(req.headers['content-type'] ?? '')) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  const ctx = { cluster, info, namespace, query: req.query, headers: req.headers, client };
  if (sub === 'eviction') {
    if (req.method !== 'POST') throw methodNotAllowed();
    return eviction(cluster, namespace!, name!, req, client);
  }
  if (sub === 'log') {
    if (req.method !== 'GET') throw methodNotAllowed();
    return podLogs(cluster, namespace!, name!, req.query);
  }
  if (sub === 'scale') {
    if (req.method === 'GET') return json(200, readScale(ctx, name!));
    if (req.method === 'PUT' || req.method === 'PATCH') return json(200, writeScale(ctx, name!, req.method, req.body, req.headers['content-type']));
    throw methodNotAllowed();
  }
  if (info.resource === 'nodes' && name !== undefined && (verb === 'update' || verb === 'patch') && carriesResourceVersion(req.body)) maybeWriteBefore(cluster, name);
  switch (verb) {
    case 'watch': return { status: 200, headers: { 'content-type': 'application/json' }, stream: watchStream(ctx, name) };
    case 'list': return json(200, listObjects(ctx));
    case 'get': return json(200, getObject(ctx, name!));
    case 'create':
      if (name !== undefined || (info.namespaced && namespace === undefined)) throw methodNotAllowed();
      return json(201, createObject(ctx, req.body));
    case 'update': return json(200, updateObject(ctx, name!, req.body, sub));
    case 'patch': return json(200, patchObject(ctx, name!, req.body, req.headers['content-type'], sub));
    case 'delete': return deleteObject(ctx, name!, req.body);
    case 'deletecollection': return json(200, deleteCollection(ctx));
    default: throw methodNotAllowed();
  }
}

function eviction(cluster: Cluster, namespace: string, name: string, req: SimRequest, client: string): SimResponse {
  let body: { apiVersion?: string; kind?: string; metadata?: { name?: string }; deleteOptions?: Record<string, unknown> };
  try {
    body = JSON.parse(req.body.toString('utf8') || '{}');
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `the object provided is unrecognized (must be of type Eviction): ${(e as Error).message}`);
  }
  if (body.apiVersion && body.apiVersion !== 'policy/v1' && body.apiVersion !== 'policy/v1beta1') {
    throw new ApiError(400, 'BadRequest', `the API version in the data (${body.apiVersion}) does not match the expected API version (policy/v1)`);
  }
  if (body.kind && body.kind !== 'Eviction') throw new ApiError(400, 'BadRequest', `not a Eviction object: ${body.kind}`);
  if (body.metadata?.name !== name) throw new ApiError(400, 'BadRequest', 'name in URL does not match name in Eviction object');
  const dryRun = req.query.getAll('dryRun').includes('All');
  const r = evictPod(cluster, { namespace, name, deleteOptions: body.deleteOptions, dryRun, client });
  const retry = r.body.details?.retryAfterSeconds;
  return json(r.status, r.body, r.status === 429 && retry ? { 'retry-after': String(retry) } : {});
}

