// Which workloads of an in-flight node no longer spend their budget (ADR 0019): the drain
// evicted every pod of the workload from the node and the workload is whole again — its
// replacements were placed elsewhere and are Ready. Pure: the run passes the live pods of the
// workloads' namespaces, their PDBs and ReplicaSets, read this round. Decided from the pods
// themselves, not a controller's status, which may lag an eviction.
// Never released: a workload with any pod still on the node (pods the drain leaves in place —
// DaemonSet, mirror — stay there until the reboot takes them down) unless the node is back from
// its reboot, whose pods are then new and count once their status is from after it (ADR 0025),
// a workload whose replacement
// is not Ready (one that can only come back to its node waits for it), a PDB whose status is
// behind its spec, and any controller other than a ReplicaSet (a StatefulSet's pod keeps its
// identity; the expected terms decide for it).
import { expectedReadyAt } from './expectedReady';
import { readyFromBeforeReboot } from './gates';
import { controllerOf, isFinished, isTerminating, isUnplaceable, pdbsSelecting, qualifiedName, type PdbFacts, type PodFacts, type WorkloadFacts } from './kubeFacts';

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

/** What a release read learns of one in-flight node's workload (core/releasedBudget). */
export interface ReleaseVerdict {
  /** Its pods are off the node and Ready replacements make it whole. */
  released: boolean;
  /**
   * When it is expected whole (ISO 8601): the drain took its pods off the node and its replacements
   * run or wait elsewhere, Ready no sooner than core/expectedReady says. Absent while a pod of it is
   * still on the node (the drain has not evicted it: nothing predicts when).
   */
  expectedAt?: string;
  /** It has a pod the scheduler cannot place. */
  unplaced: boolean;
}

/**
 * The three answers about one (node, workload) from one look at its members; undefined when its
 * facts are missing or stale (nothing is released, expected or learned then). Without `now`
 * (the look's time, ISO 8601) no expectation is made.
 */
export function releaseOf(node: string, workload: string, facts: ReleaseFacts, now?: string, rebootedAfter?: string): ReleaseVerdict | undefined {
  const of = membersOf(workload, facts);
  if (!of) return undefined;
  const live = of.members.filter((p) => !isFinished(p) && !isTerminating(p));
  // A node back from its reboot holds only pods placed or restarted after it: they do not hold
  // the workload's budget, but their status counts only once posted after the reboot (ADR 0025).
  const back = rebootedAfter !== undefined;
  const stillOnNode = !back && live.some((p) => p.nodeName === node);
  const ready = new Set(live.filter((p) => p.ready && !(back && p.nodeName === node && readyFromBeforeReboot(p, rebootedAfter))));
  const released = !stillOnNode && ready.size >= of.desired;
  // A pod terminating on the node is on its way out: its replacement is what counts (the
  // disruption controller counts no terminating pod as healthy either). While one still runs
  // there, the drain has not evicted it: nothing predicts when it is whole.
  const expectedAt = now === undefined || released || stillOnNode
    ? undefined
    : expectedReadyAt({ pods: live.filter((p) => !ready.has(p)), now, node, ...(back ? { rebootedAfter } : {}) });
  return { released, ...(expectedAt ? { expectedAt } : {}), unplaced: of.members.some(isUnplaceable) };
}
