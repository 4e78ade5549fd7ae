// From client-node's model classes to the plain facts we return: only the fields read, times as
// ISO strings, defaults as the apiserver would apply them. Pure functions.

import type {
  V1DaemonSet, V1Deployment, V1LabelSelector, V1Node, V1OwnerReference, V1Pod, V1PodDisruptionBudget, V1ReplicaSet, V1StatefulSet,
} from '@kubernetes/client-node';
import { matchesLabelSelector, type LabelSelectorRequirement } from '../../core/labelSelector';
import {
  AGENT_POOL_LABEL, NODE_MODE_LABEL, ZONE_LABEL,
  type DaemonSetFacts, type HelperPodStatus, type LabelSelector, type NodeInfo, type OwnerReference, type PdbFacts, type PodFacts, type PodPhase, type WorkloadFacts,
} from './types';

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const PHASES: readonly PodPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

/** A time field as ISO: the client deserializes most as Date, MicroTime ones stay strings. */
export function isoTime(value: Date | string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function toNodeInfo(node: V1Node): NodeInfo {
  const labels = { ...(node.metadata?.labels ?? {}) };
  const conditions = (node.status?.conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    ...(c.reason && { reason: c.reason }),
    ...(c.message && { message: c.message }),
  }));
  const mode = labels[NODE_MODE_LABEL];
  const deletionTimestamp = isoTime(node.metadata?.deletionTimestamp);
  return {
    name: node.metadata?.name ?? '',
    uid: node.metadata?.uid ?? '',
    pool: labels[AGENT_POOL_LABEL] ?? '',
    zone: labels[ZONE_LABEL] ?? '',
    ...((mode === 'system' || mode === 'user') && { mode }),
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    unschedulable: node.spec?.unschedulable === true,
    bootId: node.status?.nodeInfo?.bootID ?? '',
    labels,
    annotations: { ...(node.metadata?.annotations ?? {}) },
    taints: (node.spec?.taints ?? []).map((t) => ({ key: t.key, effect: t.effect, ...(t.value !== undefined && t.value !== '' && { value: t.value }) })),
    conditions,
    ...(deletionTimestamp && { deletionTimestamp }),
    resourceVersion: node.metadata?.resourceVersion ?? '',
  };
}

export function toOwnerReference(owner: V1OwnerReference): OwnerReference {
  return { kind: owner.kind, name: owner.name, ...(owner.controller !== undefined && { controller: owner.controller }) };
}

// The time the last container started, if every container is running (a pod that restarted
// after a reboot shows its new start here once the kubelet has posted it).
function containersStartedAt(pod: V1Pod): string | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  const starts = statuses.map((s) => isoTime(s.state?.running?.startedAt));
  if (starts.length === 0 || starts.some((t) => t === undefined)) return undefined;
  return (starts as string[]).reduce((latest, t) => (Date.parse(t) > Date.parse(latest) ? t : latest));
}

const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** A required anti-affinity term on the hostname that selects the pod's own labels (its namespace's pods: no namespaces set). */
function onePerNode(pod: V1Pod): boolean {
  const terms = pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const labels = pod.metadata?.labels ?? {};
  return terms.some((t) => t.topologyKey === HOSTNAME_LABEL && !t.namespaces?.length && !t.namespaceSelector
    && t.labelSelector !== undefined && matchesLabelSelector(toLabelSelector(t.labelSelector), labels));
}

export function toPodFacts(pod: V1Pod): PodFacts {
  const phase = PHASES.find((p) => p === pod.status?.phase) ?? 'Pending';
  const deletionTimestamp = isoTime(pod.metadata?.deletionTimestamp);
  const grace = pod.spec?.terminationGracePeriodSeconds;
  const readyCondition = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const readySince = isoTime(readyCondition?.lastTransitionTime);
  const startedAt = containersStartedAt(pod);
  const readinessDelay = Math.max(0, ...(pod.spec?.containers ?? []).map((c) => c.readinessProbe?.initialDelaySeconds ?? 0));
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const unschedulable = scheduled?.status === 'False' && scheduled.reason === 'Unschedulable' ? scheduled.message ?? 'Unschedulable' : undefined;
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    nodeName: pod.spec?.nodeName ?? '',
    phase,
    ready: readyCondition?.status === 'True',
    ...(readySince && { readySince }),
    ...(startedAt && { containersStartedAt: startedAt }),
    ...(deletionTimestamp && { deletionTimestamp }),
    labels: { ...(pod.metadata?.labels ?? {}) },
    ownerReferences: (pod.metadata?.ownerReferences ?? []).map(toOwnerReference),
    isMirror: pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined,
    emptyDirVolumes: (pod.spec?.volumes ?? []).filter((v) => v.emptyDir !== undefined && v.emptyDir !== null).map((v) => v.name),
    ...(grace !== undefined && { terminationGracePeriodSeconds: grace }),
    ...(readinessDelay > 0 && { readinessDelaySeconds: readinessDelay }),
    ...(unschedulable !== undefined && { unschedulable }),
    ...(onePerNode(pod) && { onePerNode: true }),
  };
}

