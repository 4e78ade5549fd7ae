// The managed cluster's state from ARM (core/clusterState): a stopped cluster, or one in an
// operation, is not started on, and a run stops before its next node when the cluster enters one.
import { z } from 'zod';
import { clusterBusyReason } from '../core/clusterState';
import type { CheckClusterStateInput, ClusterStateResult } from './contracts';
import { parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase } from './schemas';

const checkClusterStateInput: z.ZodType<CheckClusterStateInput> = z.object({ ...activityBase });

export async function checkClusterState(raw: unknown, context: ActivityContext): Promise<ClusterStateResult> {
  const input = parseInput('checkClusterState', checkClusterStateInput, raw);
  const cluster = await context.deps.arm.forCluster(input.cluster).getCluster();
  const busy = clusterBusyReason(cluster);
  if (busy) stepLogger(context, input, 'cluster').warn('cluster busy', { busy });
  return busy ? { busy } : {};
}
