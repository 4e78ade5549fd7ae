// Sends a node's reboot, exactly once in effect: checks that this instance holds the node and
// that the node still runs the boot the reboot is meant for, records the intent on the node
// (rebootIssuedAt) THEN creates the reboot helper through REBOOT_METHOD. The helper's name is
// fixed per node and boot id and its guard reboots only that boot, so a retry, a replay or a
// re-run pod can never reboot twice. With `reissue` a finished helper of this boot (the reboot
// did not happen) is deleted first so that a new one can run.
import { z } from 'zod';
import { isFinished } from '../core/kubeFacts';
import { rebootHelperName } from '../core/helperPods';
import type { StartRebootInput, StartRebootResult } from './contracts';
import { IN_PROGRESS_ANNOTATION, holderOf, readInProgress, writeInProgress } from './nodeState';
import { createRebootMethod } from './rebootMethods';
import { retried } from './retryRead';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { bootId, imageReference, namespaceName, nodeActivityBase } from './schemas';

const startRebootInput: z.ZodType<StartRebootInput> = z.object({
  ...nodeActivityBase,
  method: z.enum(['run-command', 'pod']),
  namespace: namespaceName,
  image: imageReference,
  bootId,
  instanceId: z.string().min(1),
  reissue: z.boolean().optional(),
});

export async function startReboot(raw: unknown, context: ActivityContext): Promise<StartRebootResult> {
  const input = parseInput('startReboot', startRebootInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'reboot');
  const helperPod = rebootHelperName(input.node, input.bootId);
  const method = createRebootMethod(input.method, { kube, arm: context.deps.arm.forCluster(input.cluster) });

  // Its reads and the intent's write are retried on their own (activities/retryRead.ts): on a
  // flaky API the orchestrator's retry of the whole activity would repeat all of them.
  const sleep = context.deps.sleep;
  const node = await retried(sleep, () => kube.getNode(input.node));
  if (!node) return { sent: false, reason: 'the node no longer exists' };
  const lock = readInProgress(node);
  if (lock.state !== 'held' || lock.value.instanceId !== input.instanceId) {
    return { sent: false, reason: `the node is not locked by this instance (${holderOf(lock) ? `held by ${holderOf(lock)}` : 'no lock'})` };
  }
  if (node.bootId !== input.bootId) {
    if (lock.value.rebootIssuedAt !== undefined) {
      log.info('reboot already happened', { bootIdBefore: input.bootId, bootId: node.bootId });
      return { sent: true, helperPod, alreadyExisted: true };
    }
    return { sent: false, rebootedAlready: true, reason: `the node rebooted by itself since it was locked (boot id ${input.bootId} → ${node.bootId}): no reboot needed` };
  }

  const existing = await retried(sleep, () => kube.readHelperPod(input.namespace, helperPod));
  if (existing && !(input.reissue && isFinished(existing))) {
    log.info('reboot helper already there', { helperPod, phase: existing.phase });
    return { sent: true, helperPod, alreadyExisted: true };
  }
  if (existing) {
    // Finished on this very boot: its guard found another boot id or systemctl failed; it will not run again.
    await retried(sleep, () => kube.deletePod({ namespace: input.namespace, name: helperPod, uid: existing.uid }, { gracePeriodSeconds: 0 }));
    log.warn('finished reboot helper deleted to re-issue', { helperPod, exitCode: existing.exitCode, reason: existing.reason });
  }

  // Read, decide, write with the resourceVersion: a retry re-reads and writes the same intent.
  const recorded = await retried(sleep, () => kube.updateNode(input.node, (current) => {
    const now = readInProgress(current);
    if (now.state !== 'held' || now.value.instanceId !== input.instanceId) return undefined;
    return { annotations: { [IN_PROGRESS_ANNOTATION]: writeInProgress({ ...now.value, rebootIssuedAt: input.at }) } };
  }));
  if (recorded.outcome === 'missing') return { sent: false, reason: 'the node no longer exists' };
  if (readInProgress(recorded.node).state !== 'held') return { sent: false, reason: 'the node lost its lock before the reboot was sent' };

  const sent = await method.send({ namespace: input.namespace, image: input.image, node: input.node, runId: input.runId, bootId: input.bootId });
  log.info('reboot sent', { method: method.name, helperPod, commandId: sent.commandId, alreadyExisted: sent.alreadyExisted });
  return { sent: true, helperPod, alreadyExisted: sent.alreadyExisted, ...(sent.commandId !== undefined && { commandId: sent.commandId }) };
}
