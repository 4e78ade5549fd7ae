// Finds and deletes our helper pods of one role on one node, whatever run or boot id they were
// made for: what releaseNode and the orphan repair clean up.
import type { KubeClient } from '../adapters/kube';
import { MANAGED_BY, MANAGED_BY_LABEL, ROLE_LABEL, type HelperRole } from '../core/helperPods';

export function helperSelector(role: HelperRole): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY},${ROLE_LABEL}=${role}`;
}

/** Deletes every helper pod of `role` bound to `node`; returns their names. */
export async function deleteHelperPodsOnNode(kube: KubeClient, namespace: string, node: string, role: HelperRole): Promise<string[]> {
  const pods = (await kube.listHelperPods(namespace, helperSelector(role))).filter((p) => p.nodeName === node);
  for (const pod of pods) await kube.deleteHelperPod(namespace, pod.name);
  return pods.map((p) => p.name);
}
