// Whether a reboot helper that has not started is stuck: the image cannot be pulled (egress
// rules, a registry that refuses us) or the pod stays Pending. Such a helper has not rebooted
// anything yet, so the node can still be put back; the reason names the image and the
// kubelet's words, which is what an operator needs to fix it.

/** How long a created helper may take to start before we give up on it (pulls are retried at 10, 20, 40 s). */
export const HELPER_START_LIMIT_SECONDS = 90;

/** The kubelet's reasons for an image it cannot get (pkg/kubelet/images/types.go). */
const IMAGE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable', 'ImageInspectError']);

export interface HelperStartFacts {
  name: string;
  phase: string;
  reason?: string;
  message?: string;
  image?: string;
}

/** Why the helper is stuck, once it has been waited on for `waitedSeconds`; undefined while it may still start. */
export function stuckHelperReason(helper: HelperStartFacts, node: string, waitedSeconds: number): string | undefined {
  if (helper.phase !== 'Pending' || waitedSeconds < HELPER_START_LIMIT_SECONDS) return undefined;
  const detail = helper.message ? ` (${helper.message.slice(0, 200)})` : '';
  if (helper.reason && IMAGE_REASONS.has(helper.reason)) {
    return `reboot helper ${helper.name} on ${node} cannot get its image ${helper.image ?? '(unknown)'}: ${helper.reason}${detail}`;
  }
  return `reboot helper ${helper.name} on ${node} still Pending after ${waitedSeconds}s${helper.reason ? `: ${helper.reason}${detail}` : ''}`;
}
