// The shapes a run carries from start to finish: the settings snapshot it runs with, the
// manual request, per-node results and the run's output. Plain JSON, because they travel
// in orchestration inputs and outputs (and so appear in the portal's history: no secrets).
import type { AdmissionDenial } from './admission';
import type { DrainOptions } from './drainPlan';
import type { Settings } from './settings';

/** How a pending reboot is detected (REBOOT_DETECTOR and its setting). */
export type DetectorConfig =
  | { kind: 'sentinel'; path: string }
  | { kind: 'node-label'; key: string; value?: string }
  | { kind: 'node-condition'; condition: string };

/** The settings a run takes as they are (same names, same meaning as in core/settings). */
export const COPIED_SETTINGS = [
  'namespace', 'helperImage', 'window', 'concurrency', 'lockTtlSeconds', 'drainDelaySeconds', 'preDrainGate',
  'preDrainTimeoutSeconds', 'drainTimeoutSeconds', 'forceReboot', 'rebootDelaySeconds', 'rebootTimeoutSeconds',
  'recoveryGate', 'recoveryTimeoutSeconds', 'postRebootDelaySeconds', 'blockedTimeoutSeconds', 'pollIntervalSeconds',
  'onFailure', 'method', 'nodePools', 'excludeNodePools', 'includeSpot', 'blockingPodSelectors', 'preferNoScheduleTaint',
] as const satisfies ReadonlyArray<keyof Settings>;

/**
 * The settings a run needs, snapshotted when it starts so a settings change never alters a
 * replay. Secret settings (webhook URLs, Prometheus credentials) stay out: activities read
 * those themselves.
 */
export type RunSettings = Pick<Settings, (typeof COPIED_SETTINGS)[number]> & {
  drain: DrainOptions;
  detector: DetectorConfig;
  /** Prometheus alert blocker; its URL is a secret the activity reads itself. */
  alerts: { enabled: boolean; filterRegexp?: string; matchOnly: boolean; firingOnly: boolean };
  preRebootLabels: Record<string, string>;
  postRebootLabels: Record<string, string>;
  /** Whether any notification URL is configured (the URLs themselves are secrets). */
  notify: boolean;
};

export interface ManualRequest {
  nodes?: string[];
  pools?: string[];
  dryRun?: boolean;
  ignoreWindow?: boolean;
  reason?: string;
}

export type Trigger = 'schedule' | 'manual';

export type NodeOutcome = 'rebooted' | 'failed' | 'skipped' | 'cancelled';

export type NodeStep =
  | 'queued'
  | 'lock'
  | 'delay'
  | 'gate'
  | 'cordon'
  | 'drain'
  | 'reboot'
  | 'waiting-ready'
  | 'uncordon'
  | 'recovery'
  | 'post-delay'
  | 'done';

export interface NodeResult {
  node: string;
  pool: string;
  zone: string;
  outcome: NodeOutcome;
  /** The step that failed or was cut short, when the outcome is not `rebooted`. */
  step?: NodeStep;
  reason?: string;
  bootIdBefore?: string;
  bootIdAfter?: string;
  startedAt: string;
  finishedAt: string;
  seconds: { delay: number; gate: number; drain: number; reboot: number; recovery: number };
  evicted: number;
  /** True when the node was left cordoned and annotated for an operator (it did not come back). */
  leftCordoned: boolean;
  warnings: string[];
}

export type ControlAction = 'pause' | 'resume' | 'cancel';

/** The external event that carries a control request; `id` makes re-sends idempotent. */
export interface ControlEvent {
  action: ControlAction;
  id: string;
  by?: string;
}

/** The control state an instance acknowledges in its custom status. */
export interface ControlState {
  state: 'running' | 'paused' | 'cancelling';
  /** Ids of the latest control events applied (bounded), so a sender knows it was heard. */
  acknowledged: string[];
  by?: string;
}

export type RunOutcome = 'completed' | 'halted' | 'cancelled' | 'window-closed' | 'blocked' | 'refused' | 'planned' | 'failed';

/**
 * Why a node someone else cordoned is not rebooted: at discovery, and at its lock when it was
 * cordoned after discovery chose it. A manual request that names the node includes it.
 */
export const CORDONED_BY_SOMEONE_ELSE = 'cordoned by someone else: left alone (name it in a manual request to include it)';

export interface PlannedNode {
  node: string;
  pool: string;
  zone: string;
}

/** Whether every node's reboot check ran: a node that could not be checked is never "no reboot needed". */
export interface CheckCoverage {
  /** False when some node could not be checked (it is listed in `skipped` as "could not check: …"). */
  complete: boolean;
  unchecked: number;
}

export interface Plan {
  order: PlannedNode[];
  skipped: Array<{ node?: string; pool?: string; reason: string }>;
  blockers: string[];
  /** Helper pods the cluster's admission would refuse (the run would stop before any node). */
  admissionDenials: AdmissionDenial[];
  checks: CheckCoverage;
  window: { open: boolean; nextOpening?: string };
  estimateSeconds: number;
  /** What the estimate is made of (the same terms as the critical-path bound). */
  estimateBasis: string;
}

export interface RunOutput {
  runId: string;
  outcome: RunOutcome;
  reason?: string;
  startedAt: string;
  finishedAt: string;
  results: NodeResult[];
  skipped: Array<{ node?: string; pool?: string; reason: string }>;
  repaired: Array<{ node: string; message: string }>;
  /** Nodes planned but not reached (window closed, halted, cancelled). */
  remaining: string[];
  /** Whether every node's reboot check ran (absent when the run never reached discovery). */
  checks?: CheckCoverage;
  /** Helper pods admission refused, when that stopped the run. */
  admissionDenials?: AdmissionDenial[];
  plan?: Plan;
}
