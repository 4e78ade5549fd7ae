// Cordons a node (spec.unschedulable, as kubectl cordon). Whether we may uncordon it later was
// recorded when we locked it; this only says whether this call changed it.
import { z } from 'zod';
import type { CordonNodeResult, NodeActivityBase } from './contracts';
import { retried } from './retryRead';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { nodeActivityBase } from './schemas';

const cordonNodeInput: z.ZodType<NodeActivityBase> = z.object(nodeActivityBase);

export async function cordonNode(raw: unknown, context: ActivityContext): Promise<CordonNodeResult> {
  const input = parseInput('cordonNode', cordonNodeInput, raw);
  const kube = await kubeFor(context, input);
  // Retried on its own (activities/retryRead.ts); a cordon that landed before a 5xx reads as already done.
  const result = await retried(context.deps.sleep, () => kube.cordonNode(input.node));
  if (result.outcome === 'missing') throw new Error(`cordonNode: node ${input.node} no longer exists`);
  stepLogger(context, input, 'cordon').info(result.outcome === 'changed' ? 'node cordoned' : 'node was already cordoned', {});
  return { cordoned: result.outcome === 'changed' };
}
