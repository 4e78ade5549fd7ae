// Generic create/get/list/update/patch/delete over the store, with the apiserver's rules:
// names and namespaces checked, AlreadyExists and NotFound as Status errors, resourceVersion
// preconditions (409), status kept apart from the main resource, generation bumped on spec
// changes, selectors and limit/continue on lists, Tables when asked.
import type { Cluster } from '../cluster/cluster';
import { NAMESPACES, PODS } from '../cluster/resourceNames';
import { matchesFields, matchesRequirements, parseFieldSelector, parseLabelSelector, SelectorError } from '../cluster/selectors';
import { admitPod } from '../cluster/admission';
import { clone, objectKey } from '../cluster/store';
import type { KubeObject, Node, Pod, PodDisruptionBudget, Workload } from '../cluster/types';
import type { SimResponse } from '../contracts';
import { jsonPatch, JsonPatchError, mergePatch, strategicMergePatch, type JsonPatchOp } from './patch';
import { apiVersionOf, qualified, type ResourceInfo } from './resources';
import { alreadyExists, ApiError, badRequest, conflict, invalid, methodNotAllowed, notFound, statusBody } from './status';
import { toTable, wantsTable } from './table';

export interface Ctx {
  cluster: Cluster;
  info: ResourceInfo;
  namespace?: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  client: string;
}

const WITH_STATUS = new Set(['pods', 'nodes', 'namespaces', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'poddisruptionbudgets']);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function present(info: ResourceInfo, obj: KubeObject): KubeObject {
  return { apiVersion: apiVersionOf(info), kind: info.kind, ...clone(obj) };
}

function parseBody(info: ResourceInfo, body: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw badRequest(`the object provided is unrecognized (must be of type ${info.kind}): couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function existing(ctx: Ctx, name: string): KubeObject {
  const obj = ctx.cluster.store.get(ctx.info.store, ctx.namespace, name);
  if (!obj) throw notFound(qualified(ctx.info), name, ctx.info.group);
  return obj;
}

function requireNamespace(ctx: Ctx): void {
  if (ctx.info.namespaced && ctx.namespace && !ctx.cluster.store.get(NAMESPACES, undefined, ctx.namespace)) {
    throw notFound('namespaces', ctx.namespace);
  }
}

export function getObject(ctx: Ctx, name: string): unknown {
  const obj = present(ctx.info, existing(ctx, name));
  if (wantsTable(ctx.headers.accept)) {
    return toTable(ctx.info.resource, [obj], ctx.cluster.clock.now(), ctx.query.get('includeObject') ?? 'Metadata', { resourceVersion: String(ctx.cluster.store.resourceVersion) });
  }
  return obj;
}

/** A field's value as field selectors compare it (booleans as "true"/"false", missing as ""). */
export function fieldValue(obj: KubeObject, field: string): string {
  let cur: unknown = obj;
  for (const part of field.split('.')) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part] : undefined;
  if (field === 'spec.unschedulable' && cur === undefined) return 'false';
  return cur === undefined || cur === null ? '' : typeof cur === 'object' ? '' : String(cur);
}

/** The request's namespace, label and field selectors as one predicate (400 on a bad selector). */
export function requestMatcher(ctx: Ctx, name?: string): (o: KubeObject) => boolean {
  let labelReqs;
  let fieldReqs;
  try {
    labelReqs = parseLabelSelector(ctx.query.get('labelSelector') ?? '');
    fieldReqs = parseFieldSelector(ctx.query.get('fieldSelector') ?? '', ['metadata.name', 'metadata.namespace', ...ctx.info.fields]);
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
  if (name !== undefined) fieldReqs.push({ field: 'metadata.name', value: name, negate: false });
  return (o) => (!ctx.namespace || o.metadata.namespace === ctx.namespace)
    && matchesRequirements(labelReqs, o.metadata.labels) && matchesFields(fieldReqs, (f) => fieldValue(o, f));
}

/** Objects matching the request's namespace and selectors, sorted by key. */
export function selectObjects(ctx: Ctx): KubeObject[] {
  return ctx.cluster.store.list(ctx.info.store, ctx.namespace).filter(requestMatcher(ctx));
}

export function listObjects(ctx: Ctx): unknown {
  let items = selectObjects(ctx);
  const rv = String(ctx.cluster.store.resourceVersion);
  const token = ctx.query.get('continue');
  if (token) {
    let start: string;
    try {
      const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: string; start?: string };
      if (decoded.v !== 'meta.k8s.io/v1' || typeof decoded.start !== 'string') throw new Error('bad token');
      start = decoded.start;
    } catch {
      throw badRequest('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    }
    items = items.filter((o) => objectKey(o.metadata.namespace, o.metadata.name) > start);
  }
  const limit = Number(ctx.query.get('limit') ?? '0');
  const meta: Record<string, unknown> = { resourceVersion: rv };
  if (limit > 0 && items.length > limit) {
    const last = items[limit - 1]!;
    meta.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), start: objectKey(last.metadata.namespace, last.metadata.name) })).toString('base64');
    meta.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
  }
  if (wantsTable(ctx.headers.accept)) {
    return toTable(ctx.info.resource, items.map((o) => present(ctx.info, o)), ctx.cluster.clock.now(), ctx.query.get('includeObject') ?? 'Metadata', meta);
  }
  return {
    kind: `${ctx.info.kind}List`,
    apiVersion: apiVersionOf(ctx.info),
    metadata: meta,
    items: items.map((o) => {
      const { apiVersion: _a, kind: _k, ...rest } = clone(o);
      return rest;
    }),
  };
}

function validateName(ctx: Ctx, obj: KubeObject): void {
  const name = obj.metadata.name;
  if (!name && !obj.metadata.generateName) {
    throw invalid(ctx.info.kind, '', '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }]);
  }
  if (name && (!DNS_SUBDOMAIN.test(name) || name.length > 253)) {
    throw invalid(ctx.info.kind, name, '', [{ field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: ${DNS_SUBDOMAIN_MESSAGE}` }]);
  }
}

