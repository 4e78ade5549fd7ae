// Inputs of our orchestrators. They appear in the portal's history, so they carry no secret.
import type { ClusterRef, WorkloadRef } from '../activities/contracts';
import type { AdmissionDenial } from '../core/admission';
import type { ControlState, ManualRequest, NodeResult, PlannedNode, RunSettings, Trigger } from '../core/runTypes';

export interface ClusterLockInput {
  cluster: ClusterRef;
  settings: RunSettings;
  trigger: Trigger;
  requestedBy: string;
  request?: ManualRequest;
  /**
   * Chosen by the caller that starts the lock and echoed in its custom status: two overlapping
   * starts can both succeed on Azure Storage while only the first input runs, so a caller knows
   * its start is the one running only when it sees its own nonce.
   */
  startNonce: string;
}

export interface RunCarry {
  startedAt: string;
  generation: number;
  total: number;
  queue: PlannedNode[];
  results: NodeResult[];
  skipped: Array<{ node?: string; pool?: string; reason: string }>;
  repaired: Array<{ node: string; message: string }>;
  control: ControlState;
  leaseRenewedAt: string;
  /** Nodes given the PreferNoSchedule taint and not rebooted yet. */
  tainted: string[];
  /** Nodes whose reboot check could not run (listed in `skipped`). */
  unchecked: number;
  /** Helper pods admission refused before a wave (the run halted there). */
  admissionDenials?: AdmissionDenial[];
  /** A user-pool node passed its recovery gate: system nodes may start (ADR 0019). */
  canaryPassed?: boolean;
  /** Per pool, the shortest reboot-to-Ready time its nodes measured in this run (ADR 0023). */
  readySecondsByPool?: Record<string, number>;
  /** Workloads (schedule keys) whose evicted pods the scheduler could not place elsewhere in this run: expected back on their node (ADR 0024). */
  staying?: string[];
}

export interface ClusterRebootInput {
  cluster: ClusterRef;
  settings: RunSettings;
  trigger: Trigger;
  requestedBy: string;
  request?: ManualRequest;
  runId: string;
  /** False for a dry run, which runs outside the lock and holds no Lease. */
  holdsLease: boolean;
  leaseRenewedAt?: string;
  carry?: RunCarry;
}

export interface NodeRebootInput {
  cluster: ClusterRef;
  settings: RunSettings;
  runId: string;
  /** The run's instance id: the Lease holder the node renews for. */
  runInstanceId: string;
  node: PlannedNode;
  leaseRenewedAt: string;
  /** A manual request named the node: it is rebooted even if someone cordoned it (as at discovery). */
  namedInRequest?: boolean;
  /**
   * ADR 0019: `disruption` ends once the node is back Ready and uncordoned and hands over what
   * its recovery needs; `recovery` runs the recovery gate and post-reboot delay from that
   * hand-over. Absent: the whole runbook in one instance.
   */
  part?: 'disruption' | 'recovery';
  handOff?: RecoveryHandOff;
  /**
   * Seconds from the reboot command to the node Ready on a new boot id, as measured on the
   * pool's earlier nodes in this run (ADR 0023): the reboot wait sleeps until then. Absent: a
   * typical figure, polled towards at REBOOT_POLL_INTERVAL.
   */
  expectedReadySeconds?: number;
}

/** What a node's recovery needs from its disruption. */
export interface RecoveryHandOff {
  /** The node's result when its disruption ended (outcome `rebooted`, timings so far). */
  disruption: NodeResult;
  evicted: WorkloadRef[];
  /** Of `evicted`, those the recovery gate's first look found whole after the reboot: not looked at again (ADR 0029). */
  recovered?: WorkloadRef[];
  rebootSentAt?: string;
  /**
   * Seconds from the first reboot command to the last look that still saw the node not back: a
   * lower bound of the pool's reboot-to-Ready time, which the run passes to the pool's next nodes.
   */
  readyAfterRebootSeconds?: number;
  /**
   * When the recovery gate, looked at once as the disruption ended, expects to open (ISO 8601;
   * that look's time when it was open already): the recovery part's and the run's first look.
   */
  recoveryExpectedAt?: string;
}

/** A node instance's result; a disruption that ended well carries its recovery's hand-over. */
export type NodeRebootOutput = NodeResult & { handOff?: RecoveryHandOff };
