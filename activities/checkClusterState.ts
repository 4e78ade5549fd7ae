// The managed cluster's state from ARM (core/clusterState): a stopped cluster, or one in an
// operation, is not started on, and a run stops before its next node when the cluster, or a pool
// whose nodes are still to reboot, enters one (an upgrade replaces those nodes itself).
import { z } from 'zod';
import type { AgentPoolInfo } from '../adapters/azure';
import { clusterBusyReason } from '../core/clusterState';
import type { CheckClusterStateInput, ClusterStateResult } from './contracts';
import { parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, poolName } from './schemas';

const checkClusterStateInput: z.ZodType<CheckClusterStateInput> = z.object({ ...activityBase, pools: z.array(poolName).optional() });

export async function checkClusterState(raw: unknown, context: ActivityContext): Promise<ClusterStateResult> {
  const input = parseInput('checkClusterState', checkClusterStateInput, raw);
  const arm = context.deps.arm.forCluster(input.cluster);
  const busy = clusterBusyReason(await arm.getCluster()) ?? (input.pools?.length ? poolBusyReason(await arm.listAgentPools(), input.pools) : undefined);
  if (busy) stepLogger(context, input, 'cluster').warn('cluster busy', { busy });
  return busy ? { busy } : {};
}

/** The first of `pools` in an operation (not Succeeded), as listPools would skip it. */
function poolBusyReason(pools: AgentPoolInfo[], names: string[]): string | undefined {
  const busy = pools.find((p) => names.includes(p.name) && p.provisioningState.toLowerCase() !== 'succeeded');
  return busy ? `the pool ${busy.name} is ${busy.provisioningState} (an operation is in progress)` : undefined;
}
