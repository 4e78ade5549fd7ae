// Takes back a reboot whose helper never started (stuck Pending, its image not pullable): deletes
// the helper only while it is still Pending (uid precondition), then checks that the node is
// still on the boot the helper was made for. Only then is it safe to put the node back: a helper
// left behind could still start later and reboot an uncordoned node.
import { z } from 'zod';
import { rebootHelperName } from '../core/helperPods';
import type { WithdrawRebootInput, WithdrawRebootResult } from './contracts';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { bootId, namespaceName, nodeActivityBase } from './schemas';

const withdrawRebootInput: z.ZodType<WithdrawRebootInput> = z.object({ ...nodeActivityBase, namespace: namespaceName, bootId });

export async function withdrawReboot(raw: unknown, context: ActivityContext): Promise<WithdrawRebootResult> {
  const input = parseInput('withdrawReboot', withdrawRebootInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'reboot');
  const name = rebootHelperName(input.node, input.bootId);
  const helper = await kube.readHelperPod(input.namespace, name);
  if (helper && helper.phase !== 'Pending') return { withdrawn: false, reason: `reboot helper ${name} is ${helper.phase}: it ran` };
  if (helper) {
    await kube.deletePod({ namespace: input.namespace, name, uid: helper.uid }, { gracePeriodSeconds: 0 });
    log.warn('reboot helper deleted before it started', { helperPod: name, reason: helper.reason, image: helper.image });
  }
  const node = await kube.getNode(input.node);
  if (!node) return { withdrawn: false, reason: 'the node no longer exists' };
  if (node.bootId !== input.bootId) return { withdrawn: false, reason: `the node rebooted meanwhile (boot id ${input.bootId} → ${node.bootId})` };
  return { withdrawn: true };
}
