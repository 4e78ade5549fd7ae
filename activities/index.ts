// Every activity by its registered name (orchestrations/names.ts): what functions/activities.ts
// registers, and what a test or another host can call directly.
import type { ActivityInput, ActivityName, ActivityResult } from './catalog';
import { checkAdmission } from './checkAdmission';
import { checkBlockers } from './checkBlockers';
import { checkClusterState } from './checkClusterState';
import { checkGate } from './checkGate';
import { collectRebootChecks } from './collectRebootChecks';
import { cordonNode } from './cordonNode';
import { deleteRebootChecks } from './deleteRebootChecks';
import { evictPods } from './evictPods';
import { getCommandResult } from './getCommandResult';
import { getNodeStatus } from './getNodeStatus';
import { labelNode } from './labelNode';
import { acquireLease, releaseLease, renewLease } from './lease';
import { listPools } from './listPools';
import { lockNode } from './lockNode';
import { notify } from './notify';
import { releasedBudgets } from './releasedBudgets';
import { scheduleTerms } from './scheduleTerms';
import { recordNodeEvent } from './recordNodeEvent';
import { releaseNode } from './releaseNode';
import { repairOrphans } from './repairOrphans';
import type { Activity } from './runtime';
import { startReboot } from './startReboot';
import { startRebootChecks } from './startRebootChecks';
import { taintCandidates } from './taintCandidates';
import { uncordonNode } from './uncordonNode';
import { withdrawReboot } from './withdrawReboot';

export type { ActivityContext, ActivityLogger } from './runtime';
export type { ActivityCatalog, ActivityInput, ActivityName, ActivityResult } from './catalog';
export { activityDependencies, createActivityDependencies, overrideActivityDependencies, resetActivityDependencies } from './deps';
export type { ActivityDependencies, ActivityDependencyOverrides } from './deps';

/**
 * One handler per name of the catalog, returning that activity's result: the same names as
 * orchestrations/names.ts `activities`, which the compiler holds to the catalog too.
 */
export const activityHandlers = {
  repairOrphans,
  acquireLease,
  renewLease,
  releaseLease,
  listPools,
  taintCandidates,
  checkAdmission,
  scheduleTerms,
  releasedBudgets,
  startRebootChecks,
  collectRebootChecks,
  deleteRebootChecks,
  checkBlockers,
  checkClusterState,
  checkGate,
  lockNode,
  labelNode,
  cordonNode,
  uncordonNode,
  evictPods,
  startReboot,
  getCommandResult,
  getNodeStatus,
  withdrawReboot,
  releaseNode,
  recordNodeEvent,
  notify,
} as const satisfies { readonly [N in ActivityName]: Activity<ActivityInput<N>, ActivityResult<N>> };
