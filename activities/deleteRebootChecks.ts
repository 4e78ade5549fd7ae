// Discovery, end: deletes the run's check pods once every answer is in its history (the
// orchestrator calls it after the last collection). Deleting earlier, as each answer was read,
// made a collection that ran twice find its pods gone and skip every node. It also deletes the
// check pods an earlier run left when it ended during discovery (older than an hour). Running
// this again changes nothing; a pod it could not delete is logged and left (it only reads).
import { z } from 'zod';
import type { DeleteRebootChecksInput, DeleteRebootChecksResult } from './contracts';
import { deleteSentinelChecks } from './detectors/sentinel';
import { atMs, kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, namespaceName, nodeName } from './schemas';

const deleteRebootChecksInput: z.ZodType<DeleteRebootChecksInput> = z.object({
  ...activityBase,
  namespace: namespaceName,
  nodes: z.array(nodeName),
});

const PARALLEL_DELETES = 10;

export async function deleteRebootChecks(raw: unknown, context: ActivityContext): Promise<DeleteRebootChecksResult> {
  const input = parseInput('deleteRebootChecks', deleteRebootChecksInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'discover');
  const result = await deleteSentinelChecks({ kube, namespace: input.namespace, runId: input.runId, nodes: input.nodes, parallelism: PARALLEL_DELETES, now: atMs(input) });
  if (result.undeleted.length > 0) log.warn('check pods not deleted', { undeleted: result.undeleted });
  log.info('reboot checks deleted', { deleted: result.deleted, leftovers: result.leftovers });
  return result;
}
