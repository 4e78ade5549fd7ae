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
import { expectedReadyAt } from './expectedReady';
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
  // A pod terminating on the node is on its way out: its replacement is what counts (the
  // disruption controller counts no terminating pod as healthy either).
  if (live.some((p) => p.nodeName === node && !isTerminating(p))) return false;
  return live.filter((p) => p.ready && !isTerminating(p)).length >= desired;
}

/** The workload's member pods and how many must be Ready; undefined when its facts are missing or stale. */
function membersOf(workload: string, facts: ReleaseFacts): { members: PodFacts[]; desired: number } | undefined {
  if (workload.startsWith('PDB ')) {
    const pdb = facts.pdbs.find((p) => `PDB ${qualifiedName(p)}` === workload);
    if (!pdb || pdb.status.observedGeneration < pdb.generation) return undefined;
    return { members: facts.pods.filter((p) => pdbsSelecting(p, [pdb]).length > 0), desired: pdb.status.expectedPods };
  }
  if (workload.startsWith('ReplicaSet ')) {
    const rs = facts.replicaSets.find((r) => `ReplicaSet ${qualifiedName(r)}` === workload);
    if (!rs) return undefined;
    const members = facts.pods.filter((p) => {
      const owner = controllerOf(p);
      return p.namespace === rs.namespace && owner?.kind === 'ReplicaSet' && owner.name === rs.name;
    });
    return { members, desired: rs.replicas };
  }
  return undefined;
}

/** Whether `workload`'s pods that were on `node` are gone from it and replaced by Ready ones. */
export function isReleased(node: string, workload: string, facts: ReleaseFacts): boolean {
  const of = membersOf(workload, facts);
  return of !== undefined && wholeWithoutNode(node, of.members, of.desired);
}

/**
 * When a workload not released yet is expected whole (ISO 8601): the drain took its pods off the
 * node and its replacements run or wait elsewhere, Ready no sooner than core/expectedReady says.
 * Undefined while a pod of it is still on the node (the drain has not evicted it: nothing
 * predicts when) or its facts are missing.
 */
export function expectedReleaseAt(node: string, workload: string, facts: ReleaseFacts, now: string): string | undefined {
  const of = membersOf(workload, facts);
  if (!of) return undefined;
  const live = of.members.filter((p) => !isFinished(p) && !isTerminating(p));
  if (live.some((p) => p.nodeName === node)) return undefined;
  return expectedReadyAt({ pods: live.filter((p) => !p.ready), now, node });
}

/** Whether the workload has a pod the scheduler cannot place (Pending, PodScheduled=False Unschedulable). */
export function hasUnplacedPod(workload: string, facts: ReleaseFacts): boolean {
  const of = membersOf(workload, facts);
  return of !== undefined && of.members.some((p) => p.nodeName === '' && p.unschedulable !== undefined && !isFinished(p) && !isTerminating(p));
}
