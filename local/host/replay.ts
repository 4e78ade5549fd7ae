// The extension's half of an episode: it replays the SDK's cumulative action list through a .NET
// orchestration context against the history, and whatever that context schedules without a
// matching event in history is a new decision. This module models that, so that sequence numbers
// (EventIds) come out as DurableTask.Core assigns them:
// - OutOfProcOrchestrationShim.ProcessAsyncActionsV2 invokes the actions in order and awaits each
//   before invoking the next, swallowing failures
//   (azure-functions-durable-extension: src/WebJobs.Extensions.DurableTask/Listener/OutOfProcOrchestrationShim.cs);
// - every ScheduleTask, CreateTimer and CreateSubOrchestrationInstance takes the next id; waiting
//   for an external event takes none; WhenAll waits for all of its children, even after one fails
//   (Task.WhenAll), WhenAny for the first;
// - CallActivityWithRetry runs DurableTask.Core's RetryInterceptor: attempt, and after each failure
//   a retry timer (also after the last attempt), then throw (durabletask: src/DurableTask.Core/RetryInterceptor.cs);
// - a CreateTimer further away than maximumShortTimerDuration is chunked into timers of
//   longRunningTimerIntervalDuration, each with its own id (the SDK's LongTimerTask does the same);
// - a scheduled event in history whose id or name does not match what the replay scheduled is
//   DurableTask.Core's NonDeterministicOrchestrationException (src/DurableTask.Core/TaskOrchestrationContext.cs).
import { EventType, type HistoryEvent, iso, toJsonText } from './history';

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** An action as the SDK's OrchestratorState serializes it. */
export interface OrchestratorAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  retryOptions?: RetryOptionsJson;
  compoundActions?: OrchestratorAction[];
}

export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export type Decision =
  | { kind: 'activity'; id: number; name: string; input: string | null }
  | { kind: 'timer'; id: number; fireAt: string }
  | { kind: 'subOrchestration'; id: number; name: string; instanceId: string; input: string | null };

type NewDecision = Decision extends infer D ? (D extends Decision ? Omit<D, 'id'> : never) : never;

export interface ReplaySettings {
  instanceId: string;
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
}

export interface ReplayOutcome {
  /** Decisions the replay made that history does not hold yet, in id order. */
  decisions: Decision[];
  continueAsNew?: { input: unknown };
  /** Set when history disagrees with the actions (DurableTask.Core's non-determinism check). */
  nonDeterminism?: string;
}

export class NonDeterminismError extends Error {}

class ReplayTask {
  done = false;
  failed = false;
  private listeners: (() => void)[] = [];

  onDone(listener: () => void): void {
    if (this.done) listener();
    else this.listeners.push(listener);
  }

