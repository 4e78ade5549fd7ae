// What the gates read: PodDisruptionBudgets with their computed status, and the rollout status of
// Deployments, StatefulSets, ReplicaSets and DaemonSets read one by one, and DaemonSets' annotations.

import type { DaemonSetAnnotationsFact } from '../../core/blockers';
import { kubeCall, kubeCallExpecting } from './errors';
import { toDaemonSetFacts, toPdbFacts, toWorkloadFacts } from './convert';
import type { KubeApis } from './kubeApis';
import { DEFAULT_PAGE_SIZE, listAllPages } from './paginate';
import type { DaemonSetFacts, PdbFacts, WorkloadFacts, WorkloadKind } from './types';

type ListParams = { limit: number; _continue?: string };

function pages<T>(what: string, namespace: string | undefined, inNamespace: (p: ListParams & { namespace: string }) => Promise<{ items: T[]; metadata?: { _continue?: string } }>, everywhere: (p: ListParams) => Promise<{ items: T[]; metadata?: { _continue?: string } }>): Promise<T[]> {
  const label = namespace ? `${what} in ${namespace}` : what;
  return listAllPages(label, (token) => kubeCall(label, () => {
    const params: ListParams = { limit: DEFAULT_PAGE_SIZE, ...(token && { _continue: token }) };
    return namespace ? inNamespace({ ...params, namespace }) : everywhere(params);
  }));
}

export async function listPdbs(apis: KubeApis, namespace?: string): Promise<PdbFacts[]> {
  const items = await pages('listing PodDisruptionBudgets', namespace,
    (p) => apis.policy.listNamespacedPodDisruptionBudget(p), (p) => apis.policy.listPodDisruptionBudgetForAllNamespaces(p));
  return items.map(toPdbFacts);
}

/**
 * Every DaemonSet's annotations, cluster-wide and in pages: where kured keeps its reboot lock
 * (the kured-lock blocker reads it).
 */
export async function listDaemonSetAnnotations(apis: KubeApis): Promise<DaemonSetAnnotationsFact[]> {
  const what = 'listing DaemonSets';
  const items = await listAllPages(what, (token) => kubeCall(what, () => apis.apps.listDaemonSetForAllNamespaces({ limit: DEFAULT_PAGE_SIZE, ...(token && { _continue: token }) })));
  return items.map((ds) => ({
    namespace: ds.metadata?.namespace ?? '',
    name: ds.metadata?.name ?? '',
    annotations: { ...(ds.metadata?.annotations ?? {}) },
  }));
}

/** One workload's status; undefined when it no longer exists. */
export async function getWorkload(apis: KubeApis, ref: { kind: WorkloadKind; namespace: string; name: string }): Promise<WorkloadFacts | undefined> {
  const { kind, namespace, name } = ref;
  const what = `reading ${kind} ${namespace}/${name}`;
  const onMissing = { 404: () => undefined };
  switch (kind) {
    case 'Deployment': {
      const w = await kubeCallExpecting(what, () => apis.apps.readNamespacedDeployment({ name, namespace }), onMissing);
      return w && toWorkloadFacts(kind, w);
    }
    case 'StatefulSet': {
      const w = await kubeCallExpecting(what, () => apis.apps.readNamespacedStatefulSet({ name, namespace }), onMissing);
      return w && toWorkloadFacts(kind, w);
    }
    case 'ReplicaSet': {
      const w = await kubeCallExpecting(what, () => apis.apps.readNamespacedReplicaSet({ name, namespace }), onMissing);
      return w && toWorkloadFacts(kind, w);
    }
    default:
      throw new Error(`workload kind ${JSON.stringify(kind)} is not accepted (expected Deployment, StatefulSet or ReplicaSet)`);
  }
}

export async function getDaemonSet(apis: KubeApis, namespace: string, name: string): Promise<DaemonSetFacts | undefined> {
  const ds = await kubeCallExpecting(`reading DaemonSet ${namespace}/${name}`, () => apis.apps.readNamespacedDaemonSet({ name, namespace }), { 404: () => undefined });
  return ds && toDaemonSetFacts(ds);
}
