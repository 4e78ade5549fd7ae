// History events in the shape the Durable Task extension hands to out-of-process SDKs: PascalCase
// DurableTask.Core HistoryEvent JSON with numeric EventType (DurableTask.Core/History/EventType.cs).
// Decision events (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated) carry EventId =
// the task's sequence number; every other event has EventId -1.

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export type EventTypeName = keyof typeof EventType;
export type EventTypeNumber = (typeof EventType)[EventTypeName];

export const eventTypeName = (n: number): EventTypeName | undefined =>
  (Object.keys(EventType) as EventTypeName[]).find((k) => EventType[k] === n);

/** DurableTask.Core OrchestrationStatus numbers, as ExecutionCompleted.OrchestrationStatus carries them. */
export const OrchestrationStatus = { Running: 0, Completed: 1, ContinuedAsNew: 2, Failed: 3, Canceled: 4, Terminated: 5, Pending: 6, Suspended: 7 } as const;

export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 UTC. */
  Timestamp: string;
  [field: string]: unknown;
}

/** JSON text of a value as the extension stores inputs and results; undefined stays absent (null). */
export const toJsonText = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

export const parseJsonText = (text: unknown): unknown => (typeof text === 'string' && text.length > 0 ? JSON.parse(text) : null);

export const iso = (ms: number): string => new Date(ms).toISOString();

function base(type: number, at: number, eventId = -1): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: iso(at) };
}

export const ev = {
  orchestratorStarted: (at: number): HistoryEvent => base(EventType.OrchestratorStarted, at),
  orchestratorCompleted: (at: number): HistoryEvent => base(EventType.OrchestratorCompleted, at),
  executionStarted: (at: number, o: { instanceId: string; executionId: string; name: string; input: string | null; parent?: ParentRef }): HistoryEvent => ({
    ...base(EventType.ExecutionStarted, at),
    OrchestrationInstance: { InstanceId: o.instanceId, ExecutionId: o.executionId },
    ParentInstance: o.parent
      ? { Name: o.parent.name, OrchestrationInstance: { InstanceId: o.parent.instanceId, ExecutionId: o.parent.executionId }, TaskScheduleId: o.parent.taskScheduledId }
      : null,
    Name: o.name,
    Version: '',
    Input: o.input,
    Tags: null,
  }),
  executionCompleted: (at: number, status: number, result: string | null, failure?: { ErrorType: string; ErrorMessage: string }): HistoryEvent => ({
    ...base(EventType.ExecutionCompleted, at),
    OrchestrationStatus: status,
    Result: result,
    ...(failure ? { FailureDetails: failure } : {}),
  }),
  executionTerminated: (at: number, reason: string | null): HistoryEvent => ({ ...base(EventType.ExecutionTerminated, at), Input: reason }),
  executionSuspended: (at: number, reason: string | null): HistoryEvent => ({ ...base(EventType.ExecutionSuspended, at), Reason: reason }),
  executionResumed: (at: number, reason: string | null): HistoryEvent => ({ ...base(EventType.ExecutionResumed, at), Reason: reason }),
  taskScheduled: (at: number, id: number, name: string, input: string | null): HistoryEvent => ({ ...base(EventType.TaskScheduled, at, id), Name: name, Version: '', Input: input }),
  taskCompleted: (at: number, id: number, result: string | null): HistoryEvent => ({ ...base(EventType.TaskCompleted, at), TaskScheduledId: id, Result: result }),
  taskFailed: (at: number, id: number, reason: string, details: string): HistoryEvent => ({ ...base(EventType.TaskFailed, at), TaskScheduledId: id, Reason: reason, Details: details }),
  subOrchestrationCreated: (at: number, id: number, name: string, instanceId: string, input: string | null): HistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceCreated, at, id),
    Name: name,
    Version: '',
    InstanceId: instanceId,
    Input: input,
  }),
  subOrchestrationCompleted: (at: number, id: number, result: string | null): HistoryEvent => ({ ...base(EventType.SubOrchestrationInstanceCompleted, at), TaskScheduledId: id, Result: result }),
  subOrchestrationFailed: (at: number, id: number, reason: string, details: string): HistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceFailed, at),
    TaskScheduledId: id,
    Reason: reason,
    Details: details,
  }),
  timerCreated: (at: number, id: number, fireAt: string): HistoryEvent => ({ ...base(EventType.TimerCreated, at, id), FireAt: fireAt }),
  timerFired: (at: number, id: number, fireAt: string): HistoryEvent => ({ ...base(EventType.TimerFired, at), TimerId: id, FireAt: fireAt }),
  eventRaised: (at: number, name: string, input: string | null): HistoryEvent => ({ ...base(EventType.EventRaised, at), Name: name, Input: input }),
};

export interface ParentRef {
  instanceId: string;
  executionId: string;
  name: string;
  taskScheduledId: number;
}
