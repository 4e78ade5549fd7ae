// A node's state while we wait for its reboot: does it exist, is it Ready, which boot is it on;
// on request, where its reboot helper is (found by its deterministic name), so the orchestrator
// can tell a helper that never got created or cannot start from a reboot still on its way.
import { z } from 'zod';
import { rebootHelperName } from '../core/helperPods';
import type { GetNodeStatusInput, NodeStatus, RebootHelperState } from './contracts';
import { kubeFor, parseInput, type ActivityContext } from './runtime';
import { bootId, namespaceName, nodeActivityBase } from './schemas';

const getNodeStatusInput: z.ZodType<GetNodeStatusInput> = z.object({
  ...nodeActivityBase,
  helper: z.object({ namespace: namespaceName, bootId }).optional(),
});

export async function getNodeStatus(raw: unknown, context: ActivityContext): Promise<NodeStatus> {
  const input = parseInput('getNodeStatus', getNodeStatusInput, raw);
  const kube = await kubeFor(context, input);
  const node = await kube.getNode(input.node);
  if (!node) return { exists: false };
  const status = { exists: true as const, ready: node.ready, bootId: node.bootId, unschedulable: node.unschedulable };
  if (!input.helper) return status;
  const name = rebootHelperName(input.node, input.helper.bootId);
  const pod = await kube.readHelperPod(input.helper.namespace, name);
  const helper: RebootHelperState = pod
    ? {
        exists: true,
        name,
        phase: pod.phase,
        ...(pod.reason !== undefined && { reason: pod.reason }),
        ...(pod.message !== undefined && { message: pod.message }),
        ...(pod.image !== undefined && { image: pod.image }),
        ...(pod.exitCode !== undefined && { exitCode: pod.exitCode }),
      }
    : { exists: false, name };
  return { ...status, helper };
}
