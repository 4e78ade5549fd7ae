import type { AdmissionDenial } from '../core/admission';
import type { DrainOptions } from '../core/drainPlan';
import type { GateResult } from '../core/gates';
import type { WorkloadRef } from '../core/kubeFacts';
import type { ClusterRef } from '../core/settings';
import type { DetectorConfig, PlannedNode } from '../core/runTypes';
import type { ScheduleTerms, UnreadNode } from '../core/scheduleTerms';

export type { ClusterRef, DetectorConfig, DrainOptions, GateResult, WorkloadRef };

// The input and result of every activity: the contract between the orchestrators (which
// import these types only) and the activities (which implement them). Plain JSON: ISO
// strings for times, no SDK objects, lists no larger than the orchestrator needs.

/** What every activity gets: which cluster, and which run asked (for logs and annotations). */
export interface ActivityBase {
  cluster: ClusterRef;
  runId: string;
  /** The orchestrator's current time (ISO): activities compare against it, never a local clock of their own. */
  at: string;
}

export interface NodeActivityBase extends ActivityBase {
  node: string;
}

// ---- Lease: the cluster-wide lock across deployments -------------------------------------

export interface LeaseInput extends ActivityBase {
  namespace: string;
  /** The run instance id that holds the Lease. */
  holder: string;
  ttlSeconds: number;
}

export type LeaseResult =
  | { held: true; renewedAt: string }
  | { held: false; holder: string; expiresAt: string };

export interface ReleaseLeaseResult {
  released: boolean;
}

// ---- Orphan repair ----------------------------------------------------------------------

export interface RepairOrphansInput extends ActivityBase {
  namespace: string;
  /** Our own run instance id: its annotations are not orphans. */
  instanceId: string;
  /** Key of our PreferNoSchedule taint ('' for none): removed from repaired nodes. */
  preferNoScheduleTaint: string;
}

export interface RepairedNode {
  node: string;
  previousInstanceId: string;
  uncordoned: boolean;
  message: string;
}

export interface RepairOrphansResult {
  repaired: RepairedNode[];
}

// ---- Discovery --------------------------------------------------------------------------

export interface ListPoolsInput extends ActivityBase {
  /** REBOOT_NODE_POOLS (empty: every pool). */
  include: string[];
  /** REBOOT_EXCLUDE_NODE_POOLS. */
  exclude: string[];
  includeSpot: boolean;
  /** Pools named by a manual request (validated against the cluster). */
  requested?: string[];
}

export interface PoolSummary {
  name: string;
  mode: 'System' | 'User';
  zones: string[];
}

export interface ListPoolsResult {
  pools: PoolSummary[];
  skipped: Array<{ pool: string; reason: string }>;
  runCommandDisabled: boolean;
  /** Why the cluster takes no reboots now (stopped, or in an operation); absent when it does. */
  clusterBusy?: string;
}

/** `pools`: the pools whose nodes are still to reboot; one in an operation stops the run too. */
export type CheckClusterStateInput = ActivityBase & { pools?: string[] };

/** `busy`: why no node should be rebooted now (core/clusterState); absent when the cluster is Running and Succeeded. */
export interface ClusterStateResult {
  busy?: string;
}

export interface NodeSummary {
  name: string;
  pool: string;
  zone: string;
  mode: 'system' | 'user';
  ready: boolean;
  unschedulable: boolean;
  /** Set when the node carries our in-progress annotation. */
  inProgressBy?: string;
}

export type CheckStatus = 'required' | 'not-required' | 'unknown';

export interface CheckResult {
  node: string;
  status: CheckStatus;
  reason?: string;
}

// ---- Admission preflight ---------------------------------------------------------------

export interface CheckAdmissionInput extends ActivityBase {
  namespace: string;
  image: string;
  detector: DetectorConfig;
  /** Dry-run the reboot helper of each of these nodes (a wave about to start)… */
  nodes?: string[];
  /** …or of the first node found in these pools (the run's preflight). */
  pools?: string[];
}

export interface CheckAdmissionResult {
  /** Dry-run creates sent. */
  checked: number;
  /** Empty when every helper pod would be admitted. */
  denials: AdmissionDenial[];
  /** Given nodes whose reads or dry run still failed (transient errors): not checked, with why (absent when none). */
  unchecked?: UnreadNode[];
}

export interface StartRebootChecksInput extends ActivityBase {
  pools: string[];
  detector: DetectorConfig;
  namespace: string;
  image: string;
  /** Explicit nodes of a manual request: no detection, they are candidates whatever it says. */
  nodes?: string[];
  /** Bound on check pods created at once. */
  parallelism: number;
}

