// Sets labels on a node (REBOOT_PRE_REBOOT_NODE_LABELS), remembering in our in-progress
// annotation what each label was before, so an orphan repair can put them back.
import { z } from 'zod';
import type { LabelNodeInput, LabelNodeResult } from './contracts';
import { IN_PROGRESS_ANNOTATION, readInProgress, writeInProgress } from './nodeState';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { labels, nodeActivityBase } from './schemas';

const labelNodeInput: z.ZodType<LabelNodeInput> = z.object({ ...nodeActivityBase, labels });

export async function labelNode(raw: unknown, context: ActivityContext): Promise<LabelNodeResult> {
  const input = parseInput('labelNode', labelNodeInput, raw);
  const kube = await kubeFor(context, input);
  const update = await kube.updateNode(input.node, (node) => {
    const current = readInProgress(node);
    const annotations: Record<string, string> = {};
    if (current.state === 'held' && current.value.runId === input.runId) {
      const before = { ...current.value.labelsBefore };
      for (const key of Object.keys(input.labels)) if (!(key in before)) before[key] = node.labels[key] ?? null;
      annotations[IN_PROGRESS_ANNOTATION] = writeInProgress({ ...current.value, labelsBefore: before });
    }
    return { labels: input.labels, annotations };
  });
  if (update.outcome === 'missing') throw new Error(`labelNode: node ${input.node} no longer exists`);
  stepLogger(context, input, 'label').info('node labels set', { labels: input.labels, changed: update.outcome === 'updated' });
  return { changed: update.outcome === 'updated' };
}
