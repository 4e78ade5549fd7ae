// Puts (or takes off) our PreferNoSchedule taint (REBOOT_PREFER_NO_SCHEDULE_TAINT, kured's
// flag) on the run's candidates, so pods evicted from one land on nodes already rebooted.
import { z } from 'zod';
import type { TaintCandidatesInput, TaintCandidatesResult } from './contracts';
import { retried } from './retryRead';
import { kubeFor, mapBounded, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, nodeName, qualifiedName } from './schemas';

const taintCandidatesInput: z.ZodType<TaintCandidatesInput> = z.object({
  ...activityBase,
  nodes: z.array(nodeName),
  taintKey: qualifiedName,
  add: z.boolean(),
});

const PARALLEL_UPDATES = 8;

export async function taintCandidates(raw: unknown, context: ActivityContext): Promise<TaintCandidatesResult> {
  const input = parseInput('taintCandidates', taintCandidatesInput, raw);
  const kube = await kubeFor(context, input);
  const taint = { key: input.taintKey, effect: 'PreferNoSchedule' };
  // Each node's write retried on its own (activities/retryRead.ts): a taint already there reads as unchanged.
  const outcomes = await mapBounded(input.nodes, PARALLEL_UPDATES, async (node) => ({
    node,
    result: await retried(context.deps.sleep, () => (input.add ? kube.taintNode(node, taint) : kube.untaintNode(node, taint))),
  }));
  const changed = outcomes.filter((o) => o.result.outcome === 'updated').map((o) => o.node);
  stepLogger(context, input, 'taint').info(input.add ? 'candidates tainted' : 'taint removed', { taintKey: input.taintKey, changed: changed.length });
  return { changed };
}
