// Which workloads of an in-flight node no longer spend their budget (ADR 0019): the drain
// evicted every pod of the workload from the node and the workload is whole again — its
// replacements were placed elsewhere and are Ready. Pure: the run passes the live pods of the
// workloads' namespaces, their PDBs and ReplicaSets, read this round. Decided from the pods
// themselves, not a controller's status, which may lag an eviction.
// Never released: a workload with any pod still on the node (pods the drain leaves in place —
// DaemonSet, mirror — stay there until the reboot takes them down), a workload whose replacement
// is not Ready (one that can only come back to its node waits for it), a PDB whose status is
// behind its spec, and any controller other than a ReplicaSet (a StatefulSet's pod keeps its
// identity; the expected terms decide for it).
import { controllerOf, isFinished, isTerminating, pdbsSelecting, qualifiedName, type PdbFacts, type PodFacts, type WorkloadFacts } from './kubeFacts';

export interface ReleaseFacts {
  /** Every pod of the namespaces the workloads live in. */
  pods: readonly PodFacts[];
  pdbs: readonly PdbFacts[];
  replicaSets: readonly WorkloadFacts[];
}

/** The namespace a workload key (`PDB ns/name`, `ReplicaSet ns/name`, …) names; undefined for another form. */
export function namespaceOfKey(workload: string): string | undefined {
  const match = /^\S+ ([^/\s]+)\/[^/\s]+$/.exec(workload);
  return match?.[1];
}

function wholeWithoutNode(node: string, members: readonly PodFacts[], desired: number): boolean {
  const live = members.filter((p) => !isFinished(p));
  if (live.some((p) => p.nodeName === node)) return false;
  return live.filter((p) => p.ready && !isTerminating(p)).length >= desired;
}

/** Whether `workload`'s pods that were on `node` are gone from it and replaced by Ready ones. */
export function isReleased(node: string, workload: string, facts: ReleaseFacts): boolean {
  if (workload.startsWith('PDB ')) {
    const pdb = facts.pdbs.find((p) => `PDB ${qualifiedName(p)}` === workload);
    if (!pdb || pdb.status.observedGeneration < pdb.generation) return false;
    const members = facts.pods.filter((p) => pdbsSelecting(p, [pdb]).length > 0);
    return wholeWithoutNode(node, members, pdb.status.expectedPods);
  }
  if (workload.startsWith('ReplicaSet ')) {
    const rs = facts.replicaSets.find((r) => `ReplicaSet ${qualifiedName(r)}` === workload);
    if (!rs) return false;
    const members = facts.pods.filter((p) => {
      const owner = controllerOf(p);
      return p.namespace === rs.namespace && owner?.kind === 'ReplicaSet' && owner.name === rs.name;
    });
    return wholeWithoutNode(node, members, rs.replicas);
  }
  return false;
}
