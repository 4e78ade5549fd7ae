// The plain JSON the kube adapter returns. Pods, workloads, PDBs and the node summary are the
// facts core/ decides on (core/kubeFacts.ts); what only the adapter's callers read (a node's
// boot id and metadata, a helper pod's exit, the Lease, eviction outcomes) is defined here.

import type { NodeFacts, PodFacts } from '../../core/kubeFacts';
import type { LabelSelector } from '../../core/labelSelector';

export type { NodeFacts, OwnerReference, PdbFacts, PodFacts, PodPhase, WorkloadFacts, WorkloadKind } from '../../core/kubeFacts';
export type { LabelSelector } from '../../core/labelSelector';

export const AGENT_POOL_LABEL = 'kubernetes.azure.com/agentpool';
export const NODE_MODE_LABEL = 'kubernetes.azure.com/mode';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface Taint {
  key: string;
  value?: string;
  /** `NoSchedule` | `PreferNoSchedule` | `NoExecute` */
  effect: string;
}

export interface NodeCondition {
  type: string;
  /** `True` | `False` | `Unknown` */
  status: string;
  reason?: string;
  message?: string;
}

/** A node as the activities see it: core's summary plus what locking and rebooting read. */
export interface NodeInfo extends NodeFacts {
  uid: string;
  /** status.nodeInfo.bootID: changes on every reboot. */
  bootId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  taints: Taint[];
  conditions: NodeCondition[];
  /** Set while the node is going away (scale-down, upgrade). */
  deletionTimestamp?: string;
  resourceVersion: string;
}

/** A change to a node's metadata and spec; `null` removes a label or annotation. */
export interface NodeChange {
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
  /** Added unless a taint with the same key and effect is there (its value is then updated). */
  addTaints?: Taint[];
  /** Removed by key and effect (every effect when none is given). */
  removeTaints?: Array<{ key: string; effect?: string }>;
  unschedulable?: boolean;
}

export type NodeUpdateResult =
  | { outcome: 'updated'; node: NodeInfo }
  | { outcome: 'unchanged'; node: NodeInfo }
  | { outcome: 'missing' };

export type CordonResult =
  | { outcome: 'changed'; node: NodeInfo }
  | { outcome: 'unchanged'; node: NodeInfo }
  | { outcome: 'missing' };

export type EvictionOutcome =
  | { outcome: 'evicted' }
  /** Refused for now (a PodDisruptionBudget, or the apiserver throttling): try again later. */
  | { outcome: 'blocked'; message: string }
  /** No such pod (or a different pod of the same name now): nothing to evict. */
  | { outcome: 'gone' };

export type DeleteOutcome = { outcome: 'deleted' } | { outcome: 'gone' };

/** A DaemonSet's rollout status (its pods are never evicted, but a gate may read it). */
export interface DaemonSetFacts {
  kind: 'DaemonSet';
  namespace: string;
  name: string;
  desiredNumberScheduled: number;
  numberReady: number;
  numberAvailable: number;
  updatedNumberScheduled: number;
  selector: LabelSelector;
  generation?: number;
  observedGeneration?: number;
}

/** A helper pod (check or reboot) and how far it got. */
export interface HelperPodStatus extends PodFacts {
  annotations: Record<string, string>;
  createdAt?: string;
  /** The first container's exit code once it terminated. */
  exitCode?: number;
  /** Why it is stuck or ended: the container's waiting/terminated reason, or `Unschedulable`. */
  reason?: string;
  message?: string;
  /** The first container's image (what a stuck pull names). */
  image?: string;
}

export type CreatePodOutcome =
  | { outcome: 'created'; pod: HelperPodStatus }
  /** AlreadyExists: a retry, or another caller, made it first. */
  | { outcome: 'exists' };

export interface NodeEventInput {
  node: string;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  /** Makes the event's name, so a retried activity posts it once; default: the node and the time. */
  key?: string;
  /** ms since the epoch: the event's timestamps. */
  now: number;
}

export interface LeaseInput {
  namespace: string;
  /** Default `aks-reboot-orchestrator`. */
  name?: string;
  /** The run id that holds (or wants) the Lease. */
  holder: string;
  durationSeconds: number;
  /** ms since the epoch, the caller's (the orchestrator's) time: expiry is judged against it. */
  now: number;
}

export type LeaseAcquireResult =
  | { acquired: true; holder: string; renewedAt: string; expiresAt: string; transitions: number }
  | { acquired: false; holder: string; expiresAt: string };

export type LeaseRenewResult =
  | { renewed: true; renewedAt: string; expiresAt: string }
  /** Someone else holds it now, or it is gone: our hold lapsed. */
  | { renewed: false; holder?: string; expiresAt?: string };

export type LeaseReleaseResult =
  | { released: true }
  /** Not ours to release (another holder, or no Lease at all). */
  | { released: false; holder?: string };

/** A server-side dry-run create: admitted, or refused with the apiserver's status and message. */
export type DryRunOutcome = { admitted: true } | { admitted: false; status: number; message: string };
