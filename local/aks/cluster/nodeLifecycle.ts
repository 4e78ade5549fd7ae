// How a node that goes down shows in the API. AKS does not configure the kubelet's graceful
// node shutdown, so a rebooting kubelet says nothing: the node stays Ready=True until the node
// lifecycle controller's monitor grace period passes without a heartbeat, then turns
// Ready=Unknown with the `unreachable` taints, and only then are its pods marked not Ready
// (kubernetes pkg/controller/nodelifecycle/node_lifecycle_controller.go tryUpdateNodeHealth and
// the taint passes; pkg/controller/util/node/controller_utils.go MarkPodsNotReady). After a
// reboot the kubelet's status manager needs a moment before it posts the pods' real status.
import type { Scenario } from '../scenario';
import { setCondition } from './podState';
import type { Node, Pod } from './types';

export interface NodeLifecycle {
  /** The kubelet reports the shutdown itself (Ready=False at once): not AKS's default. */
  gracefulShutdown: boolean;
  /** Seconds without a heartbeat before the controller marks the node Unknown (AKS: 40). */
  monitorGraceSeconds: number;
  /** Seconds after a boot before the kubelet posts its pods' status (until then the API shows the old one). */
  podStatusLagSeconds: number;
}

export const AKS_NODE_LIFECYCLE: NodeLifecycle = { gracefulShutdown: false, monitorGraceSeconds: 40, podStatusLagSeconds: 10 };

export function nodeLifecycleOf(scenario: Scenario): NodeLifecycle {
  return { ...AKS_NODE_LIFECYCLE, ...(scenario.cluster.nodeLifecycle ?? {}) };
}

export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const NOT_READY = 'node.kubernetes.io/not-ready';

/** The controller's verdict on a silent node: Ready=Unknown and the unreachable taints (NoSchedule, NoExecute). */
export function markNodeUnreachable(node: Node, now: string): void {
  setCondition(node.status.conditions ??= [], { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: node.status.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime }, now);
  const others = (node.spec.taints ?? []).filter((t) => t.key !== UNREACHABLE && t.key !== NOT_READY);
  node.spec.taints = [...others, { key: UNREACHABLE, effect: 'NoSchedule', timeAdded: now }, { key: UNREACHABLE, effect: 'NoExecute', timeAdded: now }];
}

/** MarkPodsNotReady: the Ready condition turns False; nothing else of the pod's status changes. */
export function markPodNotReady(pod: Pod, now: string): boolean {
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'False') return false;
  return setCondition(pod.status.conditions!, { ...ready, status: 'False' }, now);
}
