// Fetches the facts core's rules read, for the pods at hand only: the workloads that own them
// (a ReplicaSet and its Deployment, a StatefulSet), the DaemonSets that still exist among
// their owners, the PDBs of their namespaces, and a workload's pods wherever they run. A few
// requests per owner or namespace rather than whole-cluster lists.
import type { KubeClient, PdbFacts, PodFacts, WorkloadFacts, WorkloadKind } from '../adapters/kube';
import { controllerOf } from '../core/kubeFacts';
import { matchesLabelSelector } from '../core/labelSelector';
import { mapBounded } from './runtime';

const PARALLEL_READS = 8;
const REPLICATED: ReadonlySet<string> = new Set<WorkloadKind>(['ReplicaSet', 'StatefulSet', 'Deployment']);

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

const workloadKey = (w: { kind: string; namespace: string; name: string }) => `${w.kind}/${w.namespace}/${w.name}`;

/**
 * The workloads that own `pods`: their ReplicaSets (and those ReplicaSets' Deployments) and
 * StatefulSets. Those in `known` (read moments ago by the caller) are not read again.
 */
export async function workloadsOwning(kube: KubeClient, pods: readonly PodFacts[], known: readonly WorkloadFacts[] = []): Promise<WorkloadFacts[]> {
  const have = new Map(known.map((w) => [workloadKey(w), w]));
  const read = async (ref: { kind: WorkloadKind; namespace: string; name: string }) => have.get(workloadKey(ref)) ?? kube.getWorkload(ref);
  const refs = unique(
    pods.flatMap((pod) => {
      const owner = controllerOf(pod);
      return owner && REPLICATED.has(owner.kind) ? [{ kind: owner.kind as WorkloadKind, namespace: pod.namespace, name: owner.name }] : [];
    }),
    workloadKey,
  );
  const direct = (await mapBounded(refs, PARALLEL_READS, read)).filter((w): w is WorkloadFacts => w !== undefined);
  const parents = unique(
    direct.flatMap((w) => (w.kind === 'ReplicaSet' && w.owner?.controller && w.owner.kind === 'Deployment' ? [{ kind: 'Deployment' as const, namespace: w.namespace, name: w.owner.name }] : [])),
    (r) => `${r.namespace}/${r.name}`,
  );
  const deployments = (await mapBounded(parents, PARALLEL_READS, read)).filter((w): w is WorkloadFacts => w !== undefined);
  return [...direct, ...deployments];
}

/** The DaemonSets among the pods' owners that still exist. */
export async function daemonSetsOwning(kube: KubeClient, pods: readonly PodFacts[]): Promise<Array<{ namespace: string; name: string }>> {
  const refs = unique(
    pods.flatMap((pod) => {
      const owner = controllerOf(pod);
      return owner?.kind === 'DaemonSet' ? [{ namespace: pod.namespace, name: owner.name }] : [];
    }),
    (r) => `${r.namespace}/${r.name}`,
  );
  const found = await mapBounded(refs, PARALLEL_READS, async (ref) => ((await kube.getDaemonSet(ref.namespace, ref.name)) ? ref : undefined));
  return found.filter((r): r is { namespace: string; name: string } => r !== undefined);
}

/** The PDBs of the given namespaces. */
export async function pdbsIn(kube: KubeClient, namespaces: Iterable<string>): Promise<PdbFacts[]> {
  const lists = await mapBounded([...new Set(namespaces)], PARALLEL_READS, (ns) => kube.listPdbs(ns));
  return lists.flat();
}

/** The pods a workload selects in its namespace, wherever they run. */
export async function podsOfWorkloads(kube: KubeClient, workloads: readonly WorkloadFacts[]): Promise<PodFacts[]> {
  const namespaces = [...new Set(workloads.map((w) => w.namespace))];
  const lists = await mapBounded(namespaces, PARALLEL_READS, (namespace) => kube.listPods({ namespace }));
  return lists.flat().filter((pod) => workloads.some((w) => w.namespace === pod.namespace && matchesLabelSelector(w.selector, pod.labels)));
}
