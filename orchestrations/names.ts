// Every registered function name and every instance id format, in one place: the
// registrations, the orchestrators and the HTTP API must agree on them.
import type { ActivityName } from '../activities/catalog';

export type { ActivityName };

export const orchestrators = {
  clusterLock: 'clusterLock',
  clusterReboot: 'clusterReboot',
  nodeReboot: 'nodeReboot',
} as const;

export const activities = {
  repairOrphans: 'repairOrphans',
  acquireLease: 'acquireLease',
  renewLease: 'renewLease',
  releaseLease: 'releaseLease',
  listPools: 'listPools',
  taintCandidates: 'taintCandidates',
  checkAdmission: 'checkAdmission',
  scheduleTerms: 'scheduleTerms',
  releasedBudgets: 'releasedBudgets',
  startRebootChecks: 'startRebootChecks',
  collectRebootChecks: 'collectRebootChecks',
  deleteRebootChecks: 'deleteRebootChecks',
  checkBlockers: 'checkBlockers',
  checkClusterState: 'checkClusterState',
  checkGate: 'checkGate',
  lockNode: 'lockNode',
  labelNode: 'labelNode',
  cordonNode: 'cordonNode',
  uncordonNode: 'uncordonNode',
  evictPods: 'evictPods',
  startReboot: 'startReboot',
  getCommandResult: 'getCommandResult',
  getNodeStatus: 'getNodeStatus',
  withdrawReboot: 'withdrawReboot',
  releaseNode: 'releaseNode',
  recordNodeEvent: 'recordNodeEvent',
  notify: 'notify',
} as const satisfies { readonly [N in ActivityName]: N };

/** The external event that carries pause / resume / cancel. */
export const CONTROL_EVENT = 'control';

/** The per-cluster lock instance: its fixed id is what makes a second start fail. */
export function lockInstanceId(alias: string): string {
  return `reboot-${alias}`;
}

/** One run of a cluster. */
export function runInstanceId(alias: string, runId: string): string {
  return `reboot-${alias}-${runId}`;
}

/** One node of one run. */
export function nodeInstanceId(alias: string, runId: string, node: string): string {
  return `reboot-${alias}-${runId}-${node}`;
}

/** One node's recovery part (ADR 0019). Upper case, which no node name has, so it cannot equal another node's id. */
export function recoveryInstanceId(alias: string, runId: string, node: string): string {
  return `${nodeInstanceId(alias, runId, node)}-Recovery`;
}

/**
 * The cluster's dry run (one at a time, the latest kept): not under the lock, so it never
 * collides with a real run. Its own prefix keeps ids unambiguous: an alias is a DNS label
 * (lower case) and a run id carries upper-case T and Z, so no `reboot-…` id of one cluster can
 * equal another's, and no alias can make a `reboot-…` id look like a plan (`x-plan` once could).
 */
export function planInstanceId(alias: string): string {
  return `plan-${alias}`;
}

/** `yyyymmddThhmmssZ-xxxx`: sortable, unique with 4 characters of a durable GUID. */
export function makeRunId(now: Date, guid: string): string {
  const stamp = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  return `${stamp}-${guid.replace(/-/g, '').slice(0, 4).toLowerCase()}`;
}
