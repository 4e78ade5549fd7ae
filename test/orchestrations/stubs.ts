// What the orchestrator tests share: a host on the stub app, a run's settings and inputs, the
// activities of a node that goes well (each test replaces the ones its story needs), and a
// compact view of the calls made.
import path from 'node:path';
import type { ClusterRef } from '../../activities/contracts';
import { toRunSettings } from '../../core/runSettings';
import type { RunSettings } from '../../core/runTypes';
import { parseSettings } from '../../core/settings';
import { createVirtualClock } from '../../local/clock';
import { startHost, type LocalHost } from '../../local/host';
import { nodeInstanceId, runInstanceId } from '../../orchestrations/names';
import type { NodeRebootInput } from '../../orchestrations/types';
import { calls, type ActivityStubs } from './stubApp';

export const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);
export const RUN_ID = '20260105T010000Z-abcd';
export const CLUSTER: ClusterRef = {
  alias: 'test',
  resourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/test',
  subscriptionId: 's',
  resourceGroup: 'g',
  name: 'test',
};

export async function stubHost(): Promise<LocalHost> {
  return startHost({ entry: path.join(__dirname, 'stubApp.ts'), clock: createVirtualClock(T0) });
}

/** The default settings' run snapshot, with the given changes. */
export function runSettings(changes: Partial<RunSettings> = {}): RunSettings {
  const parsed = parseSettings({});
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return { ...toRunSettings(parsed.settings), ...changes };
}

export function nodeInput(node: string, settings: RunSettings): NodeRebootInput {
  return {
    cluster: CLUSTER,
    settings,
    runId: RUN_ID,
    runInstanceId: runInstanceId(CLUSTER.alias, RUN_ID),
    node: { node, pool: 'user', zone: '1' },
    leaseRenewedAt: new Date(T0).toISOString(),
  };
}

export function nodeId(node: string): string {
  return nodeInstanceId(CLUSTER.alias, RUN_ID, node);
}

export const BOOT_BEFORE = 'boot-before';
export const BOOT_AFTER = 'boot-after';

/** A node that locks, drains at once, reboots on the first command and comes back Ready. */
export function healthyNode(): ActivityStubs {
  let rebooted = false;
  return {
    // The admission preflight finds nothing refused.
    checkAdmission: () => ({ checked: 1, denials: [] }),
    // No upgrade or other operation in progress on the cluster.
    checkClusterState: () => ({}),
    // No pods on the candidates: the scheduler (ADR 0019) takes them in plan order.
    scheduleTerms: (input) => ({ nodes: input.candidates.map((c) => ({ name: c.node, zone: c.zone, system: false, disruptionSeconds: 150, workloads: [] })), budgets: {} }),
    releasedBudgets: () => ({ released: [] }),
    lockNode: (input) => ({ locked: true, wasUnschedulable: false, bootId: BOOT_BEFORE, pool: 'user', zone: input.node.endsWith('2') ? '2' : '1' }),
    recordNodeEvent: () => ({ posted: true }),
    labelNode: () => ({ changed: true }),
    checkGate: () => ({ ok: true }),
    cordonNode: () => ({ cordoned: true }),
    evictPods: () => ({
      drained: true,
      evicted: ['shop/web-1'],
      evictedWorkloads: [{ kind: 'Deployment', namespace: 'shop', name: 'web' }],
      blocked: [],
      terminating: [],
      refused: [],
      errors: [],
      warnings: [],
    }),
    startReboot: (input) => {
      rebooted = true;
      return { sent: true, helperPod: `reboot-${input.node}`, commandId: `cmd-${input.node}`, alreadyExisted: false };
    },
    getCommandResult: () => ({ state: 'succeeded', exitCode: 0, logs: '' }),
    getNodeStatus: () => ({ exists: true, ready: true, bootId: rebooted ? BOOT_AFTER : BOOT_BEFORE, unschedulable: true }),
    uncordonNode: () => ({ uncordoned: true }),
    releaseNode: () => ({ released: true, deletedHelperPods: [] }),
    notify: () => ({ sent: 1, failed: 0 }),
    renewLease: (input) => ({ held: true, renewedAt: input.at }),
  };
}

/** The calls made, one word each, with a node event's reason or a notification's event: `recordNodeEvent:RebootScheduled`. */
export function callNames(): string[] {
  return calls.map(({ name, input }) => {
    const detail = name === 'recordNodeEvent' ? input.reason : name === 'notify' ? input.event : name === 'checkGate' ? input.gate : undefined;
    return detail === undefined ? name : `${name}:${String(detail)}`;
  });
}

/** The calls made, without consecutive repeats (an activity's retries, a poll's passes). */
export function distinctCallNames(): string[] {
  return callNames().filter((name, i, all) => name !== all[i - 1]);
}
