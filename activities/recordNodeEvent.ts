// Posts a core/v1 Event on the node, so `kubectl describe node` tells what we did. Its name is
// derived from the run and the reason, so a retried activity posts it once.
import { z } from 'zod';
import type { RecordNodeEventInput, RecordNodeEventResult } from './contracts';
import { atMs, kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { nodeActivityBase } from './schemas';

const recordNodeEventInput: z.ZodType<RecordNodeEventInput> = z.object({
  ...nodeActivityBase,
  reason: z.enum(['RebootScheduled', 'RebootCompleted', 'RebootFailed', 'RebootCancelled']),
  message: z.string(),
  type: z.enum(['Normal', 'Warning']),
});

export async function recordNodeEvent(raw: unknown, context: ActivityContext): Promise<RecordNodeEventResult> {
  const input = parseInput('recordNodeEvent', recordNodeEventInput, raw);
  const kube = await kubeFor(context, input);
  const result = await kube.postNodeEvent({
    node: input.node,
    reason: input.reason,
    message: input.message,
    type: input.type,
    key: `${input.reason}.${input.runId}`,
    now: atMs(input),
  });
  stepLogger(context, input, 'event').info('node event', { reason: input.reason, outcome: result.outcome });
  return { posted: result.outcome === 'posted' };
}