  finish(failed: boolean): void {
    if (this.done) return;
    this.done = true;
    this.failed = failed;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

const finished = (failed = false): ReplayTask => {
  const t = new ReplayTask();
  t.finish(failed);
  return t;
};

const KIND_WORDS: Record<Decision['kind'], string> = { activity: 'an activity task', timer: 'a durable timer', subOrchestration: 'a sub-orchestration' };

class Replayer {
  private now = 0;
  private nextId = 0;
  private cursor = 0;
  private readonly open = new Map<number, ReplayTask>();
  private readonly unrecorded = new Map<number, Decision>();
  private readonly waiters = new Map<string, ReplayTask[]>();
  private readonly buffered = new Map<string, number>();
  continueAsNew: { input: unknown } | undefined;

  constructor(private readonly actions: OrchestratorAction[], private readonly settings: ReplaySettings) {}

  apply(e: HistoryEvent): void {
    switch (e.EventType) {
      case EventType.OrchestratorStarted: {
        const t = Date.parse(e.Timestamp);
        if (t > this.now) this.now = t;
        break;
      }
      case EventType.ExecutionStarted:
        this.runFrom();
        break;
      case EventType.TaskScheduled:
        this.record(e.EventId, 'activity', String(e.Name));
        break;
      case EventType.TimerCreated:
        this.record(e.EventId, 'timer');
        break;
      case EventType.SubOrchestrationInstanceCreated:
        this.record(e.EventId, 'subOrchestration', String(e.Name));
        break;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        this.complete(Number(e.TaskScheduledId), false);
        break;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        this.complete(Number(e.TaskScheduledId), true);
        break;
      case EventType.TimerFired:
        this.complete(Number(e.TimerId), false);
        break;
      case EventType.EventRaised:
        this.raise(String(e.Name));
        break;
      default:
        break;
    }
  }

  newDecisions(): Decision[] {
    return [...this.unrecorded.values()].sort((a, b) => a.id - b.id);
  }

  private runFrom(): void {
    while (this.cursor < this.actions.length) {
      const task = this.invoke(this.actions[this.cursor]!);
      this.cursor++;
      if (!task.done) {
        task.onDone(() => this.runFrom());
        return;
      }
    }
  }

  private schedule(decision: NewDecision): ReplayTask {
    const id = this.nextId++;
    const full = { ...decision, id } as Decision;
    if (full.kind === 'subOrchestration' && !full.instanceId) full.instanceId = `${this.settings.instanceId}:${id.toString(16).padStart(4, '0')}`;
    const task = new ReplayTask();
    this.open.set(id, task);
    this.unrecorded.set(id, full);
    return task;
  }

  private invoke(a: OrchestratorAction): ReplayTask {
    switch (a.actionType) {
      case ActionType.CallActivity:
        return this.activity(a);
      case ActionType.CallActivityWithRetry:
        return this.withRetry(requireRetry(a), () => this.activity(a));
      case ActionType.CallSubOrchestrator:
        return this.subOrchestration(a);
      case ActionType.CallSubOrchestratorWithRetry:
        return this.withRetry(requireRetry(a), () => this.subOrchestration(a));
      case ActionType.ContinueAsNew:
        this.continueAsNew = { input: a.input };
        return finished();
      case ActionType.CreateTimer:
        return this.timer(a);
      case ActionType.WaitForExternalEvent:
        return this.waitForEvent(String(a.externalEventName));
      case ActionType.WhenAll:
        return this.whenAll((a.compoundActions ?? []).map((c) => this.invoke(c)));
      case ActionType.WhenAny:
        return this.whenAny((a.compoundActions ?? []).map((c) => this.invoke(c)));
      default:
        throw new Error(`the local host does not support actionType ${a.actionType} (entities and callHttp are not used by this app); supported: 0-6, 11, 12`);
    }
  }

  private activity(a: OrchestratorAction): ReplayTask {
    return this.schedule({ kind: 'activity', name: String(a.functionName), input: toJsonText(a.input) });
  }

  private subOrchestration(a: OrchestratorAction): ReplayTask {
    return this.schedule({ kind: 'subOrchestration', name: String(a.functionName), instanceId: a.instanceId ?? '', input: toJsonText(a.input) });
  }

  private timer(a: OrchestratorAction): ReplayTask {
    const fireAt = Date.parse(String(a.fireAt));
    const task = fireAt - this.now > this.settings.maximumShortTimerMs ? this.longTimer(fireAt) : this.schedule({ kind: 'timer', fireAt: iso(fireAt) });
    // A cancelled timer is still created; only its task is cancelled (the shim cancels the token).
    if (a.isCanceled) task.finish(true);
    return task;
  }

  private longTimer(fireAt: number): ReplayTask {
    const outer = new ReplayTask();
    const chunk = (): void => {
      const at = fireAt - this.now > this.settings.maximumShortTimerMs ? this.now + this.settings.longRunningTimerIntervalMs : fireAt;
      this.schedule({ kind: 'timer', fireAt: iso(at) }).onDone(() => {
        if (fireAt > this.now) chunk();
        else outer.finish(false);
      });
    };
    chunk();
    return outer;
  }

  private withRetry(options: RetryOptionsJson, attempt: () => ReplayTask): ReplayTask {
    const outer = new ReplayTask();
    const firstAttempt = this.now;
    let retryCount = 0;
    const tryOnce = (): void => {
      const task = attempt();
      task.onDone(() => {
        if (!task.failed) return outer.finish(false);
        const delay = this.retryDelay(options, retryCount, firstAttempt);
        if (delay === 0) return outer.finish(true);
        this.schedule({ kind: 'timer', fireAt: iso(this.now + delay) }).onDone(() => {
          retryCount++;
          if (retryCount < options.maxNumberOfAttempts) tryOnce();
          else outer.finish(true);
        });
      });
    };
    if (options.maxNumberOfAttempts > 0) tryOnce();
    else outer.finish(true);
    return outer;
  }

  /** RetryInterceptor.ComputeNextDelay: first * backoff^attempt, capped; 0 once the retry timeout passed. */
  private retryDelay(o: RetryOptionsJson, attempt: number, firstAttempt: number): number {
    const timeout = o.retryTimeoutInMilliseconds ?? Number.POSITIVE_INFINITY;
    if (!(this.now < firstAttempt + timeout)) return 0;
    const delay = Math.round(o.firstRetryIntervalInMilliseconds * Math.pow(o.backoffCoefficient ?? 1, attempt));
    const cap = o.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY;
    return delay < cap ? delay : cap;
  }

  private waitForEvent(name: string): ReplayTask {
    const task = new ReplayTask();
    const buffered = this.buffered.get(name) ?? 0;
    if (buffered > 0) {
      this.buffered.set(name, buffered - 1);
      task.finish(false);
    } else {
      const list = this.waiters.get(name) ?? [];
      list.push(task);
      this.waiters.set(name, list);
    }
    return task;
  }

  private raise(name: string): void {
    const waiter = this.waiters.get(name)?.shift();
    if (waiter) waiter.finish(false);
    else this.buffered.set(name, (this.buffered.get(name) ?? 0) + 1);
  }

  private whenAll(children: ReplayTask[]): ReplayTask {
    const outer = new ReplayTask();
    const settle = (): void => {
      if (children.every((c) => c.done)) outer.finish(children.some((c) => c.failed));
    };
    for (const c of children) c.onDone(settle);
    if (children.length === 0) outer.finish(false);
    return outer;
  }

  private whenAny(children: ReplayTask[]): ReplayTask {
    const outer = new ReplayTask();
    for (const c of children) c.onDone(() => outer.finish(false));
    return outer;
  }

  private record(id: number, kind: Decision['kind'], name?: string): void {
    const scheduled = this.unrecorded.get(id);
    if (!scheduled || scheduled.kind !== kind || (name !== undefined && 'name' in scheduled && scheduled.name !== name)) {
      const what = `${KIND_WORDS[kind]} with sequence ID ${id}${name !== undefined ? ` and name '${name}'` : ''}`;
      throw new NonDeterminismError(
        `Non-Deterministic workflow detected: A previous execution of this orchestration scheduled ${what}, but the current replay execution ` +
          `hasn't (yet?) scheduled this task${scheduled ? ` (it scheduled ${describeDecision(scheduled)} there)` : ''}. ` +
          'Was a change made to the orchestrator code after this instance had already started running?',
      );
    }
    this.unrecorded.delete(id);
  }

  private complete(id: number, failed: boolean): void {
    this.open.get(id)?.finish(failed);
  }
}

function requireRetry(a: OrchestratorAction): RetryOptionsJson {
  const r = a.retryOptions;
  if (!r || !(r.firstRetryIntervalInMilliseconds > 0) || !Number.isInteger(r.maxNumberOfAttempts)) {
    throw new Error(`retryOptions must have firstRetryIntervalInMilliseconds > 0 and an integer maxNumberOfAttempts, got ${JSON.stringify(r)}`);
  }
  return r;
}

export function describeDecision(d: Decision): string {
  switch (d.kind) {
    case 'activity':
      return `activity '${d.name}' (id ${d.id})`;
    case 'timer':
      return `timer at ${d.fireAt} (id ${d.id})`;
    case 'subOrchestration':
      return `sub-orchestration '${d.name}' as '${d.instanceId}' (id ${d.id})`;
  }
}

/** Replays `actions` against `history` (the whole execution, including this episode's new events). */
export function replayActions(history: HistoryEvent[], actions: OrchestratorAction[], settings: ReplaySettings): ReplayOutcome {
  const replayer = new Replayer(actions, settings);
  try {
    for (const e of history) replayer.apply(e);
  } catch (err) {
    if (err instanceof NonDeterminismError) return { decisions: [], nonDeterminism: err.message };
    throw err;
  }
  return { decisions: replayer.newDecisions(), ...(replayer.continueAsNew ? { continueAsNew: replayer.continueAsNew } : {}) };
}
