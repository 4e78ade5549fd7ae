// The cluster model's own types, and the view of it that its parts (the kubelet, the
// scenario builder, the recorder) work on: in a file of their own so that those parts never
// import cluster.ts, which imports them.
import type { Clock, ScheduledHandle } from '../../clock';
import type { Scenario, ScenarioPoolSpec } from '../scenario';
import type { Faults } from './faults';
import type { Store } from './store';
import type { Node, Pod } from './types';

export interface NodeRuntime {
  name: string;
  pool: string;
  zone?: string;
  bootId: string;
  /** Every boot id the node has had, oldest first. */
  bootIds: string[];
  /** Down for a reboot (or never coming back). */
  down: boolean;
  rebootCount: number;
  rebootSeconds: number;
  files: Set<string>;
}

export interface WorkloadBehaviour {
  shutdownSeconds?: number;
  /** Put on its pods when they are created (scenario workload `finalizers`). */
  finalizers?: string[];
  completesAfterSeconds?: number;
  exitCode?: number;
}

export interface PoolState {
  spec: ScenarioPoolSpec;
  vmss: string;
  nodeNames: string[];
}

/** What happened in the model, for the recorder and for tests. */
export type ModelEvent =
  | { type: 'eviction'; at: number; namespace: string; pod: string; node?: string; client?: string; status: number; pdb?: string }
  | { type: 'podDeleted'; at: number; namespace: string; pod: string; node?: string; client?: string; voluntary: boolean; wasHealthy: boolean }
  | { type: 'pdbViolation'; at: number; namespace: string; pdb: string; action: 'eviction' | 'delete' | 'reboot'; pods: string[]; node?: string; disruptionsAllowed: number; client?: string }
  | { type: 'rebootStarted'; at: number; node: string; bootId: string; cause: string }
  | { type: 'rebootIgnored'; at: number; node: string; cause: string }
  | { type: 'nodeBooted'; at: number; node: string; bootId: string }
  | { type: 'nodeDeleted'; at: number; node: string }
  | { type: 'containerExited'; at: number; namespace: string; pod: string; node?: string; container: string; exitCode: number }
  | { type: 'podRejected'; at: number; namespace: string; pod: string; node: string; reason: string; message: string };

export type ModelListener = (event: ModelEvent) => void;

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  /** Who asked (for the recorder). */
  client?: string;
  /** A deletion a user or tool asked for; controllers' deletions are not. */
  voluntary?: boolean;
  /** The Eviction API already checked the budget. */
  budgetChecked?: boolean;
}

export type DeleteResult = { ok: true; pod: Pod } | { ok: false; status: number; reason: string; message: string };

/** What the kubelet, the scenario builder and the recorder use of the cluster (implemented by Cluster). */
export interface ClusterModel {
  readonly scenario: Scenario;
  readonly clock: Clock;
  readonly store: Store;
  readonly faults: Faults;
  readonly pools: PoolState[];
  readonly startMs: number;
  readonly behaviours: Map<string, WorkloadBehaviour>;
  /** While true, pods start Running and Ready at once (the cluster's state before the scenario begins). */
  warmStart: boolean;
  iso(ms?: number): string;
  /** Seconds since the scenario started. */
  elapsedSeconds(): number;
  /** Runs `fn` after `ms` of clock time, then lets the control loops react. */
  after(ms: number, fn: () => void): ScheduledHandle;
  /** Runs a change and settles the control loops. */
  act<T>(fn: () => T): T;
  /** The kubelet's ground truth about a pod changed (for the recorder). */
  truthChanged(pod: Pod): void;
  randomHex(n: number): string;
  nextPodIp(): string;
  on(listener: ModelListener): () => void;
  emit(event: ModelEvent): void;
  nodeNames(pool?: string): string[];
  nodeRuntime(name: string): NodeRuntime | undefined;
  workloadReadiness(namespace: string, name: string): { ready: number; desired: number };
  hasFile(node: string, path: string): boolean;
  rebootRequired(node: string): boolean;
  workloadOf(pod: Pod): string | undefined;
  resolveNode(ref: string | { pool: string; index: number }): string | undefined;
  requireReboot(node: string, file?: string): void;
  rebootNode(node: string, options?: { cause?: string }): boolean;
  addNode(node: Node, runtime: Omit<NodeRuntime, 'name' | 'down' | 'rebootCount' | 'bootIds'>): void;
  createPodNow(pod: Pod): Pod;
  removePod(pod: Pod): void;
  /** The live pods bound to a node (the kubelet counts them when it admits a new one). */
  livePodsOnNode(node: string): Pod[];
}
