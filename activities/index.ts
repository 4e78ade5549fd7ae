// Every activity by its registered name (orchestrations/names.ts): what functions/activities.ts
// registers, and what a test or another host can call directly.
import { checkBlockers } from './checkBlockers';
import { checkGate } from './checkGate';
import { collectRebootChecks } from './collectRebootChecks';
import { cordonNode } from './cordonNode';
import { evictPods } from './evictPods';
import { getCommandResult } from './getCommandResult';
import { getNodeStatus } from './getNodeStatus';
import { labelNode } from './labelNode';
import { acquireLease, releaseLease, renewLease } from './lease';
import { listPools } from './listPools';
import { lockNode } from './lockNode';
import { notify } from './notify';
import { planWave } from './planWave';
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
export { activityDependencies, createActivityDependencies, overrideActivityDependencies, resetActivityDependencies } from './deps';
export type { ActivityDependencies, ActivityDependencyOverrides } from './deps';

/** Keyed by the names of orchestrations/names.ts `activities` (a test checks they match). */
export const activityHandlers: Readonly<Record<string, Activity<unknown, unknown>>> = {
  repairOrphans,
  acquireLease,
  renewLease,
  releaseLease,
  listPools,
  taintCandidates,
  planWave,
  startRebootChecks,
  collectRebootChecks,
  checkBlockers,
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
};