export interface StartRebootChecksResult {
  /** Every node of the pools (or the requested nodes), with what we know of it. */
  nodes: NodeSummary[];
  /** Results known at once (label and condition detectors; nodes a check pod could not be made for). */
  results: CheckResult[];
  /** Nodes whose check pod is running: collect them later. */
  pending: string[];
  /** Requested nodes that do not exist in the cluster. */
  unknownNodes: string[];
}

export interface CollectRebootChecksInput extends ActivityBase {
  namespace: string;
  nodes: string[];
  /** Last collection: anything unfinished is reported `unknown`. */
  final: boolean;
}

export interface CollectRebootChecksResult {
  results: CheckResult[];
  pending: string[];
}

export interface DeleteRebootChecksInput extends ActivityBase {
  namespace: string;
  /** The nodes this run started a check pod on (startRebootChecks' `pending`). */
  nodes: string[];
}

export interface DeleteRebootChecksResult {
  deleted: number;
  /** Check pods of earlier runs, left by a run that ended during discovery, deleted too. */
  leftovers: string[];
  /** `<pod>: <why>` for each check pod that could not be deleted. */
  undeleted: string[];
}

export interface TaintCandidatesInput extends ActivityBase {
  nodes: string[];
  /** The PreferNoSchedule taint's key. */
  taintKey: string;
  add: boolean;
}

export interface TaintCandidatesResult {
  changed: string[];
}

export interface ScheduleTermsInput extends ActivityBase {
  candidates: PlannedNode[];
  /** Measured reboot seconds per pool, from the run's earlier nodes. */
  rebootSecondsByPool?: Record<string, number>;
}

/** Each candidate's expected disruption and the workloads it holds (core/scheduleTerms). */
export type ScheduleTermsResult = ScheduleTerms;

export interface ReleasedBudgetsInput extends ActivityBase {
  /**
   * In-flight nodes and the workload keys their pods count against (core/scheduleTerms); a node
   * back from its reboot (in recovery) with when the reboot was sent: pods on it then are new.
   */
  nodes: Array<{ node: string; workloads: string[]; rebootedAfter?: string }>;
}

/** The (node, workload) pairs whose pods left the node and are replaced by Ready ones (core/releasedBudget). */
export interface ReleasedBudgetsResult {
  released: Array<{ node: string; workload: string }>;
  /**
   * The earliest time (ISO 8601) one of the others is expected released: its pods are off the
   * node and its replacements expected Ready then (core/releasedBudget); absent when none says.
   */
  expectedAt?: string;
  /** Workloads asked about with a pod the scheduler cannot place (Pending, Unschedulable): their evicted pods wait for their node. */
  unplaced?: string[];
}

// ---- Blockers and gates -----------------------------------------------------------------

export interface CheckBlockersInput extends ActivityBase {
  /** The node about to be rebooted: a NotReady node other than this one blocks. */
  node?: string;
  /** The nodes of the wave about to start (with concurrency > 1): NotReady nodes among them do not block. */
  nodes?: string[];
  /**
   * The run's own nodes in their disruption (cordoned, draining, rebooting): counted by
   * REBOOT_CONCURRENCY, so their NotReady does not block; any other NotReady node does.
   */
  disrupting?: string[];
  blockingPodSelectors: string[];
  /** The Prometheus alert blocker's filters; the activity reads the URL (a secret) from its settings. */
  alerts?: { filterRegexp?: string; matchOnly: boolean; firingOnly: boolean };
}

export type BlockersResult = { blocked: false } | { blocked: true; reasons: string[] };

export interface CheckGateInput extends NodeActivityBase {
  gate: 'pre-drain' | 'recovery';
  /** For the recovery gate: the workloads whose pods the drain evicted. */
  evicted?: WorkloadRef[];
  /** For the recovery gate: when the reboot was sent (ISO 8601); readiness from before it does not count. */
  rebootedAfter?: string;
  namespace: string;
}

// ---- The node ---------------------------------------------------------------------------

export interface LockNodeInput extends NodeActivityBase {
  instanceId: string;
}

export type LockNodeResult =
  | { locked: true; wasUnschedulable: boolean; bootId: string; pool: string; zone: string }
  | { locked: false; heldBy: string }
  | { locked: false; missing: true };

export interface LabelNodeInput extends NodeActivityBase {
  labels: Record<string, string>;
}

export interface LabelNodeResult {
  changed: boolean;
}

export interface CordonNodeResult {
  /** True when this call changed the node (it was schedulable). */
  cordoned: boolean;
}

export interface UncordonNodeInput extends NodeActivityBase {
  instanceId: string;
}

export interface UncordonNodeResult {
  uncordoned: boolean;
  /** Why not, when not: someone else had cordoned it before us. */
  reason?: string;
}