function validateKind(ctx: Ctx, obj: KubeObject): void {
  const name = obj.metadata.name || obj.metadata.generateName || '';
  const causes: { field: string; message: string; reason?: string }[] = [];
  if (ctx.info.resource === 'pods') {
    const pod = obj as Pod;
    const containers = pod.spec?.containers;
    if (!Array.isArray(containers) || containers.length === 0) causes.push({ field: 'spec.containers', message: 'Required value', reason: 'FieldValueRequired' });
    else containers.forEach((c, i) => {
      if (!c.name) causes.push({ field: `spec.containers[${i}].name`, message: 'Required value', reason: 'FieldValueRequired' });
      if (!c.image) causes.push({ field: `spec.containers[${i}].image`, message: 'Required value', reason: 'FieldValueRequired' });
    });
  } else if (['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(ctx.info.resource)) {
    const w = obj as Workload;
    const sel = w.spec?.selector;
    if (!sel || (!sel.matchLabels && !sel.matchExpressions)) causes.push({ field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' });
    else {
      const labels = w.spec.template?.metadata?.labels ?? {};
      if (Object.entries(sel.matchLabels ?? {}).some(([k, v]) => labels[k] !== v)) {
        causes.push({ field: 'spec.template.metadata.labels', message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\`` });
      }
    }
    if (!Array.isArray(w.spec?.template?.spec?.containers) || w.spec.template.spec.containers.length === 0) {
      causes.push({ field: 'spec.template.spec.containers', message: 'Required value', reason: 'FieldValueRequired' });
    }
  } else if (ctx.info.resource === 'poddisruptionbudgets') {
    const p = obj as PodDisruptionBudget;
    if (p.spec?.minAvailable !== undefined && p.spec.maxUnavailable !== undefined) {
      causes.push({ field: 'spec', message: `Invalid value: ${JSON.stringify(p.spec)}: minAvailable and maxUnavailable cannot be both set` });
    }
  }
  if (causes.length) throw invalid(ctx.info.kind, name, ctx.info.group, causes);
}

/** Validating admission of a pod create (dry runs too): Pod Security, then the policy webhooks; a denial is a 403. */
function admit(ctx: Ctx, pod: Pod): void {
  const namespace = ctx.namespace ?? 'default';
  const labels = ctx.cluster.store.get(NAMESPACES, undefined, namespace)?.metadata.labels;
  const result = admitPod(pod, namespace, labels, ctx.cluster.scenario.cluster.admission);
  if (!result.allowed) throw new ApiError(403, 'Forbidden', result.message, { name: pod.metadata.name ?? '', kind: 'pods' });
}

export function createObject(ctx: Ctx, body: Buffer): unknown {
  const raw = parseBody(ctx.info, body);
  const obj = raw as unknown as KubeObject;
  obj.metadata = { ...((raw.metadata as object | undefined) ?? {}) } as KubeObject['metadata'];
  if (ctx.info.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== ctx.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = ctx.namespace;
  } else delete obj.metadata.namespace;
  validateName(ctx, obj);
  requireNamespace(ctx);
  validateKind(ctx, obj);
  if (ctx.info.resource === 'pods') admit(ctx, obj as Pod);
  const name = obj.metadata.name;
  if (name && ctx.cluster.store.get(ctx.info.store, ctx.namespace, name)) throw alreadyExists(qualified(ctx.info), name, ctx.info.group);
  obj.apiVersion = apiVersionOf(ctx.info);
  obj.kind = ctx.info.kind;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'generation'] as const) delete obj.metadata[k];
  if (ctx.query.getAll('dryRun').includes('All')) {
    return { ...obj, metadata: { ...obj.metadata, name: name || `${obj.metadata.generateName}${ctx.cluster.randomSuffix()}`, uid: ctx.cluster.uuid(), creationTimestamp: ctx.cluster.iso() } };
  }
  if (ctx.info.resource === 'pods') {
    const pod = obj as Pod;
    pod.status = {};
    return present(ctx.info, ctx.cluster.createPod(pod));
  }
  if (!obj.metadata.name) {
    let n: string;
    do n = `${obj.metadata.generateName}${ctx.cluster.randomSuffix()}`;
    while (ctx.cluster.store.get(ctx.info.store, ctx.namespace, n));
    obj.metadata.name = n;
  }
  if (WITH_STATUS.has(ctx.info.resource)) obj.status = ctx.info.resource === 'namespaces' ? { phase: 'Active' } : {};
  if (ctx.info.resource === 'namespaces') {
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    obj.spec = { finalizers: ['kubernetes'] };
  }
  if (['deployments', 'replicasets', 'statefulsets'].includes(ctx.info.resource)) {
    const w = obj as Workload;
    w.spec.replicas ??= 1;
  }
  const created = ctx.cluster.store.create(ctx.info.store, obj);
  ctx.cluster.settle();
  return present(ctx.info, created);
}

/** Writes `next` over the live object in place (timers hold the live object), with the apiserver's invariants. */
function commit(ctx: Ctx, live: KubeObject, next: KubeObject, sub: string | undefined): unknown {
  const name = live.metadata.name;
  const rv = next.metadata?.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== live.metadata.resourceVersion) throw conflict(qualified(ctx.info), name, ctx.info.group);
  let result: KubeObject;
  if (sub === 'status') {
    result = { ...clone(live), status: next.status };
  } else {
    result = { ...next, metadata: { ...next.metadata } };
    const keep = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace', 'name'] as const;
    for (const k of keep) {
      if (live.metadata[k] === undefined) delete result.metadata[k];
      else (result.metadata as Record<string, unknown>)[k] = live.metadata[k];
    }
    if (WITH_STATUS.has(ctx.info.resource)) result.status = clone(live.status);
    if (JSON.stringify(live.spec) !== JSON.stringify(result.spec)) result.metadata.generation = (live.metadata.generation ?? 1) + 1;
  }
  result.apiVersion = apiVersionOf(ctx.info);
  result.kind = ctx.info.kind;
  if (ctx.query.getAll('dryRun').includes('All')) return present(ctx.info, result);
  const emptied = deletesDuringUpdate(live, result);
  for (const k of Object.keys(live)) delete (live as Record<string, unknown>)[k];
  Object.assign(live, result);
  if (emptied) {
    const answer = present(ctx.info, live);
    if (ctx.info.resource === 'pods') ctx.cluster.removePod(live as Pod);
    else ctx.cluster.store.remove(ctx.info.store, live);
    ctx.cluster.settle();
    return answer;
  }
  if (ctx.info.resource === 'nodes') ctx.cluster.syncNodeTaints(live as Node);
  ctx.cluster.store.touch(ctx.info.store, live);
  ctx.cluster.settle();
  return present(ctx.info, live);
}

