// Reading and starting our instances through the durable client: the rules the timer and
// the HTTP API share (what counts as running, how a lock instance is started).
import { randomUUID } from 'node:crypto';
import type * as df from 'durable-functions';
import type { ClusterRef } from '../activities/contracts';
import { toRunSettings } from '../core/runSettings';
import type { ManualRequest, Trigger } from '../core/runTypes';
import type { Settings } from '../core/settings';
import { lockInstanceId, orchestrators } from '../orchestrations/names';
import type { ClusterLockInput } from '../orchestrations/types';
import { functionClock } from './clock';

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

/** How long a caller waits to see which start's input runs (on the function clock). */
export const START_CONFIRM_WAIT_MS = 30_000;
const START_POLL_MS = 500;

export type StartResult =
  /** Our input runs: the lock's custom status carries our nonce. */
  | { outcome: 'started'; instanceId: string; status: df.DurableOrchestrationStatus }
  /** A run was alive before we asked; nothing started. */
  | { outcome: 'alreadyRunning'; instanceId: string; status: df.DurableOrchestrationStatus }
  /** Another start overlapped ours and its input runs (ours was refused, or accepted and dropped). */
  | { outcome: 'lostRace'; instanceId: string; status: df.DurableOrchestrationStatus }
  /** Accepted, but no input was seen running within the wait: the lock's status will tell. */
  | { outcome: 'unconfirmed'; instanceId: string };

const nonceOf = (status: df.DurableOrchestrationStatus | undefined): string | undefined =>
  (status?.customStatus as { startNonce?: unknown } | undefined)?.startNonce as string | undefined;

/**
 * Starts the cluster's lock instance unless one is alive (the fixed id is the lock). On Azure
 * Storage the extension checks, then enqueues: two overlapping starts can both be accepted while
 * only the first input runs, so the start counts only once the lock echoes this call's nonce.
 */
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
  if (existing && isLive(existing)) return { outcome: 'alreadyRunning', instanceId, status: existing };
  const startNonce = randomUUID();
  const input: ClusterLockInput = { cluster, settings: toRunSettings(settings), trigger, requestedBy, ...(request ? { request } : {}), startNonce };
  try {
    await client.startNew(orchestrators.clusterLock, { instanceId, input });
  } catch (error) {
    // Two starts raced: the extension refused the second because the id is live.
    const now = await statusOf(client, instanceId);
    if (now && isLive(now)) return { outcome: 'lostRace', instanceId, status: now };
    throw error;
  }
  const clock = functionClock();
  for (const deadline = clock.now() + START_CONFIRM_WAIT_MS; clock.now() < deadline; await clock.sleep(START_POLL_MS)) {
    const status = await statusOf(client, instanceId);
    const nonce = nonceOf(status);
    if (status && nonce === startNonce) return { outcome: 'started', instanceId, status };
    if (status && nonce !== undefined) return { outcome: 'lostRace', instanceId, status };
  }
  return { outcome: 'unconfirmed', instanceId };
}