export function toHelperPodStatus(pod: V1Pod): HelperPodStatus {
  const container = pod.status?.containerStatuses?.[0];
  const terminated = container?.state?.terminated;
  const waiting = container?.state?.waiting;
  const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const reason = terminated?.reason ?? waiting?.reason ?? unschedulable?.reason ?? pod.status?.reason;
  const message = terminated?.message ?? waiting?.message ?? unschedulable?.message ?? pod.status?.message;
  const createdAt = isoTime(pod.metadata?.creationTimestamp);
  return {
    ...toPodFacts(pod),
    annotations: { ...(pod.metadata?.annotations ?? {}) },
    ...(createdAt && { createdAt }),
    ...(terminated && { exitCode: terminated.exitCode }),
    ...(reason && { reason }),
    ...(message && { message }),
    ...(pod.spec?.containers?.[0]?.image && { image: pod.spec.containers[0].image }),
  };
}

export function toLabelSelector(selector: V1LabelSelector | undefined | null): LabelSelector {
  if (!selector) return {};
  return {
    ...(selector.matchLabels && { matchLabels: { ...selector.matchLabels } }),
    ...(selector.matchExpressions && {
      matchExpressions: selector.matchExpressions.map((e) => ({
        key: e.key,
        operator: e.operator as LabelSelectorRequirement['operator'],
        ...(e.values && { values: [...e.values] }),
      })),
    }),
  };
}

type ReplicatedWorkload = V1Deployment | V1StatefulSet | V1ReplicaSet;

export function toWorkloadFacts(kind: WorkloadFacts['kind'], workload: ReplicatedWorkload): WorkloadFacts {
  const owner = workload.metadata?.ownerReferences?.find((o) => o.controller === true);
  const generation = workload.metadata?.generation;
  const observedGeneration = workload.status?.observedGeneration;
  return {
    kind,
    namespace: workload.metadata?.namespace ?? '',
    name: workload.metadata?.name ?? '',
    // apps/v1 defaults spec.replicas to 1.
    replicas: workload.spec?.replicas ?? 1,
    readyReplicas: workload.status?.readyReplicas ?? 0,
    availableReplicas: workload.status?.availableReplicas ?? 0,
    updatedReplicas: updatedReplicas(workload),
    selector: toLabelSelector(workload.spec?.selector),
    ...(owner && { owner: toOwnerReference(owner) }),
    ...(generation !== undefined && { generation }),
    ...(observedGeneration !== undefined && { observedGeneration }),
    ...maxUnavailableOf(kind, workload),
  };
}

// A Deployment's spec.strategy.rollingUpdate, a StatefulSet's spec.updateStrategy.rollingUpdate.
function maxUnavailableOf(kind: WorkloadFacts['kind'], workload: ReplicatedWorkload): { maxUnavailable?: number | string } {
  const spec = workload.spec as { strategy?: { rollingUpdate?: { maxUnavailable?: number | string } }; updateStrategy?: { rollingUpdate?: { maxUnavailable?: number | string } } } | undefined;
  const value = kind === 'Deployment' ? spec?.strategy?.rollingUpdate?.maxUnavailable : kind === 'StatefulSet' ? spec?.updateStrategy?.rollingUpdate?.maxUnavailable : undefined;
  return value === undefined ? {} : { maxUnavailable: value };
}

function updatedReplicas(workload: ReplicatedWorkload): number {
  const status = workload.status as { updatedReplicas?: number; fullyLabeledReplicas?: number; replicas?: number } | undefined;
  // A ReplicaSet has no rollout of its own: every replica is of its template.
  return status?.updatedReplicas ?? status?.replicas ?? 0;
}

export function toDaemonSetFacts(ds: V1DaemonSet): DaemonSetFacts {
  const generation = ds.metadata?.generation;
  const observedGeneration = ds.status?.observedGeneration;
  return {
    kind: 'DaemonSet',
    namespace: ds.metadata?.namespace ?? '',
    name: ds.metadata?.name ?? '',
    desiredNumberScheduled: ds.status?.desiredNumberScheduled ?? 0,
    numberReady: ds.status?.numberReady ?? 0,
    numberAvailable: ds.status?.numberAvailable ?? 0,
    updatedNumberScheduled: ds.status?.updatedNumberScheduled ?? 0,
    selector: toLabelSelector(ds.spec?.selector),
    ...(generation !== undefined && { generation }),
    ...(observedGeneration !== undefined && { observedGeneration }),
  };
}

export function toPdbFacts(pdb: V1PodDisruptionBudget): PdbFacts {
  const policy = pdb.spec?.unhealthyPodEvictionPolicy;
  return {
    namespace: pdb.metadata?.namespace ?? '',
    name: pdb.metadata?.name ?? '',
    // policy/v1: an empty selector selects every pod of the namespace, an absent one none.
    selector: pdb.spec?.selector ? toLabelSelector(pdb.spec.selector) : null,
    ...(pdb.spec?.minAvailable !== undefined && { minAvailable: pdb.spec.minAvailable }),
    ...(pdb.spec?.maxUnavailable !== undefined && { maxUnavailable: pdb.spec.maxUnavailable }),
    ...((policy === 'IfHealthyBudget' || policy === 'AlwaysAllow') && { unhealthyPodEvictionPolicy: policy }),
    generation: pdb.metadata?.generation ?? 0,
    status: {
      expectedPods: pdb.status?.expectedPods ?? 0,
      currentHealthy: pdb.status?.currentHealthy ?? 0,
      desiredHealthy: pdb.status?.desiredHealthy ?? 0,
      disruptionsAllowed: pdb.status?.disruptionsAllowed ?? 0,
      observedGeneration: pdb.status?.observedGeneration ?? 0,
    },
  };
}
