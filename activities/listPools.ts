// The cluster's agent pools from ARM, each either selected or skipped with the reason:
// REBOOT_NODE_POOLS / REBOOT_EXCLUDE_NODE_POOLS, a manual request's pools, Windows pools, Spot
// pools unless REBOOT_INCLUDE_SPOT, stopped pools, pools in an operation (not Succeeded).
import { z } from 'zod';
import type { AgentPoolInfo } from '../adapters/azure';
import { clusterBusyReason } from '../core/clusterState';
import type { ListPoolsInput, ListPoolsResult, PoolSummary } from './contracts';
import { parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, poolName } from './schemas';

const listPoolsInput: z.ZodType<ListPoolsInput> = z.object({
  ...activityBase,
  include: z.array(poolName),
  exclude: z.array(poolName),
  includeSpot: z.boolean(),
  requested: z.array(poolName).optional(),
});

/** Why a pool is left out, or undefined when it is selected. First rule that applies wins. */
export function skipReason(pool: AgentPoolInfo, input: Pick<ListPoolsInput, 'include' | 'exclude' | 'includeSpot' | 'requested'>): string | undefined {
  if (input.requested && !input.requested.includes(pool.name)) return 'not named in the request';
  if (input.exclude.includes(pool.name)) return 'excluded by REBOOT_EXCLUDE_NODE_POOLS';
  if (input.include.length > 0 && !input.include.includes(pool.name)) return 'not listed in REBOOT_NODE_POOLS';
  if (pool.osType.toLowerCase() === 'windows') return 'Windows pool: only Linux nodes are rebooted';
  if (pool.scaleSetPriority.toLowerCase() === 'spot' && !input.includeSpot) return 'Spot pool: set REBOOT_INCLUDE_SPOT=true to include it';
  if (pool.powerState.toLowerCase() === 'stopped') return 'the pool is stopped';
  if (pool.provisioningState.toLowerCase() !== 'succeeded') return `the pool is ${pool.provisioningState} (an operation is in progress): not Succeeded`;
  return undefined;
}

export async function listPools(raw: unknown, context: ActivityContext): Promise<ListPoolsResult> {
  const input = parseInput('listPools', listPoolsInput, raw);
  const arm = context.deps.arm.forCluster(input.cluster);
  const [pools, cluster] = await Promise.all([arm.listAgentPools(), arm.getCluster()]);
  const selected: PoolSummary[] = [];
  const skipped: ListPoolsResult['skipped'] = [];
  for (const pool of pools) {
    const reason = skipReason(pool, input);
    if (reason) skipped.push({ pool: pool.name, reason });
    else selected.push({ name: pool.name, mode: pool.mode.toLowerCase() === 'system' ? 'System' : 'User', zones: pool.availabilityZones });
  }
  const known = new Set(pools.map((p) => p.name));
  for (const name of input.requested ?? []) {
    if (!known.has(name)) skipped.push({ pool: name, reason: 'requested, but the cluster has no such pool' });
  }
  stepLogger(context, input, 'discover').info('pools', { selected: selected.map((p) => p.name), skipped });
  const busy = clusterBusyReason(cluster);
  return { pools: selected, skipped, runCommandDisabled: cluster.disableRunCommand, ...(busy && { clusterBusy: busy }) };
}
