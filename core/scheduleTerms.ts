// The expected terms the scheduler (core/criticalPathSchedule) and the plan's estimate work
// from, built from facts the product can read — the same terms as the critical-path bound:
// d_n = the longest grace period among the pods a drain removes + run-command's start + the
// pool's reboot time (its earlier nodes' measured reboot, else a typical AKS figure);
// u = d_n + the pod's start-to-Ready as observed on its running copy (Ready since − started), at
// least its readiness probe's initial delay, i.e. a pod counted as coming back to its own node:
// the product cannot see where a replacement may go, so it predicts the longer course; the live
// gates still decide.
// A node's workloads include the pods the drain leaves in place (DaemonSet and mirror pods) that
// a PDB selects: the reboot takes them down too, while the API can still show them Ready (AKS
// has no graceful node shutdown), so the scheduler counts them against their budget for as long
// as the node is in flight (ADR 0019).
import type { CandidateNode, PodsOnNode } from './criticalPathSchedule';
import { controllerOf, isDisruptedByDrain, isFinished, isTerminating, pdbsSelecting, qualifiedName, type NodeFacts, type PdbFacts, type PodFacts } from './kubeFacts';
import { pdbBudget } from './rolloutOrder';

/** AKS starts a run-command's pod within about 20 s of the request. */
export const RUN_COMMAND_START_SECONDS = 20;
/** A VM's reboot to a kubelet reporting Ready, before any node of the pool was measured. */
export const TYPICAL_REBOOT_SECONDS = 120;
/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;

export interface TermsFacts {
  nodes: readonly NodeFacts[];
  pods: readonly PodFacts[];
  pdbs: readonly PdbFacts[];
  /** Measured reboot seconds per pool (the run's earlier nodes); absent pools use TYPICAL_REBOOT_SECONDS. */
  rebootSecondsByPool?: Readonly<Record<string, number>>;
}

/** A node whose facts could not be read (a transient API failure left after retries), with why. */
export interface UnreadNode {
  node: string;
  reason: string;
}

export interface ScheduleTerms {
  nodes: CandidateNode[];
  budgets: Record<string, number>;
  /** Nodes whose terms are not known: the run holds them back and asks again (absent when none). */
  unread?: UnreadNode[];
}

/**
 * Terms read again for `asked` (nodes that were unread) laid over the earlier ones: each asked
 * node takes its fresh terms, is still unread, or is gone (no longer exists); budgets are the
 * fresh ones where read again.
 */
export function mergeTerms(earlier: ScheduleTerms, fresh: ScheduleTerms, asked: readonly string[]): ScheduleTerms {
  const redone = new Set(asked);
  const unread = [...(earlier.unread ?? []).filter((u) => !redone.has(u.node)), ...(fresh.unread ?? [])];
  return {
    nodes: [...earlier.nodes.filter((n) => !redone.has(n.name)), ...fresh.nodes],
    budgets: { ...earlier.budgets, ...fresh.budgets },
    ...(unread.length > 0 ? { unread } : {}),
  };
}

/** Observed on its running copy (Ready since − started), and never less than its readiness probe's initial delay. */
function startToReadySeconds(pod: PodFacts): number {
  const delay = pod.readinessDelaySeconds ?? 0;
  if (!pod.readySince || !pod.containersStartedAt) return delay;
  return Math.max(delay, Math.round((Date.parse(pod.readySince) - Date.parse(pod.containersStartedAt)) / 1000));
}

/** A running pod the drain leaves on the node (a DaemonSet's or a static pod's mirror): down while the node reboots. */
function leftInPlace(pod: PodFacts): boolean {
  return !isDisruptedByDrain(pod) && !isFinished(pod) && !isTerminating(pod);
}

/**
 * The workload keys a pod counts against: its PDBs, or its controller when none selects it (a
 * budget of one, ADR 0014). A pod left in place counts only against a PDB: a DaemonSet without
 * one declared no budget (it has a pod on every node, and counting it would make every run serial).
 */
function workloadKeys(pod: PodFacts, pdbs: readonly PdbFacts[]): string[] {
  const selecting = pdbsSelecting(pod, pdbs);
  if (selecting.length > 0) return selecting.map((pdb) => `PDB ${qualifiedName(pdb)}`);
  const owner = controllerOf(pod);
  return owner && !leftInPlace(pod) ? [`${owner.kind} ${pod.namespace}/${owner.name}`] : [];
}

export function scheduleTerms(facts: TermsFacts): ScheduleTerms {
  const budgets: Record<string, number> = {};
  for (const pdb of facts.pdbs) budgets[`PDB ${qualifiedName(pdb)}`] = pdbBudget(pdb);
  const nodes = facts.nodes.map((node): CandidateNode => {
    const drained = facts.pods.filter((p) => p.nodeName === node.name && isDisruptedByDrain(p));
    const shutdown = Math.max(0, ...drained.map((p) => p.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS));
    const disruptionSeconds = shutdown + RUN_COMMAND_START_SECONDS + (facts.rebootSecondsByPool?.[node.pool] ?? TYPICAL_REBOOT_SECONDS);
    const perWorkload = new Map<string, PodsOnNode>();
    const goingDown = facts.pods.filter((p) => p.nodeName === node.name && !isFinished(p) && !isTerminating(p));
    for (const pod of goingDown) {
      for (const workload of workloadKeys(pod, facts.pdbs)) {
        const seen = perWorkload.get(workload);
        const unavailableSeconds = Math.max(seen?.unavailableSeconds ?? 0, disruptionSeconds + startToReadySeconds(pod));
        perWorkload.set(workload, { workload, pods: (seen?.pods ?? 0) + 1, unavailableSeconds });
      }
    }
    const workloads = [...perWorkload.values()].sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0));
    return { name: node.name, zone: node.zone, system: node.mode === 'system', disruptionSeconds, workloads };
  });
  return { nodes, budgets };
}

/**
 * A node's terms once its pool's reboot-to-Ready time was measured in this run (seconds from the
 * reboot command to Ready, ADR 0023), for terms built on the typical figure: d_n and every u
 * move by the difference.
 */
export function withMeasuredReboot(node: CandidateNode, readySeconds: number | undefined): CandidateNode {
  if (readySeconds === undefined) return node;
  const shift = readySeconds - (RUN_COMMAND_START_SECONDS + TYPICAL_REBOOT_SECONDS);
  return {
    ...node,
    disruptionSeconds: Math.max(0, node.disruptionSeconds + shift),
    workloads: node.workloads.map((w) => ({ ...w, unavailableSeconds: Math.max(0, w.unavailableSeconds + shift) })),
  };
}
