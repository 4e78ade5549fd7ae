// The facts about Kubernetes objects that the rules of core/ decide on (drain plan, gates,
// rollout order): plain JSON that adapters/kube fetches beforehand and passes in, so that every
// rule is a pure function and a dry run or a test is just a set of facts. Only the fields the
// rules read, plus the few questions every rule asks of them.

import { matchesLabelSelector, type LabelSelector } from './labelSelector';

export interface OwnerReference {
  kind: string;
  name: string;
  /** True for the managing controller (metav1.GetControllerOf); other owners don't manage. */
  controller?: boolean;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodFacts {
  namespace: string;
  name: string;
  uid: string;
  /** spec.nodeName; '' while unscheduled. */
  nodeName: string;
  phase: PodPhase;
  /** The pod's Ready condition is True. */
  ready: boolean;
  /** When the Ready condition last changed (lastTransitionTime, ISO 8601), if known. */
  readySince?: string;
  /** When the last of its containers started running (state.running.startedAt, ISO 8601); absent unless all run. */
  containersStartedAt?: string;
  /** metadata.deletionTimestamp (ISO 8601) once the pod is terminating. */
  deletionTimestamp?: string;
  labels: Readonly<Record<string, string>>;
  ownerReferences: readonly OwnerReference[];
  /** A static pod's mirror (annotation kubernetes.io/config.mirror): the kubelet owns it. */
  isMirror: boolean;
  /** Names of the pod's emptyDir volumes (data lost on eviction). */
  emptyDirVolumes: readonly string[];
  terminationGracePeriodSeconds?: number;
  /** The longest readiness probe initialDelaySeconds among its containers: Ready no sooner after they start. */
  readinessDelaySeconds?: number;
  /** The scheduler's message while the pod cannot be placed (PodScheduled=False, Unschedulable). */
  unschedulable?: string;
  /**
   * True when a required pod anti-affinity term on `kubernetes.io/hostname` selects the pod's own
   * labels: no two such pods share a node, so a replacement needs a node without one.
   */
  onePerNode?: boolean;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'ReplicaSet';

/**
 * A Deployment, StatefulSet or ReplicaSet (apps/v1) and its status. Adapters pass every one that
 * owns a pod under consideration (a ReplicaSet and its Deployment); one that is absent is taken
 * to no longer exist, so list them rather than guess.
 */
export interface WorkloadFacts {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** spec.replicas: the desired count. */
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  updatedReplicas: number;
  selector: LabelSelector;
  /** A ReplicaSet's controller, usually its Deployment. */
  owner?: OwnerReference;
  /** metadata.generation and status.observedGeneration: a lower observed one means stale status. */
  generation?: number;
  observedGeneration?: number;
  /**
   * The rolling update's maxUnavailable (int or "N%") as the object states it: a Deployment's
   * spec.strategy.rollingUpdate, a StatefulSet's spec.updateStrategy.rollingUpdate; absent when
   * unset (or a Recreate/OnDelete strategy).
   */
  maxUnavailable?: number | string;
}

/** A PodDisruptionBudget (policy/v1) and the status the disruption controller computed. */
export interface PdbFacts {
  namespace: string;
  name: string;
  /** policy/v1: `{}` selects every pod of the namespace, null selects none. */
  selector: LabelSelector | null;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  /** policy/v1 default IfHealthyBudget: a not-Ready pod is evicted freely only while the budget is met. */
  unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
  /** metadata.generation; the apiserver refuses evictions while status.observedGeneration lags it. */
  generation: number;
  status: {
    expectedPods: number;
    currentHealthy: number;
    desiredHealthy: number;
    disruptionsAllowed: number;
    observedGeneration: number;
  };
}

export interface NodeFacts {
  name: string;
  /** Label kubernetes.azure.com/agentpool. */
  pool: string;
  /** Label topology.kubernetes.io/zone; '' when absent (all such nodes count as one zone). */
  zone: string;
  /** Label kubernetes.azure.com/mode; absent counts as 'user'. */
  mode?: 'system' | 'user';
  ready: boolean;
  unschedulable: boolean;
}

/** Names a workload, e.g. the one an evicted pod belonged to. */
export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

export function qualifiedName(object: { namespace: string; name: string }): string {
  return `${object.namespace}/${object.name}`;
}

export function controllerOf(pod: Pick<PodFacts, 'ownerReferences'>): OwnerReference | undefined {
  return pod.ownerReferences.find((owner) => owner.controller === true);
}

/** Succeeded or Failed: the apiserver deletes such pods on eviction with no budget check. */
export function isFinished(pod: PodFacts): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}

export function isTerminating(pod: PodFacts): boolean {
  return pod.deletionTimestamp !== undefined;
}

/** Waiting for a node the scheduler cannot find (Pending, PodScheduled=False Unschedulable), and not on its way out. */
export function isUnplaceable(pod: PodFacts): boolean {
  return pod.nodeName === '' && pod.unschedulable !== undefined && !isTerminating(pod) && !isFinished(pod);
}

export function isDaemonSetPod(pod: PodFacts): boolean {
  return controllerOf(pod)?.kind === 'DaemonSet';
}

/**
 * A pod whose eviction takes a replica away from its workload and counts against its budgets:
 * running or pending, not terminating, not a mirror pod, not a DaemonSet's (those stay).
 */
export function isDisruptedByDrain(pod: PodFacts): boolean {
  return !pod.isMirror && !isDaemonSetPod(pod) && !isFinished(pod) && !isTerminating(pod);
}

/** The PDBs that select the pod, as the Eviction API finds them (same namespace, selector). */
export function pdbsSelecting(pod: Pick<PodFacts, 'namespace' | 'labels'>, pdbs: readonly PdbFacts[]): PdbFacts[] {
  return pdbs.filter((pdb) => pdb.namespace === pod.namespace && matchesLabelSelector(pdb.selector, pod.labels));
}