export interface EvictPodsInput extends NodeActivityBase {
  drain: DrainOptions;
  /** Our helper namespace: its pods are never evicted. */
  namespace: string;
  /**
   * The drain has been held a while: name, for each pod held back, its workload's pods the
   * scheduler cannot place (one pod list per namespace; a replacement that can only run on this
   * node, now cordoned, keeps the budget spent until the drain's timeout).
   */
  explainHeld?: boolean;
}

export interface EvictPodsResult {
  /** Nothing left to evict or wait for: the node is drained. */
  drained: boolean;
  /** Pods whose eviction was accepted in this pass. */
  evicted: string[];
  /** The workloads those pods belong to (for the recovery gate). */
  evictedWorkloads: WorkloadRef[];
  /** Refused by a PodDisruptionBudget (429), with its message. */
  blocked: Array<{ pod: string; message: string }>;
  /** Pods still terminating. */
  terminating: string[];
  /** Pods the filter chain refuses to evict (no override set), or whose eviction RBAC forbids: the drain cannot finish. */
  refused: Array<{ pod: string; reason: string; message: string }>;
  errors: Array<{ pod: string; message: string }>;
  warnings: string[];
  /** When the pods evicted or terminating are gone at the latest (ISO 8601; core/drainPlan drainEndsBy), for the next pass. */
  expectedDoneAt?: string;
}

export interface StartRebootInput extends NodeActivityBase {
  method: 'run-command' | 'pod';
  namespace: string;
  image: string;
  /** The boot id recorded when we locked the node: the helper reboots only while it is current. */
  bootId: string;
  instanceId: string;
  /** Re-issue: delete a finished helper pod for this boot id first (the reboot did not happen). */
  reissue?: boolean;
}

export type StartRebootResult =
  | { sent: true; helperPod: string; commandId?: string; alreadyExisted: boolean }
  /** Not sent: `rebootedAlready` when the node's boot id changed on its own (nothing left to do). */
  | { sent: false; reason: string; rebootedAlready?: boolean };

export interface GetCommandResultInput extends ActivityBase {
  commandId: string;
}

/**
 * Where a run-command is. `failed`: AKS reported it Failed, so kubectl may or may not have run;
 * `not-run`: AKS's error says its pod never started; `lost`: AKS no longer knows it (404).
 */
export type CommandResult =
  | { state: 'running' }
  | { state: 'succeeded'; exitCode: number; logs: string }
  | { state: 'failed'; reason: string; exitCode?: number; logs: string }
  | { state: 'not-run'; reason: string }
  | { state: 'lost'; reason: string };

export interface GetNodeStatusInput extends NodeActivityBase {
  /** Also report the reboot helper for this boot id (found by its deterministic name). */
  helper?: { namespace: string; bootId: string };
}

/** The reboot helper as Kubernetes shows it: absent, or its phase and why it waits or ended. */
export type RebootHelperState =
  | { exists: false; name: string }
  | { exists: true; name: string; phase: string; reason?: string; message?: string; image?: string; exitCode?: number };

export type NodeStatus =
  | { exists: false }
  | { exists: true; ready: boolean; bootId: string; unschedulable: boolean; helper?: RebootHelperState };

export interface WithdrawRebootInput extends NodeActivityBase {
  namespace: string;
  /** The boot id the helper was made for. */
  bootId: string;
}

/** `withdrawn`: the helper is gone without having run and the node is still on that boot. */
export type WithdrawRebootResult = { withdrawn: true } | { withdrawn: false; reason: string };

export interface ReleaseNodeInput extends NodeActivityBase {
  instanceId: string;
  namespace: string;
  /** Labels to set after the reboot. */
  postLabels: Record<string, string>;
  /** Key of our PreferNoSchedule taint to remove ('' for none). */
  taintKey: string;
  /** What to record in the last-reboot annotation; absent when the node was not rebooted. */
  lastReboot?: { at: string; bootIdBefore: string; bootIdAfter: string };
}

export interface ReleaseNodeResult {
  released: boolean;
  /** Set when another instance holds the node: nothing was changed. */
  heldBy?: string;
  deletedHelperPods: string[];
}

export interface RecordNodeEventInput extends NodeActivityBase {
  reason: 'RebootScheduled' | 'RebootCompleted' | 'RebootFailed' | 'RebootCancelled';
  message: string;
  type: 'Normal' | 'Warning';
}

export interface RecordNodeEventResult {
  posted: boolean;
}

// ---- Notifications ----------------------------------------------------------------------

export type NotifyEvent = 'run-started' | 'node-draining' | 'node-drained' | 'node-rebooted' | 'node-failed' | 'run-finished' | 'run-halted';

export interface NotifyInput extends ActivityBase {
  /** The sending orchestration's instance: with the event, the notification's idempotency key. */
  instanceId: string;
  event: NotifyEvent;
  node?: string;
  step?: string;
  reason?: string;
  message?: string;
}

export interface NotifyResult {
  sent: number;
  failed: number;
}
