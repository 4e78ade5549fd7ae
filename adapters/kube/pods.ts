// Pods: list (all pages) on a node or by selector, evict through policy/v1 with the outcomes
// kubectl drain sorts (429 = blocked for now, 404 = gone), delete, and the helper pods of
// docs/design.md#exactly-once-reboot-and-the-helper-pods (created from core's manifests; AlreadyExists is an answer, not a fault).

import type { ApiException, V1Pod } from '@kubernetes/client-node';
import type { PodManifest } from '../../core/helperPods';
import { ACCEPTED_FORMS, isDns1123Label, isDns1123Subdomain } from '../../core/k8sNames';
import { toHelperPodStatus, toPodFacts } from './convert';
import { kubeCall, kubeCallExpecting, statusBody, type StatusBody } from './errors';
import type { KubeApis } from './kubeApis';
import { DEFAULT_PAGE_SIZE, listAllPages } from './paginate';
import type { CreatePodOutcome, DeleteOutcome, DryRunOutcome, EvictionOutcome, HelperPodStatus, PodFacts } from './types';

export interface PodQuery {
  /** Every namespace when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  pageSize?: number;
}

export interface PodTarget {
  namespace: string;
  name: string;
  /** When given, only this very pod is acted on: a successor of the same name is left alone. */
  uid?: string;
}

const GONE = { outcome: 'gone' } as const;

export async function listPods(apis: KubeApis, query: PodQuery = {}): Promise<PodFacts[]> {
  return (await listRawPods(apis, query, 'listing pods')).map(toPodFacts);
}

/** Every pod bound to the node (`spec.nodeName`), all namespaces, fetched in pages. */
export async function listPodsOnNode(apis: KubeApis, node: string, pageSize = DEFAULT_PAGE_SIZE): Promise<PodFacts[]> {
  checkName('node', node, isDns1123Subdomain, ACCEPTED_FORMS.dns1123Subdomain);
  return (await listRawPods(apis, { fieldSelector: `spec.nodeName=${node}`, pageSize }, `listing pods on node ${node}`)).map(toPodFacts);
}

/** Helper pods (or any pods) of one namespace matching a label selector, with their exit state. */
export async function listHelperPods(apis: KubeApis, namespace: string, labelSelector: string): Promise<HelperPodStatus[]> {
  checkName('namespace', namespace, isDns1123Label, ACCEPTED_FORMS.dns1123Label);
  return (await listRawPods(apis, { namespace, labelSelector }, `listing pods ${labelSelector} in ${namespace}`)).map(toHelperPodStatus);
}

function listRawPods(apis: KubeApis, query: PodQuery, what: string): Promise<V1Pod[]> {
  const limit = query.pageSize ?? DEFAULT_PAGE_SIZE;
  return listAllPages(what, (token) => kubeCall(what, () => {
    const params = {
      limit,
      ...(query.labelSelector && { labelSelector: query.labelSelector }),
      ...(query.fieldSelector && { fieldSelector: query.fieldSelector }),
      ...(token && { _continue: token }),
    };
    return query.namespace ? apis.core.listNamespacedPod({ namespace: query.namespace, ...params }) : apis.core.listPodForAllNamespaces(params);
  }));
}

/**
 * One eviction request (policy/v1). 429 (a PodDisruptionBudget, or throttling) is `blocked` with
 * the apiserver's message; 404, or a uid precondition failing (409), is `gone`.
 */
export async function evictPod(apis: KubeApis, pod: PodTarget, options: { gracePeriodSeconds?: number } = {}): Promise<EvictionOutcome> {
  const { namespace, name } = pod;
  const deleteOptions = {
    ...(options.gracePeriodSeconds !== undefined && { gracePeriodSeconds: options.gracePeriodSeconds }),
    ...(pod.uid && { preconditions: { uid: pod.uid } }),
  };
  return kubeCallExpecting<EvictionOutcome, EvictionOutcome>(`evicting pod ${namespace}/${name}`, async () => {
    await apis.core.createNamespacedPodEviction({
      name,
      namespace,
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions },
    });
    return { outcome: 'evicted' };
  }, {
    429: (err) => ({ outcome: 'blocked', message: blockedMessage(statusBody(err)) }),
    404: () => GONE,
    409: () => GONE,
  });
}