/**
 * An update that takes the last finalizer off an object whose deletion has nothing left to wait
 * for (no grace period, or 0: for a pod, once the kubelet's final delete came) deletes it, and
 * answers with the object as updated (k8s.io/apiserver registry/generic/registry/store.go:
 * `ShouldDeleteDuringUpdate`, then `deleteWithoutFinalizers`). A pod still in its grace period
 * stays until the kubelet has stopped it.
 */
function deletesDuringUpdate(live: KubeObject, next: KubeObject): boolean {
  if ((next.metadata.finalizers?.length ?? 0) > 0 || live.metadata.deletionTimestamp === undefined) return false;
  return (live.metadata.deletionGracePeriodSeconds ?? 0) === 0;
}

export function updateObject(ctx: Ctx, name: string, body: Buffer, sub: string | undefined): unknown {
  const next = parseBody(ctx.info, body) as unknown as KubeObject;
  if (!next.metadata || typeof next.metadata !== 'object') throw badRequest('metadata is required');
  if (next.metadata.name !== name) throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
  if (ctx.info.namespaced && next.metadata.namespace && next.metadata.namespace !== ctx.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const live = existing(ctx, name);
  if (sub !== 'status') validateKind(ctx, next);
  return commit(ctx, live, next, sub);
}

/** Applies a merge, strategic merge or JSON patch by its Content-Type. */
export function applyPatch(current: unknown, body: Buffer, contentType: string | undefined): KubeObject {
  const type = (contentType ?? '').split(';')[0]!.trim();
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  try {
    switch (type) {
      case 'application/merge-patch+json': return mergePatch(current, patch) as KubeObject;
      case 'application/strategic-merge-patch+json': return strategicMergePatch(current, patch) as KubeObject;
      case 'application/json-patch+json':
        if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
        return jsonPatch(current, patch as JsonPatchOp[]) as KubeObject;
      default:
        throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
    }
  } catch (e) {
    if (e instanceof JsonPatchError) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${e.message}`);
    throw e;
  }
}

export function patchObject(ctx: Ctx, name: string, body: Buffer, contentType: string | undefined, sub: string | undefined): unknown {
  const live = existing(ctx, name);
  const current = present(ctx.info, live);
  const next = applyPatch(current, body, contentType);
  if (!next || typeof next !== 'object' || !next.metadata) throw badRequest('the patch removed metadata');
  if (next.metadata.name !== name) throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
  if (next.metadata.resourceVersion === current.metadata.resourceVersion) delete next.metadata.resourceVersion;
  if (sub !== 'status') validateKind(ctx, next);
  return commit(ctx, live, next, sub);
}

interface DeleteBody {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  dryRun?: string[];
}

function deleteOptions(ctx: Ctx, body: Buffer): DeleteBody {
  let opts: DeleteBody = {};
  if (body.length) {
    try {
      opts = JSON.parse(body.toString('utf8')) as DeleteBody;
    } catch (e) {
      throw badRequest(`error decoding DeleteOptions: ${(e as Error).message}`);
    }
  }
  const grace = ctx.query.get('gracePeriodSeconds');
  if (grace !== null) opts.gracePeriodSeconds = Number(grace);
  if (ctx.query.getAll('dryRun').includes('All')) opts.dryRun = ['All'];
  return opts;
}

export function deleteObject(ctx: Ctx, name: string, body: Buffer): SimResponse {
  const opts = deleteOptions(ctx, body);
  const dryRun = (opts.dryRun ?? []).includes('All');
  const json = (status: number, b: unknown): SimResponse => ({ status, headers: { 'content-type': 'application/json' }, body: b });
  if (ctx.info.resource === 'pods') {
    const r = ctx.cluster.deletePod(ctx.namespace!, name, { gracePeriodSeconds: opts.gracePeriodSeconds, preconditions: opts.preconditions, dryRun, client: ctx.client });
    if (!r.ok) throw new ApiError(r.status, r.reason, r.message, { name, kind: 'pods' });
    return json(200, present(ctx.info, r.pod));
  }
  const live = existing(ctx, name);
  const pre = opts.preconditions;
  if ((pre?.uid && pre.uid !== live.metadata.uid) || (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion)) {
    throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(ctx.info)} "${name}": Precondition failed`, { name, kind: ctx.info.resource });
  }
  const snapshot = present(ctx.info, live);
  if (dryRun) return json(200, snapshot);
  if (ctx.info.resource === 'namespaces') {
    for (const table of ['pods', 'events', 'leases.coordination.k8s.io', 'poddisruptionbudgets.policy', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'events.events.k8s.io']) {
      for (const o of ctx.cluster.store.list(table, name)) {
        if (table === PODS) ctx.cluster.removePod(o as Pod);
        else ctx.cluster.store.remove(table, o);
      }
    }
    ctx.cluster.store.remove(NAMESPACES, live);
    ctx.cluster.settle();
    return json(200, { ...snapshot, metadata: { ...snapshot.metadata, deletionTimestamp: ctx.cluster.iso() }, status: { phase: 'Terminating' } });
  }
  if (ctx.info.resource === 'nodes') {
    ctx.cluster.deleteNode(name);
    return json(200, statusBody(200, undefined, '', { name, kind: 'nodes', uid: live.metadata.uid } as never));
  }
  ctx.cluster.store.remove(ctx.info.store, live);
  ctx.cluster.settle();
  return json(200, { ...statusBody(200, undefined, ''), details: { name, ...(ctx.info.group ? { group: ctx.info.group } : {}), kind: ctx.info.resource, uid: live.metadata.uid } });
}

