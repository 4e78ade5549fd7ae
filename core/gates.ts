// The two gates around a node's reboot, as pure decisions over facts fetched beforehand:
// pre-drain ("this node can be disrupted now without any workload losing more than it can
// afford") and recovered ("what we disrupted is whole again"). Together they replace kured's
// guessed --drain-delay / --lock-release-delay: in the seed scenario (4 replicas, one per node,
// 4-minute readiness) the next node waits until the previous node's replica is available again,
// with or without a PDB. Each returns every reason at once, naming the workload or PDB.

import {
  controllerOf,
  isDaemonSetPod,
  isDisruptedByDrain,
  isFinished,
  isTerminating,
  isUnplaceable,
  pdbsSelecting,
  qualifiedName,
  type NodeFacts,
  type PdbFacts,
  type PodFacts,
  type WorkloadFacts,
  type WorkloadRef,
} from './kubeFacts';

/**
 * A closed gate may say when it expects to open (ISO 8601; core/expectedReady), for the wait's
 * next look. A closed recovery gate also names the evicted workloads it found whole (ADR 0029).
 */
export type GateResult = { ok: true } | { ok: false; reasons: string[]; expectedOpenAt?: string; recovered?: WorkloadRef[] };

export interface PreDrainGateInput {
  node: NodeFacts;
  /** At least the pods on the node. */
  pods: readonly PodFacts[];
  /** The workloads owning those pods (ReplicaSets and their Deployments, StatefulSets). */
  workloads: readonly WorkloadFacts[];
  /** The PDBs of the pods' namespaces. */
  pdbs: readonly PdbFacts[];
}

export interface RecoveredGateInput extends PreDrainGateInput {
  /**
   * The workloads whose pods the drain evicted (as `workloadOf` named them). `pods` must then
   * also hold those workloads' pods wherever they run, to find the PDBs that cover them.
   */
  evicted: readonly WorkloadRef[];
  /**
   * When the reboot was sent (ISO 8601). A pod on the node counts as recovered only if its
   * containers started, or its Ready condition changed, after it: until the kubelet's first
   * sync after a fast reboot the API still shows the pods' Ready from before the reboot.
   */
  rebootedAfter?: string;
}

/** Ready from before the reboot: neither its containers' start nor its Ready transition is later than `after`. */
export function readyFromBeforeReboot(pod: PodFacts, after: string): boolean {
  const since = Date.parse(after);
  const later = (t: string | undefined) => t !== undefined && Date.parse(t) > since;
  return !later(pod.containersStartedAt) && !later(pod.readySince);
}

function result(reasons: string[]): GateResult {
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}

function describe(workload: WorkloadFacts): string {
  return `${workload.kind} ${qualifiedName(workload)}`;
}

function findWorkload(workloads: readonly WorkloadFacts[], ref: WorkloadRef): WorkloadFacts | undefined {
  return workloads.find((w) => w.kind === ref.kind && w.namespace === ref.namespace && w.name === ref.name);
}

// A ReplicaSet that a Deployment controls answers to the Deployment (a Deployment's replicas
// span its old and new ReplicaSets); an orphaned or foreign-owned one answers for itself.
function topWorkload(workload: WorkloadFacts | undefined, workloads: readonly WorkloadFacts[]): WorkloadFacts | undefined {
  if (workload?.kind !== 'ReplicaSet' || workload.owner?.controller !== true) return workload;
  return findWorkload(workloads, { kind: workload.owner.kind, namespace: workload.namespace, name: workload.owner.name }) ?? workload;
}

/**
 * The workload that keeps a pod's replica count: a ReplicaSet's Deployment when there is one,
 * else the ReplicaSet or StatefulSet itself. Undefined for pods without one (or whose owner is
 * gone: absent facts mean it no longer exists).
 */
