// Gives a node back after our work (or after the undo of it): removes the in-progress
// annotation and the scale-down guard we added, our PreferNoSchedule taint, sets the
// post-reboot labels and the last-reboot record, and deletes the reboot helper pod. Never
// touches a node another instance holds. Idempotent: a second call finds nothing left to do.
import { z } from 'zod';
import type { NodeChange } from '../adapters/kube';
import type { ReleaseNodeInput, ReleaseNodeResult } from './contracts';
import { deleteHelperPodsOnNode } from './helperPodsOnNode';
import { holderOf, IN_PROGRESS_ANNOTATION, LAST_REBOOT_ANNOTATION, readInProgress, SCALE_DOWN_DISABLED_ANNOTATION, writeLastReboot } from './nodeState';
import { retried } from './retryRead';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { bootId, isoInstant, labels, namespaceName, nodeActivityBase } from './schemas';

const releaseNodeInput: z.ZodType<ReleaseNodeInput> = z.object({
  ...nodeActivityBase,
  instanceId: z.string().min(1),
  namespace: namespaceName,
  postLabels: labels,
  taintKey: z.string(),
  lastReboot: z.object({ at: isoInstant, bootIdBefore: bootId, bootIdAfter: z.union([bootId, z.literal('')]) }).optional(),
});

export async function releaseNode(raw: unknown, context: ActivityContext): Promise<ReleaseNodeResult> {
  const input = parseInput('releaseNode', releaseNodeInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'release');
  let heldBy: string | undefined;
  // Each step retried on its own (activities/retryRead.ts); both are idempotent.
  const sleep = context.deps.sleep;
  const update = await retried(sleep, () => kube.updateNode(input.node, (node) => {
    heldBy = undefined;
    const lock = readInProgress(node);
    if (lock.state !== 'none' && !(lock.state === 'held' && lock.value.instanceId === input.instanceId)) {
      heldBy = holderOf(lock);
      return undefined;
    }
    const annotations: Record<string, string | null> = { [IN_PROGRESS_ANNOTATION]: null };
    if (lock.state === 'held' && lock.value.addedScaleDownDisabled !== false) annotations[SCALE_DOWN_DISABLED_ANNOTATION] = null;
    if (input.lastReboot) annotations[LAST_REBOOT_ANNOTATION] = writeLastReboot({ ...input.lastReboot, runId: input.runId });
    const change: NodeChange = { annotations, labels: input.postLabels };
    if (input.taintKey !== '') change.removeTaints = [{ key: input.taintKey, effect: 'PreferNoSchedule' }];
    return change;
  }));
  if (update.outcome === 'missing') {
    log.warn('node not found', {});
    return { released: false, deletedHelperPods: [] };
  }
  if (heldBy !== undefined) {
    log.warn('node held by another instance: not released', { heldBy });
    return { released: false, heldBy, deletedHelperPods: [] };
  }
  const deletedHelperPods = await retried(sleep, () => deleteHelperPodsOnNode(kube, input.namespace, input.node, 'reboot'));
  log.info('node released', { deletedHelperPods, lastReboot: input.lastReboot });
  return { released: true, deletedHelperPods };
}