export function deleteCollection(ctx: Ctx): unknown {
  if (!ctx.info.verbs.includes('deletecollection')) throw methodNotAllowed();
  const items = selectObjects(ctx);
  for (const o of items) {
    if (ctx.info.resource === 'pods') ctx.cluster.deletePod(o.metadata.namespace!, o.metadata.name, { client: ctx.client });
    else ctx.cluster.store.remove(ctx.info.store, o);
  }
  ctx.cluster.settle();
  return { kind: `${ctx.info.kind}List`, apiVersion: apiVersionOf(ctx.info), metadata: { resourceVersion: String(ctx.cluster.store.resourceVersion) }, items: items.map((o) => clone(o)) };
}

function scaleOf(w: Workload): unknown {
  const sel = Object.entries(w.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: w.metadata.name, namespace: w.metadata.namespace, uid: w.metadata.uid, resourceVersion: w.metadata.resourceVersion, creationTimestamp: w.metadata.creationTimestamp },
    spec: { replicas: w.spec.replicas ?? 1 },
    status: { replicas: Number(w.status?.replicas ?? 0), selector: sel },
  };
}

export function readScale(ctx: Ctx, name: string): unknown {
  return scaleOf(existing(ctx, name) as Workload);
}

export function writeScale(ctx: Ctx, name: string, method: string, body: Buffer, contentType: string | undefined): unknown {
  const live = existing(ctx, name) as Workload;
  const current = scaleOf(live) as { spec: { replicas: number }; metadata: { resourceVersion?: string } };
  const next = (method === 'PUT' ? parseBody(ctx.info, body) : applyPatch(current, body, contentType)) as unknown as { spec?: { replicas?: number }; metadata?: { resourceVersion?: string } };
  const replicas = next.spec?.replicas;
  if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
    throw invalid('Scale', name, 'autoscaling', [{ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
  }
  const rv = next.metadata?.resourceVersion;
  if (method === 'PUT' && rv && rv !== live.metadata.resourceVersion) throw conflict(qualified(ctx.info), name, ctx.info.group);
  if (live.spec.replicas !== replicas) {
    live.spec.replicas = replicas;
    live.metadata.generation = (live.metadata.generation ?? 1) + 1;
    ctx.cluster.store.touch(ctx.info.store, live);
    ctx.cluster.settle();
  }
  return scaleOf(live);
}

