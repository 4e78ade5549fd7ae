// Reading and starting our instances through the durable client: the rules the timer and
// the HTTP API share (what counts as running, how a lock instance is started).
import type * as df from 'durable-functions';
import type { ClusterRef } from '../activities/contracts';
import { toRunSettings } from '../core/runSettings';
import type { ManualRequest, Trigger } from '../core/runTypes';
import type { Settings } from '../core/settings';
import { lockInstanceId, orchestrators } from '../orchestrations/names';
import type { ClusterLockInput } from '../orchestrations/types';

const LIVE_STATES = new Set(['Running', 'Pending', 'ContinuedAsNew', 'Suspended']);

export function isLive(status: df.DurableOrchestrationStatus | undefined): boolean {
  return !!status && LIVE_STATES.has(String(status.runtimeStatus));
}

/** durable-functions v3 throws on an unknown instance id; we want "none". */
export async function statusOf(client: df.DurableClient, instanceId: string, options: df.GetStatusOptions = {}): Promise<df.DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(instanceId, { showInput: false, ...options });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /404|not found/i.test(text);
}

export type StartResult = { started: true; instanceId: string } | { started: false; instanceId: string; status: df.DurableOrchestrationStatus };

/** Starts the cluster's lock instance unless one is alive (the fixed id is the lock). */
export async function startClusterRun(
  client: df.DurableClient,
  settings: Settings,
  cluster: ClusterRef,
  trigger: Trigger,
  requestedBy: string,
  request?: ManualRequest,
): Promise<StartResult> {
  const instanceId = lockInstanceId(cluster.alias);
  const existing = await statusOf(client, instanceId);
  if (existing && isLive(existing)) return { started: false, instanceId, status: existing };
  const input: ClusterLockInput = { cluster, settings: toRunSettings(settings), trigger, requestedBy, ...(request ? { request } : {}) };
  try {
    await client.startNew(orchestrators.clusterLock, { instanceId, input });
  } catch (error) {
    // Two starts raced: the extension refused the second because the id is running.
    const now = await statusOf(client, instanceId);
    if (now && isLive(now)) return { started: false, instanceId, status: now };
    throw error;
  }
  return { started: true, instanceId };
}
