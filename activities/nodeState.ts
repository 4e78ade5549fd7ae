// What we write on a node we work on (docs/design.md#the-life-of-a-run), and how we read it back: the
// in-progress annotation that records the state to restore (was it cordoned before us, did we
// add the autoscaler's scale-down guard, which labels we changed) and the reboot's progress;
// the last-reboot annotation left afterwards.
import type { NodeInfo } from '../adapters/kube';

export const IN_PROGRESS_ANNOTATION = 'aks-reboot-orchestrator/in-progress';
export const LAST_REBOOT_ANNOTATION = 'aks-reboot-orchestrator/last-reboot';
/** Cluster autoscaler: never scale this node down while we work on it. */
export const SCALE_DOWN_DISABLED_ANNOTATION = 'cluster-autoscaler.kubernetes.io/scale-down-disabled';

export interface InProgress {
  /** The nodeReboot instance that holds the node. */
  instanceId: string;
  runId: string;
  startedAt: string;
  /** The node was already cordoned (by someone else) when we locked it: never uncordon it. */
  wasUnschedulable: boolean;
  /** status.nodeInfo.bootID when locked: the reboot helper's guard. */
  bootId: string;
  /** Set when the reboot was sent (before sending). */
  rebootIssuedAt?: string;
  /** We added the scale-down-disabled annotation (so we remove it after). */
  addedScaleDownDisabled?: boolean;
  /** Labels we changed, with their value before (null: absent), to restore on repair. */
  labelsBefore?: Record<string, string | null>;
}

export type InProgressRead =
  | { state: 'none' }
  | { state: 'held'; value: InProgress }
  /** Present but not ours to read (hand-edited, another version): its holder is unknown. */
  | { state: 'unreadable'; raw: string };

export function readInProgress(node: Pick<NodeInfo, 'annotations'>): InProgressRead {
  const raw = node.annotations[IN_PROGRESS_ANNOTATION];
  if (raw === undefined) return { state: 'none' };
  try {
    const value = JSON.parse(raw) as Partial<InProgress>;
    if (typeof value.instanceId !== 'string' || typeof value.runId !== 'string' || typeof value.bootId !== 'string' || typeof value.wasUnschedulable !== 'boolean') {
      return { state: 'unreadable', raw };
    }
    return { state: 'held', value: value as InProgress };
  } catch {
    return { state: 'unreadable', raw };
  }
}

export function writeInProgress(value: InProgress): string {
  return JSON.stringify(value);
}

export interface LastReboot {
  at: string;
  runId: string;
  bootIdBefore: string;
  bootIdAfter: string;
}

export function writeLastReboot(value: LastReboot): string {
  return JSON.stringify(value);
}

/** Who holds the node, for messages. */
export function holderOf(read: InProgressRead): string | undefined {
  if (read.state === 'held') return read.value.instanceId;
  if (read.state === 'unreadable') return 'an unreadable in-progress annotation';
  return undefined;
}
