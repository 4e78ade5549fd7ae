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

/** Controllers whose replicas the pre-drain gate wants all available (core/gates.ts `workloadOf`). */
const GATED_KINDS = new Set(['ReplicaSet', 'StatefulSet']);

/** A pod the drain evicts whose ReplicaSet creates its replacement at once, wherever the scheduler places it. */
function replacedByReplicaSet(pod: PodFacts): boolean {
  return isDisruptedByDrain(pod) && controllerOf(pod)?.kind === 'ReplicaSet';
}

/**
 * A pod that allows one of its kind per node, on a pool whose every other node (among those
 * read: the run's candidates) already runs one: its replacement can only come back to its own
 * node. A pool node not among the candidates is not seen, so the pod counts as movable then; the
 * run learns otherwise from the cluster (ADR 0024).
 */
function noOtherNodeFor(pod: PodFacts, own: NodeFacts, facts: TermsFacts): boolean {
  if (!pod.onePerNode) return false;
  const owner = controllerOf(pod);
  const others = facts.nodes.filter((n) => n.pool === own.pool && n.name !== own.name && n.ready && !n.unschedulable);
  return others.every((n) => facts.pods.some((p) => p.nodeName === n.name && p.namespace === pod.namespace
    && controllerOf(p)?.name === owner?.name && !isFinished(p) && !isTerminating(p)));
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
    const perWorkload = new Map<string, { workload: string; pods: number; replacing: boolean; startToReady: number; grace: number; needsWhole: boolean }>();
    const goingDown = facts.pods.filter((p) => p.nodeName === node.name && !isFinished(p) && !isTerminating(p));
    for (const pod of goingDown) {
      for (const workload of workloadKeys(pod, facts.pdbs)) {
        const seen = perWorkload.get(workload);
        perWorkload.set(workload, {
          workload, pods: (seen?.pods ?? 0) + 1,
          replacing: (seen?.replacing ?? true) && replacedByReplicaSet(pod) && !noOtherNodeFor(pod, node, facts),
          startToReady: Math.max(seen?.startToReady ?? 0, startToReadySeconds(pod)),
          grace: Math.max(seen?.grace ?? 0, isDisruptedByDrain(pod) ? graceOf(pod) : 0),
          // The pre-drain gate wants a controller's evicted pods' workload whole (core/gates.ts).
          needsWhole: (seen?.needsWhole ?? false) || (isDisruptedByDrain(pod) && GATED_KINDS.has(controllerOf(pod)?.kind ?? '')),
        });
      }
    }
    const rounds = (w: { workload: string; pods: number }) => Math.ceil(w.pods / Math.max(1, budgets[w.workload] ?? 1));
    // The drain: the longest grace period, or longer when the node holds more pods of a workload
    // than its budget lets go at once — the later ones wait for replacements to be Ready.
    const drainSeconds = Math.max(
      0,
      ...goingDown.filter(isDisruptedByDrain).map(graceOf),
      ...[...perWorkload.values()].filter((w) => w.replacing).map((w) => (rounds(w) - 1) * w.startToReady + w.grace),
    );
    const disruptionSeconds = drainSeconds + RUN_COMMAND_START_SECONDS + (facts.rebootSecondsByPool?.[node.pool] ?? TYPICAL_REBOOT_SECONDS);
    const workloads = [...perWorkload.values()]
      .map(({ replacing, startToReady, grace: _grace, needsWhole, ...w }): PodsOnNode => ({
        ...w,
        ...(needsWhole ? { needsWhole } : {}),
        unavailableSeconds: disruptionSeconds + startToReady,
        ...(replacing ? { replacedSeconds: rounds(w) * startToReady, replacedPodSeconds: startToReady } : {}),
      }))
      .sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0));
    return { name: node.name, zone: node.zone, system: node.mode === 'system', disruptionSeconds, workloads };
  });
  return { nodes, budgets };
}

function graceOf(pod: PodFacts): number {
  return pod.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
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

/**
 * Seconds from a node's start to its drain's first evictions when nothing holds it: the lock,
 * the gate's look and the cordon, a few activity round trips.
 */
export const EVICTION_LEAD_SECONDS = 5;

/**
 * A node's terms with its ReplicaSet pods expected replaced elsewhere: such a workload is expected
 * whole `EVICTION_LEAD_SECONDS` + its replacements' start-to-Ready after the node starts, not
 * after its reboot — except the workloads in `staying`, whose replacements this run saw the
 * scheduler unable to place elsewhere. An expectation only: the live pre-drain gate, the release
 * reads and the drain's budgets decide (ADR 0024).
 */
export function withReplacements(node: CandidateNode, staying: readonly string[]): CandidateNode {
  return {
    ...node,
    workloads: node.workloads.map((w) => (w.replacedSeconds !== undefined && !staying.includes(w.workload)
      ? { ...w, unavailableSeconds: Math.min(w.unavailableSeconds, EVICTION_LEAD_SECONDS + w.replacedSeconds), podSeconds: w.replacedPodSeconds ?? w.replacedSeconds }
      : w)),
  };
}
