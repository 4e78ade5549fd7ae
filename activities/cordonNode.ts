// Cordons a node (spec.unschedulable, as kubectl cordon). Whether we may uncordon it later was
// recorded when we locked it; this only says whether this call changed it.
import { z } from 'zod';
import type { CordonNodeResult, NodeActivityBase } from './contracts';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { nodeActivityBase } from './schemas';

const cordonNodeInput: z.ZodType<NodeActivityBase> = z.object(nodeActivityBase);

export async function cordonNode(raw: unknown, context: ActivityContext): Promise<CordonNodeResult> {
  const input = parseInput('cordonNode', cordonNodeInput, raw);
  const kube = await kubeFor(context, input);
  const result = await kube.cordonNode(input.node);
  if (result.outcome === 'missing') throw new Error(`cordonNode: node ${input.node} no longer exists`);
  stepLogger(context, input, 'cordon').info(result.outcome === 'changed' ? 'node cordoned' : 'node was already cordoned', {});
  return { cordoned: result.outcome === 'changed' };
}
