// Every activity by its registered name, with the input it takes and the result it returns:
// the one map that orchestrations/flow.ts checks each call against at compile time and that
// activities/index.ts registers handlers for. zod still checks every input at run time, since
// a durable input crosses a process boundary as JSON.
import type {
  BlockersResult,
  CheckAdmissionInput,
  CheckAdmissionResult,
  CheckBlockersInput,
  CheckClusterStateInput,
  CheckGateInput,
  ClusterStateResult,
  CollectRebootChecksInput,
  CollectRebootChecksResult,
  CommandResult,
  CordonNodeResult,
  DeleteRebootChecksInput,
  DeleteRebootChecksResult,
  EvictPodsInput,
  EvictPodsResult,
  GateResult,
  GetCommandResultInput,
  GetNodeStatusInput,
  LabelNodeInput,
  LabelNodeResult,
  LeaseInput,
  LeaseResult,
  ListPoolsInput,
  ListPoolsResult,
  LockNodeInput,
  LockNodeResult,
  NodeActivityBase,
  NodeStatus,
  NotifyInput,
  NotifyResult,
  RecordNodeEventInput,
  RecordNodeEventResult,
  ReleaseLeaseResult,
  ReleaseNodeInput,
  ReleaseNodeResult,
  RepairOrphansInput,
  RepairOrphansResult,
  ReleasedBudgetsInput,
  ReleasedBudgetsResult,
  ScheduleTermsInput,
  ScheduleTermsResult,
  StartRebootChecksInput,
  StartRebootChecksResult,
  StartRebootInput,
  StartRebootResult,
  TaintCandidatesInput,
  TaintCandidatesResult,
  UncordonNodeInput,
  UncordonNodeResult,
  WithdrawRebootInput,
  WithdrawRebootResult,
} from './contracts';

export interface ActivityCatalog {
  repairOrphans: { input: RepairOrphansInput; result: RepairOrphansResult };
  acquireLease: { input: LeaseInput; result: LeaseResult };
  renewLease: { input: LeaseInput; result: LeaseResult };
  releaseLease: { input: LeaseInput; result: ReleaseLeaseResult };
  listPools: { input: ListPoolsInput; result: ListPoolsResult };
  taintCandidates: { input: TaintCandidatesInput; result: TaintCandidatesResult };
  scheduleTerms: { input: ScheduleTermsInput; result: ScheduleTermsResult };
  releasedBudgets: { input: ReleasedBudgetsInput; result: ReleasedBudgetsResult };
  checkAdmission: { input: CheckAdmissionInput; result: CheckAdmissionResult };
  startRebootChecks: { input: StartRebootChecksInput; result: StartRebootChecksResult };
  collectRebootChecks: { input: CollectRebootChecksInput; result: CollectRebootChecksResult };
  deleteRebootChecks: { input: DeleteRebootChecksInput; result: DeleteRebootChecksResult };
  checkBlockers: { input: CheckBlockersInput; result: BlockersResult };
  checkClusterState: { input: CheckClusterStateInput; result: ClusterStateResult };
  checkGate: { input: CheckGateInput; result: GateResult };
  lockNode: { input: LockNodeInput; result: LockNodeResult };
  labelNode: { input: LabelNodeInput; result: LabelNodeResult };
  cordonNode: { input: NodeActivityBase; result: CordonNodeResult };
  uncordonNode: { input: UncordonNodeInput; result: UncordonNodeResult };
  evictPods: { input: EvictPodsInput; result: EvictPodsResult };
  startReboot: { input: StartRebootInput; result: StartRebootResult };
  getCommandResult: { input: GetCommandResultInput; result: CommandResult };
  getNodeStatus: { input: GetNodeStatusInput; result: NodeStatus };
  withdrawReboot: { input: WithdrawRebootInput; result: WithdrawRebootResult };
  releaseNode: { input: ReleaseNodeInput; result: ReleaseNodeResult };
  recordNodeEvent: { input: RecordNodeEventInput; result: RecordNodeEventResult };
  notify: { input: NotifyInput; result: NotifyResult };
}

export type ActivityName = keyof ActivityCatalog;
export type ActivityInput<N extends ActivityName> = ActivityCatalog[N]['input'];
export type ActivityResult<N extends ActivityName> = ActivityCatalog[N]['result'];
