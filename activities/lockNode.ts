// Locks a node for one nodeReboot instance: the in-progress annotation records what to restore
// (was it cordoned before us, did we add the autoscaler's scale-down guard) and the boot id the
// reboot is meant for. Idempotent for the same instance; refuses a node another one holds.
import { z } from 'zod';
import type { LockNodeInput, LockNodeResult } from './contracts';
import { holderOf, IN_PROGRESS_ANNOTATION, readInProgress, SCALE_DOWN_DISABLED_ANNOTATION, writeInProgress, type InProgress } from './nodeState';
import { retried } from './retryRead';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { nodeActivityBase } from './schemas';

const lockNodeInput: z.ZodType<LockNodeInput> = z.object({ ...nodeActivityBase, instanceId: z.string().min(1) });

export async function lockNode(raw: unknown, context: ActivityContext): Promise<LockNodeResult> {
  const input = parseInput('lockNode', lockNodeInput, raw);
  const kube = await kubeFor(context, input);
  let heldBy: string | undefined;
  let lock: InProgress | undefined;
  // Read, decide, write with the resourceVersion, retried on its own (activities/retryRead.ts):
  // a retry after a write that landed finds this instance's lock and keeps it.
  const update = await retried(context.deps.sleep, () => kube.updateNode(input.node, (node) => {
    heldBy = undefined;
    const current = readInProgress(node);
    if (current.state === 'held' && current.value.instanceId === input.instanceId) {
      lock = current.value;
    } else if (current.state !== 'none') {
      heldBy = holderOf(current);
      return undefined;
    } else {
      const guardThere = node.annotations[SCALE_DOWN_DISABLED_ANNOTATION] === 'true';
      lock = {
        instanceId: input.instanceId,
        runId: input.runId,
        startedAt: input.at,
        wasUnschedulable: node.unschedulable,
        bootId: node.bootId,
        addedScaleDownDisabled: !guardThere,
      };
    }
    return { annotations: { [IN_PROGRESS_ANNOTATION]: writeInProgress(lock), [SCALE_DOWN_DISABLED_ANNOTATION]: 'true' } };
  }));
  const log = stepLogger(context, input, 'lock');
  if (update.outcome === 'missing') {
    log.warn('node not found', {});
    return { locked: false, missing: true };
  }
  if (heldBy !== undefined || !lock) {
    log.warn('node held by another instance', { heldBy });
    return { locked: false, heldBy: heldBy ?? 'unknown' };
  }
  log.info('node locked', { wasUnschedulable: lock.wasUnschedulable, bootId: lock.bootId });
  return { locked: true, wasUnschedulable: lock.wasUnschedulable, bootId: lock.bootId, pool: update.node.pool, zone: update.node.zone };
}
