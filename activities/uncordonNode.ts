// Uncordons a node we cordoned, and only that: the in-progress annotation must be this
// instance's and say the node was schedulable when we locked it. Someone else's cordon stays.
import { z } from 'zod';
import type { UncordonNodeInput, UncordonNodeResult } from './contracts';
import { holderOf, readInProgress } from './nodeState';
import { retried } from './retryRead';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { nodeActivityBase } from './schemas';

const uncordonNodeInput: z.ZodType<UncordonNodeInput> = z.object({ ...nodeActivityBase, instanceId: z.string().min(1) });

export async function uncordonNode(raw: unknown, context: ActivityContext): Promise<UncordonNodeResult> {
  const input = parseInput('uncordonNode', uncordonNodeInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'uncordon');
  // Each call retried on its own (activities/retryRead.ts): a node left cordoned after its reboot halts the run.
  const node = await retried(context.deps.sleep, () => kube.getNode(input.node));
  if (!node) return { uncordoned: false, reason: 'the node no longer exists' };
  const lock = readInProgress(node);
  if (lock.state !== 'held' || lock.value.instanceId !== input.instanceId) {
    const holder = holderOf(lock);
    const reason = holder ? `the node is held by ${holder}, not by this instance: left as it is` : 'the node is not locked by this instance: left as it is';
    log.warn('not uncordoned', { reason });
    return { uncordoned: false, reason };
  }
  if (lock.value.wasUnschedulable) {
    const reason = 'it was already cordoned (by someone else) when we locked it: left cordoned';
    log.info('not uncordoned', { reason });
    return { uncordoned: false, reason };
  }
  const result = await retried(context.deps.sleep, () => kube.uncordonNode(input.node));
  if (result.outcome === 'missing') return { uncordoned: false, reason: 'the node no longer exists' };
  log.info(result.outcome === 'changed' ? 'node uncordoned' : 'node was already schedulable', {});
  return { uncordoned: true };
}
