// What the gates read: PodDisruptionBudgets with their computed status, and the rollout status of
// Deployments, StatefulSets, ReplicaSets and DaemonSets, listed (all pages) or read one by one.

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

export interface WorkloadLists {
  workloads: WorkloadFacts[];
  daemonSets: DaemonSetFacts[];
}

/** Deployments, StatefulSets and ReplicaSets (as core's WorkloadFacts) and DaemonSets. */
export async function listWorkloads(apis: KubeApis, namespace?: string): Promise<WorkloadLists> {
  const [deployments, statefulSets, replicaSets, daemonSets] = await Promise.all([
    pages('listing Deployments', namespace, (p) => apis.apps.listNamespacedDeployment(p), (p) => apis.apps.listDeploymentForAllNamespaces(p)),
    pages('listing StatefulSets', namespace, (p) => apis.apps.listNamespacedStatefulSet(p), (p) => apis.apps.listStatefulSetForAllNamespaces(p)),
    pages('listing ReplicaSets', namespace, (p) => apis.apps.listNamespacedReplicaSet(p), (p) => apis.apps.listReplicaSetForAllNamespaces(p)),
    pages('listing DaemonSets', namespace, (p) => apis.apps.listNamespacedDaemonSet(p), (p) => apis.apps.listDaemonSetForAllNamespaces(p)),
  ]);
  return {
    workloads: [
      ...deployments.map((w) => toWorkloadFacts('Deployment', w)),
      ...statefulSets.map((w) => toWorkloadFacts('StatefulSet', w)),
      ...replicaSets.map((w) => toWorkloadFacts('ReplicaSet', w)),
    ],
    daemonSets: daemonSets.map(toDaemonSetFacts),
  };
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