/** The Status message and its causes: the PDB's own explanation ("needs 3 healthy pods and has 3"). */
function blockedMessage(status: StatusBody): string {
  const parts = [status.message, ...(status.details?.causes ?? []).map((c) => c.message)].filter((p): p is string => !!p);
  return [...new Set(parts)].join(': ') || 'eviction refused (429) without a message';
}

export async function deletePod(apis: KubeApis, pod: PodTarget, options: { gracePeriodSeconds?: number } = {}): Promise<DeleteOutcome> {
  const { namespace, name } = pod;
  return kubeCallExpecting<DeleteOutcome, DeleteOutcome>(`deleting pod ${namespace}/${name}`, async () => {
    await apis.core.deleteNamespacedPod({
      name,
      namespace,
      ...(options.gracePeriodSeconds !== undefined && { gracePeriodSeconds: options.gracePeriodSeconds }),
      ...(pod.uid && { body: { preconditions: { uid: pod.uid } } }),
    });
    return { outcome: 'deleted' };
  }, { 404: () => GONE, 409: () => GONE });
}

/** Creates a helper pod from its manifest; an existing pod of that name is `exists`, read back. */
export async function createHelperPod(apis: KubeApis, manifest: PodManifest): Promise<CreatePodOutcome & { pod?: HelperPodStatus }> {
  const { namespace, name } = manifest.metadata;
  const created = await kubeCallExpecting(`creating helper pod ${namespace}/${name}`, () => apis.core.createNamespacedPod({
    namespace,
    // Our manifest is a plain pod object; the client serializes the fields it knows, which are all of them.
    body: manifest as unknown as V1Pod,
  }), { 409: () => 'exists' as const });
  if (created !== 'exists') return { outcome: 'created', pod: toHelperPodStatus(created) };
  const existing = await readHelperPod(apis, namespace, name);
  return existing ? { outcome: 'exists', pod: existing } : { outcome: 'exists' };
}

/**
 * A server-side dry run of the create (`dryRun=All`): admission runs, nothing is stored. A refusal
 * (403 admission or RBAC, 404 no namespace, 422 invalid) is an answer; anything else is a failure.
 */
export async function dryRunCreatePod(apis: KubeApis, manifest: PodManifest): Promise<DryRunOutcome> {
  const { namespace, name } = manifest.metadata;
  const refused = (err: ApiException<unknown>): DryRunOutcome => {
    const status = statusBody(err);
    return { admitted: false, status: err.code, message: status.message ?? `HTTP ${err.code}` };
  };
  return kubeCallExpecting<DryRunOutcome, DryRunOutcome>(`dry-run creating pod ${namespace}/${name}`, async () => {
    await apis.core.createNamespacedPod({ namespace, body: manifest as unknown as V1Pod, dryRun: 'All' });
    return { admitted: true };
  }, { 403: refused, 404: refused, 422: refused });
}

export async function readHelperPod(apis: KubeApis, namespace: string, name: string): Promise<HelperPodStatus | undefined> {
  const pod = await kubeCallExpecting(`reading pod ${namespace}/${name}`, () => apis.core.readNamespacedPod({ name, namespace }), { 404: () => undefined });
  return pod && toHelperPodStatus(pod);
}

export function deleteHelperPod(apis: KubeApis, namespace: string, name: string): Promise<DeleteOutcome> {
  return deletePod(apis, { namespace, name });
}

function checkName(field: string, value: string, valid: (v: string) => boolean, accepted: string): void {
  if (!valid(value)) throw new Error(`${field} ${JSON.stringify(value)} is not accepted (expected ${accepted})`);
}
