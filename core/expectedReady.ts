// When the pods a recovery gate waits for are expected Ready (ADR 0023), so the gate's next
// look can be scheduled then instead of polled towards. The kubelet reports a container not
// Ready until its readiness probe's initialDelaySeconds have passed since it started
// (kubernetes pkg/kubelet/prober/worker.go;
// https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/), so each pod is Ready no sooner than: its Ready
// transition if Ready; its containers' start + that delay if running; now + that delay if not
// started yet, or if its status is from before the reboot (the kubelet restarts its containers
// at the boot and posts their new start later, pkg/kubelet/status/status_manager.go). The latest
// of these is when the gate can open; its workloads' and PDBs' status follow within their
// controllers' delay, which the wait's fast looks after the expected time absorb.
import { readyFromBeforeReboot } from './gates';
import { isFinished, isTerminating, type PodFacts } from './kubeFacts';

export interface ExpectedReadyInput {
  /** The pods the gate looked at (on the node, and the evicted workloads' wherever they run). */
  pods: readonly PodFacts[];
  /** ISO 8601: the look's time. */
  now: string;
  /** The rebooted node, and when its reboot was sent (ISO 8601): its pods whose status is from before then restart. */
  node: string;
  rebootedAfter?: string;
}

/** The latest time (ISO 8601) at which one of the pods can become Ready; undefined without pods. */
export function expectedReadyAt(input: ExpectedReadyInput): string | undefined {
  const now = Date.parse(input.now);
  let latest: number | undefined;
  for (const pod of input.pods) {
    if (isFinished(pod) || isTerminating(pod)) continue;
    const at = readyNoSoonerThan(pod, now, pod.nodeName === input.node ? input.rebootedAfter : undefined);
    if (at !== undefined && (latest === undefined || at > latest)) latest = at;
  }
  return latest === undefined ? undefined : new Date(latest).toISOString();
}

function readyNoSoonerThan(pod: PodFacts, now: number, rebootedAfter: string | undefined): number | undefined {
  const delayMs = (pod.readinessDelaySeconds ?? 0) * 1000;
  // Status from before the reboot (the kubelet has not posted its restart yet): counted as starting now.
  if (rebootedAfter !== undefined && statusFromBefore(pod, rebootedAfter)) return now + delayMs;
  if (pod.ready) return pod.readySince === undefined ? undefined : Date.parse(pod.readySince);
  if (pod.containersStartedAt !== undefined) return Date.parse(pod.containersStartedAt) + delayMs;
  return now + delayMs;
}

/** Ready from before the reboot, or not Ready with containers that started before it. */
function statusFromBefore(pod: PodFacts, rebootedAfter: string): boolean {
  if (pod.ready) return readyFromBeforeReboot(pod, rebootedAfter);
  return pod.containersStartedAt !== undefined && Date.parse(pod.containersStartedAt) <= Date.parse(rebootedAfter);
}
