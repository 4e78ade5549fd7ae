// The implicit budget of a workload that has no PodDisruptionBudget (REBOOT_IMPLICIT_BUDGET,
// ADR 0018): as many of its pods may be unavailable at once as its own rolling update allows.
// A Deployment's strategy.rollingUpdate.maxUnavailable resolved against its replicas (a percent
// rounds down, as the Deployment controller does; default 25 %), at least 1; a StatefulSet's
// updateStrategy.rollingUpdate.maxUnavailable (a percent rounds up, default 1); a ReplicaSet
// that no Deployment controls, 1. A workload with a PDB is governed by its PDB alone.
import { workloadOf } from './gates';
import { isFinished, isTerminating, pdbsSelecting, qualifiedName, type PdbFacts, type PodFacts, type WorkloadFacts } from './kubeFacts';

export type ImplicitBudget = 'rollout' | 'off';

const DEPLOYMENT_DEFAULT_MAX_UNAVAILABLE = '25%';

function scaled(value: number | string, total: number, roundUp: boolean, field: string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value.trim());
  if (!m) {
    if (/^\d+$/.test(value.trim())) return Number(value);
    throw new Error(`${field}: ${JSON.stringify(value)} is neither a whole number nor a percentage such as "25%"`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** How many pods of the workload may be unavailable at once when it has no PDB (at least 1). */
export function implicitBudgetOf(workload: WorkloadFacts): number {
  const field = `${workload.kind} ${qualifiedName(workload)} maxUnavailable`;
  switch (workload.kind) {
    case 'Deployment':
      return Math.max(1, scaled(workload.maxUnavailable ?? DEPLOYMENT_DEFAULT_MAX_UNAVAILABLE, workload.replicas, false, field));
    case 'StatefulSet':
      return Math.max(1, scaled(workload.maxUnavailable ?? 1, workload.replicas, true, field));
    case 'ReplicaSet':
      return 1;
  }
}

export interface HeldPod {
  pod: PodFacts;
  message: string;
}

export interface BudgetedEvictions {
  evict: PodFacts[];
  /** Pods kept for a later pass, until their workload's replacements are Ready. */
  held: HeldPod[];
}

export interface ImplicitBudgetInput {
  /** The pods the drain plan evicts, in its order. */
  evict: readonly PodFacts[];
  /** At least those pods' facts. */
  pods: readonly PodFacts[];
  /** The workloads owning them (ReplicaSets and their Deployments, StatefulSets). */
  workloads: readonly WorkloadFacts[];
  /** The PDBs of their namespaces. */
  pdbs: readonly PdbFacts[];
}

/**
 * Keeps each unbudgeted workload within its implicit budget for this pass: a Ready pod is
 * evicted only while fewer than `budget` of the workload's pods are unavailable (status
 * replicas − available, or its pods here already not Ready or terminating, whichever is more); a
 * pod that is not Ready costs nothing more and goes at once. Pods with a PDB, finished pods and pods of no
 * known workload pass through.
 *
 * A workload with more Ready pods here than its budget has left goes one pod per pass: its drain
 * can only finish if some replacements start elsewhere, and a replacement scheduled while its
 * siblings still run here sees the zone spread as it is, whereas evicting two at once lowers the
 * zone's count (the spread's minimum) first and leaves both replacements Pending (a zone-spread
 * Deployment on its zone's only node, docs/benchmarks.md "The 12-node cluster").
 */
export function limitByImplicitBudget(input: ImplicitBudgetInput): BudgetedEvictions {
  const facts = new Map(input.pods.map((p) => [p.uid, p]));
  const spent = new Map<WorkloadFacts, number>();
  const cap = new Map<WorkloadFacts, number>();
  const out: BudgetedEvictions = { evict: [], held: [] };
  for (const ref of input.evict) {
    const pod = facts.get(ref.uid) ?? ref;
    const workload = pod && !isFinished(pod) && pdbsSelecting(pod, input.pdbs).length === 0 ? workloadOf(pod, input.workloads) : undefined;
    if (!pod || !workload || !pod.ready) {
      out.evict.push(ref);
      continue;
    }
    const budget = implicitBudgetOf(workload);
    const notReadyHere = input.pods.filter((p) => (!p.ready || isTerminating(p)) && !isFinished(p) && workloadOf(p, input.workloads) === workload).length;
    const unavailable = spent.get(workload) ?? Math.max(workload.replicas - workload.availableReplicas, notReadyHere, 0);
    if (!cap.has(workload)) cap.set(workload, readyToEvict(input, facts, workload) > budget - unavailable ? Math.min(budget, unavailable + 1) : budget);
    if (unavailable < cap.get(workload)!) {
      out.evict.push(ref);
      spent.set(workload, unavailable + 1);
    } else {
      spent.set(workload, unavailable);
      out.held.push({
        pod: ref,
        message: `${workload.kind} ${qualifiedName(workload)} has no PDB: its rolling update allows ${budget} unavailable at once and ${unavailable} ${unavailable === 1 ? 'is' : 'are'}; ` +
          (unavailable < budget
            ? 'it has more pods here than that, so they leave one per pass, each replacement scheduled before the next goes (REBOOT_IMPLICIT_BUDGET=rollout)'
            : 'waiting for replacements to be Ready before evicting more (REBOOT_IMPLICIT_BUDGET=rollout)'),
      });
    }
  }
  return out;
}

/** The Ready pods of the workload this pass would evict. */
function readyToEvict(input: ImplicitBudgetInput, facts: ReadonlyMap<string, PodFacts>, workload: WorkloadFacts): number {
  return input.evict.filter((ref) => {
    const pod = facts.get(ref.uid) ?? ref;
    return pod.ready && !isFinished(pod) && workloadOf(pod, input.workloads) === workload;
  }).length;
}
