// Discovery, second half: the answers of the check pods started by startRebootChecks. Only the
// sentinel detector leaves checks pending (the label and condition detectors answer at once),
// so this reads check pods. On the last collection anything unfinished is "unknown". It reads
// only: the pods are deleted by deleteRebootChecks once every answer is in the run's history, so
// a collection run twice gives the same answers.
import { z } from 'zod';
import type { CollectRebootChecksInput, CollectRebootChecksResult } from './contracts';
import { collectSentinelChecks } from './detectors/sentinel';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, namespaceName, nodeName } from './schemas';

const collectRebootChecksInput: z.ZodType<CollectRebootChecksInput> = z.object({
  ...activityBase,
  namespace: namespaceName,
  nodes: z.array(nodeName),
  final: z.boolean(),
});

const PARALLEL_READS = 10;

export async function collectRebootChecks(raw: unknown, context: ActivityContext): Promise<CollectRebootChecksResult> {
  const input = parseInput('collectRebootChecks', collectRebootChecksInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'discover');
  const collected = await collectSentinelChecks({ kube, namespace: input.namespace, runId: input.runId, nodes: input.nodes, final: input.final, parallelism: PARALLEL_READS });
  const unknown = collected.results.filter((r) => r.status === 'unknown');
  if (unknown.length > 0) log.warn('reboot checks that could not run', { unknown });
  log.info('reboot checks collected', { answered: collected.results.length, pending: collected.pending.length, final: input.final });
  return { results: collected.results, pending: collected.pending };
}