export function workloadOf(pod: Pick<PodFacts, 'namespace' | 'ownerReferences'>, workloads: readonly WorkloadFacts[]): WorkloadFacts | undefined {
  const controller = controllerOf(pod);
  if (controller === undefined) return undefined;
  return topWorkload(findWorkload(workloads, { kind: controller.kind, namespace: pod.namespace, name: controller.name }), workloads);
}

function staleStatus(workload: WorkloadFacts): string | undefined {
  const { generation, observedGeneration } = workload;
  if (generation === undefined || observedGeneration === undefined || observedGeneration >= generation) return undefined;
  return `${describe(workload)}: status not yet updated for its latest spec (observedGeneration ${observedGeneration} < generation ${generation})`;
}

function replicaCounts(workload: WorkloadFacts): string {
  const rollout = workload.updatedReplicas < workload.replicas ? `, rollout in progress: ${workload.updatedReplicas}/${workload.replicas} updated` : '';
  return `${workload.availableReplicas}/${workload.replicas} available, ${workload.readyReplicas}/${workload.replicas} ready${rollout}`;
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

const workloadKey = (w: WorkloadFacts) => `${w.kind}/${qualifiedName(w)}`;

function pdbStale(pdb: PdbFacts): string | undefined {
  if (pdb.status.observedGeneration >= pdb.generation) return undefined;
  return `PDB ${qualifiedName(pdb)}: status is stale (observedGeneration ${pdb.status.observedGeneration} < generation ${pdb.generation}); the Eviction API refuses until the disruption controller catches up`;
}

// The apiserver evicts a not-Ready pod without spending the budget when the policy is
// AlwaysAllow, or (IfHealthyBudget, the default) while the PDB has all the healthy pods it wants.
function unreadyEvictsFreely(pdb: PdbFacts): boolean {
  return pdb.unhealthyPodEvictionPolicy === 'AlwaysAllow'
    || (pdb.status.desiredHealthy > 0 && pdb.status.currentHealthy >= pdb.status.desiredHealthy);
}

// The disruption controller needs a scale (Deployment, StatefulSet, ReplicaSet) for maxUnavailable
// or a percentage; over a DaemonSet's or static pods it fails safe and allows nothing, for good.
function scaleHint(pdb: PdbFacts, pods: readonly PodFacts[]): string {
  const needsScale = pdb.maxUnavailable !== undefined || typeof pdb.minAvailable === 'string';
  if (!needsScale || !pods.some((pod) => pod.isMirror || isDaemonSetPod(pod))) return '';
  return '; over DaemonSet or static pods a PDB can only use an integer minAvailable (Kubernetes docs: "Specifying a Disruption Budget for your Application", arbitrary controllers and selectors)';
}

/**
 * The PDBs of the pods a reboot takes down: those the drain evicts and those it leaves in place
 * (DaemonSet and mirror pods, which go down with the node all the same, so a PDB selecting them
 * is kept too). A Ready pod spends the budget; a not-Ready one only if its eviction would.
 */
function preDrainPdbReasons(pods: readonly PodFacts[], pdbs: readonly PdbFacts[]): string[] {
  const reasons: string[] = [];
  const podsByPdb = new Map<string, { pdb: PdbFacts; pods: PodFacts[] }>();
  for (const pod of pods) {
    const selecting = pdbsSelecting(pod, pdbs);
    if (selecting.length > 1 && isDisruptedByDrain(pod)) {
      reasons.push(`pod ${qualifiedName(pod)} is selected by several PDBs (${selecting.map(qualifiedName).join(', ')}): the Eviction API refuses to evict it`);
    }
    for (const pdb of selecting) {
      const entry = podsByPdb.get(qualifiedName(pdb)) ?? { pdb, pods: [] };
      entry.pods.push(pod);
      podsByPdb.set(qualifiedName(pdb), entry);
    }
  }
  for (const { pdb, pods: covered } of podsByPdb.values()) {
    const stale = pdbStale(pdb);
    if (stale) {
      reasons.push(stale);
      continue;
    }
    // One disruption is enough to start: with more of its pods here than the budget allows at
    // once, the drain evicts them in turn as the budget refills (as kubectl drain does).
    // Waiting for a budget larger than the PDB can ever give would never open.
    const spending = covered.filter((pod) => pod.ready || (isDisruptedByDrain(pod) && !unreadyEvictsFreely(pdb)));
    if (spending.length > 0 && pdb.status.disruptionsAllowed < 1) {
      reasons.push(
        `PDB ${qualifiedName(pdb)} allows no disruption now ` +
        `(${pdb.status.currentHealthy} healthy, ${pdb.status.desiredHealthy} desired) and this node holds ${spending.length} of its pods ` +
        `(${spending.map(qualifiedName).join(', ')})${scaleHint(pdb, spending)}`,
      );
    }
  }
  return reasons;
}

/**
 * Pre-drain gate: every workload with a pod on this node can take a disruption now. Its PDBs
 * allow at least one eviction, and its Deployment/StatefulSet/ReplicaSet has all replicas
 * available — counting this node's own not-Ready replicas as already lost, since evicting them
 * costs nothing more. Without a PDB the second rule alone still waits for the previous node's
 * replica to come back. A PDB over pods the drain leaves (a DaemonSet's) must allow one too:
 * the reboot takes them down.
 */
export function checkPreDrain(input: PreDrainGateInput): GateResult {
  const goingDown = input.pods.filter((pod) => pod.nodeName === input.node.name && !isFinished(pod) && !isTerminating(pod));
  const onNode = goingDown.filter(isDisruptedByDrain);
  const reasons = preDrainPdbReasons(goingDown, input.pdbs);

  const workloads = uniqueBy(onNode.flatMap((pod) => workloadOf(pod, input.workloads) ?? []), workloadKey);
  for (const workload of workloads) {
    const stale = staleStatus(workload);
    if (stale) {
      reasons.push(stale);
      continue;
    }
    const notReadyHere = onNode.filter((pod) => !pod.ready && workloadOf(pod, input.workloads) === workload).length;
    if (workload.availableReplicas + notReadyHere < workload.replicas) {
      // With its pods elsewhere in `pods`, those the scheduler cannot place say why it is short.
      reasons.push(`${describe(workload)}: ${replicaCounts(workload)}; waiting until all replicas are available before disrupting one on ${input.node.name}${unplacedPods(workload, input.pods, input.workloads)}`);
    }
  }
  return result(reasons);
}

/**
 * `; N pod(s) Pending, unschedulable: <pod> (<the scheduler's message>), …` for the pods of
 * `workload` among `pods` that the scheduler cannot place, or '' when there are none: no room, or
 * no node the pod may run on, is why the workload is short.
 */
export function unplacedPods(workload: WorkloadFacts, pods: readonly PodFacts[], workloads: readonly WorkloadFacts[]): string {
  const pending = pods.filter((pod) => isUnplaceable(pod) && workloadOf(pod, workloads) === workload);
  if (pending.length === 0) return '';
  const named = pending.slice(0, 3).map((pod) => `${qualifiedName(pod)} (${pod.unschedulable})`).join(', ');
  return `; ${pending.length} pod(s) Pending, unschedulable: ${named}${pending.length > 3 ? ', …' : ''}`;
}

/**
 * Recovery gate: the node is Ready, the pods now on it are Ready (finished and terminating pods
 * aside), the workloads whose pods were evicted are fully available again, and the PDBs covering
 * those workloads' pods are healthy (every expected pod healthy, status current). Workloads or
 * PDBs that no longer exist are not waited for. A closed gate names, in `recovered`, the evicted
 * workloads that are whole with healthy PDBs at this look: the wait need not look at them again
 * (ADR 0029: a later node may disrupt them, and its own gates answer for that).
 */
export function checkRecovered(input: RecoveredGateInput): GateResult {
  const reasons: string[] = [];
  if (!input.node.ready) reasons.push(`node ${input.node.name} is not Ready`);

  for (const pod of input.pods) {
    if (pod.nodeName !== input.node.name || isFinished(pod) || isTerminating(pod)) continue;
    if (!pod.ready) {
      reasons.push(`pod ${qualifiedName(pod)} on ${input.node.name} is not Ready yet (phase ${pod.phase})`);
    } else if (input.rebootedAfter !== undefined && readyFromBeforeReboot(pod, input.rebootedAfter)) {
      reasons.push(`pod ${qualifiedName(pod)} on ${input.node.name} shows Ready from before the reboot (containers started ${pod.containersStartedAt ?? 'unknown'}); waiting for the kubelet to report it after the boot`);
    }
  }

  const topOf = (ref: WorkloadRef) => topWorkload(findWorkload(input.workloads, ref), input.workloads);
  const workloads = uniqueBy(input.evicted.flatMap((ref) => topOf(ref) ?? []), workloadKey);
  const theirPods = input.pods.filter((pod) => {
    const workload = workloadOf(pod, input.workloads);
    return workload !== undefined && workloads.includes(workload);
  });
  const short = new Set<WorkloadFacts>();
  for (const workload of workloads) {
    const reason = workloadShort(workload, theirPods, input);
    if (reason) {
      reasons.push(reason);
      short.add(workload);
    }
  }

  const pdbs = uniqueBy(theirPods.flatMap((pod) => pdbsSelecting(pod, input.pdbs)), qualifiedName);
  for (const pdb of pdbs) {
    const stale = pdbStale(pdb);
    const { currentHealthy, desiredHealthy, expectedPods } = pdb.status;
    const reason = stale
      ?? (currentHealthy < desiredHealthy || currentHealthy < expectedPods
        ? `PDB ${qualifiedName(pdb)}: ${currentHealthy} of ${expectedPods} expected pods healthy (at least ${desiredHealthy} desired); waiting for all`
        : undefined);
    if (!reason) continue;
    reasons.push(reason);
    for (const pod of theirPods) if (pdbsSelecting(pod, [pdb]).length > 0) short.add(workloadOf(pod, input.workloads)!);
  }

  if (reasons.length === 0) return { ok: true };
  const recovered = input.evicted.filter((ref) => {
    const workload = topOf(ref);
    return workload !== undefined && !short.has(workload);
  });
  return { ok: false, reasons, ...(recovered.length > 0 && { recovered }) };
}

/** Why an evicted workload is not whole yet, from its controller's status checked against its pods; undefined when it is. */
function workloadShort(workload: WorkloadFacts, theirPods: readonly PodFacts[], input: RecoveredGateInput): string | undefined {
  const stale = staleStatus(workload);
  if (stale) return stale;
  const readyPods = theirPods.filter((pod) => pod.ready && !isTerminating(pod) && workloadOf(pod, input.workloads) === workload).length;
  if (workload.availableReplicas >= workload.replicas && workload.readyReplicas >= workload.replicas && readyPods < workload.replicas) {
    // A status from before the eviction (a stopped controller manager neither replaces the pod
    // nor writes status): the pods themselves say a replica is still missing.
    return `${describe(workload)}: its status shows ${replicaCounts(workload)} but only ${readyPods} of its pods are Ready (its controller has not updated the status yet); waiting for its evicted replicas to be available again${unplacedPods(workload, input.pods, input.workloads)}`;
  }
  if (workload.availableReplicas < workload.replicas || workload.readyReplicas < workload.replicas) {
    // Only its controller's status counts; when its pods all look Ready the status is what lags
    // (a busy or stopped controller manager), and saying so tells the operator why we wait.
    const lagging = readyPods >= workload.replicas ? ` (its ${readyPods} pods are Ready: its controller has not updated the status yet)` : '';
    return `${describe(workload)}: ${replicaCounts(workload)}${lagging}; waiting for its evicted replicas to be available again${unplacedPods(workload, input.pods, input.workloads)}`;
  }
  return undefined;
}
