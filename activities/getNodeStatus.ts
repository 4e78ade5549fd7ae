// A node's state while we wait for its reboot: does it exist, is it Ready, which boot is it on.
import { z } from 'zod';
import type { NodeActivityBase, NodeStatus } from './contracts';
import { kubeFor, parseInput, type ActivityContext } from './runtime';
import { nodeActivityBase } from './schemas';

const getNodeStatusInput: z.ZodType<NodeActivityBase> = z.object(nodeActivityBase);

export async function getNodeStatus(raw: unknown, context: ActivityContext): Promise<NodeStatus> {
  const input = parseInput('getNodeStatus', getNodeStatusInput, raw);
  const kube = await kubeFor(context, input);
  const node = await kube.getNode(input.node);
  if (!node) return { exists: false };
  return { exists: true, ready: node.ready, bootId: node.bootId, unschedulable: node.unschedulable };
}
