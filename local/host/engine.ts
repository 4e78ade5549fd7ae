// The orchestration engine of the local host: per instance, episodes over the history in the
// extension's shape, activities through their registered handlers, timers on the shared clock,
// sub-orchestrations, external events, suspend/resume/terminate, continueAsNew, and a crash mode.
// Durable state lives in the HistoryStore; everything in this class is in-process state that a
// crash drops and `recover()` rebuilds from the store, as a Functions host restart would.
import { randomUUID } from 'node:crypto';
import type { Clock, ScheduledHandle } from '../clock';
import { type Registration } from './functionsCore';
import { EventType, OrchestrationStatus, ev, type HistoryEvent, type ParentRef, iso, parseJsonText, toJsonText } from './history';
import { fromTypedData, invokeRegistered, triggerBindingName, type InvocationLog, type RpcTypedData } from './invoke';
import { type Decision, describeDecision, type OrchestratorAction, replayActions } from './replay';
import type { Latency } from './latency';
import { type HistoryStore, type InboxMessage, type InstanceRecord, TERMINAL } from './store';

const OUTSIDE_WORK_GRACE_MS = 100;
/**
 * The durability provider whose start semantics the host follows (host.json
 * `extensions.durableTask.storageProvider.type`): `azureManaged` (the Durable Task Scheduler)
 * refuses a start on a non-terminal id atomically; `azureStorage` checks, then enqueues, so two
 * overlapping starts both succeed and only the first one's input runs.
 */
export type Backend = 'azureManaged' | 'azureStorage';

export interface EngineSettings {
  backend: Backend;
  taskHubName: string;
  maxConcurrentActivityFunctions: number;
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
}

export type HostEvent =
  | { type: 'instanceStarted'; at: number; instanceId: string; name: string; parentInstanceId?: string }
  | { type: 'startDiscarded'; at: number; instanceId: string; input: unknown }
  | { type: 'activityScheduled'; at: number; instanceId: string; name: string; taskId: number }
  | { type: 'activityCompleted'; at: number; instanceId: string; name: string; taskId: number; failed: boolean; duplicate?: boolean }
  | { type: 'timerCreated'; at: number; instanceId: string; timerId: number; fireAt: string }
  | { type: 'timerFired'; at: number; instanceId: string; timerId: number }
  | { type: 'customStatusChanged'; at: number; instanceId: string; customStatus: unknown }
  | { type: 'continuedAsNew'; at: number; instanceId: string }
  | { type: 'instanceCompleted'; at: number; instanceId: string; output: unknown }
  | { type: 'instanceFailed'; at: number; instanceId: string; error: string }
  | { type: 'instanceTerminated'; at: number; instanceId: string; reason: unknown }
  | { type: 'timerTriggered'; at: number; name: string; scheduleStatus: { Last: string; Next: string; LastUpdated: string }; isPastDue: boolean }
  | { type: 'hostCrashed'; at: number; point: CrashPoint }
  | { type: 'hostRestarted'; at: number };

export type CrashPoint =
  | { kind: 'appended'; instanceId: string; event: HistoryEvent; eventNumber: number }
  | { kind: 'activityRan'; instanceId: string; name: string; taskId: number }
  /**
   * An episode's activity messages are sent and its history is not written yet: Azure Storage
   * commits outbound messages first (AzureStorageOrchestrationService.CompleteTaskOrchestrationWorkItemAsync),
   * so after a crash here the activities run, and the redone episode sends them again.
   */
  | { kind: 'messagesSent'; instanceId: string; activities: { name: string; taskId: number }[] };

export class HostCrashed extends Error {
  constructor(readonly point: CrashPoint) {
    super(`local host crashed on purpose at ${point.kind} (${point.instanceId})`);
  }
}

export class InstanceAlreadyExistsError extends Error {}
export class UnknownFunctionError extends Error {}
/** An instance id the extension refuses (DurableClient.StartNewAsync → 400 from the HTTP API). */
export class InvalidInstanceIdError extends Error {}

const MAX_INSTANCE_ID_LENGTH = 256;

/** The extension's instance id rules (ContextImplementations/DurableClient.cs, IsInvalidCharacter). */
export function checkInstanceId(instanceId: string): void {
  if (instanceId.startsWith('@')) throw new InvalidInstanceIdError('Orchestration instance ids must not start with @.');
  // eslint-disable-next-line no-control-regex -- char.IsControl: C0, DEL and C1
  if (/[/\\?#\u0000-\u001f\u007f-\u009f]/.test(instanceId)) throw new InvalidInstanceIdError('Orchestration instance ids must not contain /, \\, #, ?, or control characters.');
  if (instanceId.length > MAX_INSTANCE_ID_LENGTH) throw new InvalidInstanceIdError(`Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`);
}

export interface InstanceStats {
  historyEvents: number;
  episodes: number;
  replayCpuMs: number;
}

export interface EngineDeps {
  clock: Clock;
  store: HistoryStore;
  orchestrators: Map<string, Registration>;
  activities: Map<string, Registration>;
  settings: EngineSettings;
  emit(event: HostEvent): void;
  onLog?(log: InvocationLog): void;
  /** Decides whether to crash at a point; the host restarts from the store when it does. */
  crashAt?(point: CrashPoint): boolean;
  onCrash(point: CrashPoint): void;
  /** Duplicate-delivery mode: true delivers this activity message twice, both copies running at once. */
  duplicateDelivery?(activity: { instanceId: string; name: string; taskId: number }): boolean;
  /** Latency mode: every queued message (control queue and work items) waits a seeded dequeue delay, the first after a start a cold start too. */
  latency?: Latency;
  /** Extra input bindings (durableClient) for an activity or orchestrator invocation. */
  extraInputs(reg: Registration): Record<string, RpcTypedData>;
  stats: Map<string, InstanceStats>;
  /**
   * Client functions asleep on the host's clock now (its functionClock). With it, a client
   * function holds time still for as long as it runs and is not asleep; without it, for
   * OUTSIDE_WORK_GRACE_MS of real time.
   */
  sleepingClients?(): number;
}

interface LiveInstance {
  record: InstanceRecord;
  history: HistoryEvent[];
  /** Normalized actions of the last episode (for the determinism guard); unknown after a restart. */
  lastActions?: string[];
}

interface ActivityJob {
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  input: string | null;
  key: string;
  /** The second copy of a message delivered twice. */
  duplicate?: boolean;
}

const OUT_OF_PROC_DATA = '$OutOfProcData$:';
const MAX_CUSTOM_STATUS_BYTES = 16 * 1024;

/** A .NET TimeSpan string ("d.hh:mm:ss"), the form the extension sends timer settings in. */
export function timeSpan(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d}.${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** An action as compared by the determinism guard: cancellation may change between episodes. */
function normalizeAction(a: OrchestratorAction): string {
  return JSON.stringify(a, (k, v: unknown) => (k === 'isCanceled' ? undefined : v));
}

const completionKey = (e: HistoryEvent): string | undefined => {
  switch (e.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return `task:${String(e.TaskScheduledId)}`;
    case EventType.TimerFired:
      return `timer:${String(e.TimerId)}`;
    default:
      return undefined;
  }
};

export class Engine {
  private dead = false;
  private readonly live = new Map<string, LiveInstance>();
  private readonly runnable = new Set<string>();
  private pumping = false;
  private readonly activityQueue: ActivityJob[] = [];
  private readonly inflight = new Set<string>();
  private runningActivities = 0;
  private readonly timers = new Map<string, ScheduledHandle>();
  /** Wake-ups for inbox messages whose dequeue delay has not passed. */
  private readonly visibility = new Map<string, ScheduledHandle>();
  /** Client functions running now, by the real time they started. */
  private readonly outsideWork = new Set<{ startedAt: number }>();
  private quietWaiters: (() => void)[] = [];
  private quietCheckQueued = false;
  /** Latency mode: the next dequeue is the first of this worker (a cold start). */
  private cold = true;

  constructor(private readonly deps: EngineDeps) {}

  // ---- public surface ---------------------------------------------------------------------

  get isDead(): boolean {
    return this.dead;
  }

  /** Rebuilds in-process state from the store (host start or restart). */
  recover(): void {
    for (const record of this.deps.store.listInstances()) {
      if (TERMINAL.has(record.runtimeStatus)) {
        const inbox = this.deps.store.inbox(record.instanceId);
        if (inbox.length) this.deps.store.dequeue(record.instanceId, inbox.map((m) => m.id));
        this.notifyParent(record.instanceId);
        continue;
      }
      const inst = this.load(record.instanceId);
      if (!inst) continue;
      const history = inst.history;
      const lastCommit = history.map((e) => e.EventType).lastIndexOf(EventType.OrchestratorCompleted) + 1;
      if (history.length > lastCommit) {
        // An episode whose events were only partly written: the extension writes an episode's
        // events together, so a restart sees none of them and redoes the episode from the inbox.
        this.deps.store.truncateHistory(record.instanceId, lastCommit);
        history.length = lastCommit;
      }
      this.settleCommitted(inst);
      this.reconcile(record.instanceId);
      for (const m of this.deps.store.inbox(record.instanceId)) this.wakeWhenVisible(record.instanceId, m);
    }
    this.kick();
  }

  startNew(name: string, instanceId: string, input: string | null, parent?: ParentRef): void {
    if (!this.deps.orchestrators.has(name)) throw new UnknownFunctionError(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    if (!parent) checkInstanceId(instanceId);
    const existing = this.deps.store.getInstance(instanceId);
    const now = this.deps.clock.now();
    const executionId = randomUUID().replace(/-/g, '');
    // overridableExistingInstanceStates defaults to NonRunningStates: a start on a
    // Pending/Running/Suspended id is refused (extension: ContextImplementations/DurableClient.cs,
    // Options/DurableTaskOptions.cs).
    if (existing && !parent && existing.visibleAt !== undefined && existing.visibleAt > now) {
      // Check-then-enqueue (AzureStorageOrchestrationService.CreateTaskOrchestrationAsync): at the
      // same instant the check cannot see the first start's row, so this one answers 202 too;
      // its ExecutionStarted names an execution the Instances table does not hold and is
      // discarded at dequeue (OrchestrationSessionManager.DedupeExecutionStartedMessagesAsync).
      // The first input runs.
      this.enqueue(instanceId, { id: `${instanceId}|${executionId}|start`, executionId, event: ev.executionStarted(now, { instanceId, executionId, name, input }) });
      this.deps.emit({ type: 'startDiscarded', at: now, instanceId, input: parseJsonText(input) });
      return;
    }
    if (existing && !TERMINAL.has(existing.runtimeStatus) && !parent) {
      throw new InstanceAlreadyExistsError(`An Orchestration instance with the status ${existing.runtimeStatus} already exists.`);
    }
    if (existing) {
      this.cancelTimersOf(instanceId);
      this.deps.store.purge(instanceId);
    }
    const record: InstanceRecord = {
      instanceId,
      name,
      executionId,
      runtimeStatus: 'Pending',
      input,
      output: null,
      customStatus: null,
      createdTime: iso(now),
      lastUpdatedTime: iso(now),
      ...(parent ? { parent } : {}),
      ...(this.raceMode(parent) ? { visibleAt: now + 1 } : {}),
    };
    this.deps.store.putInstance(record);
    this.live.set(instanceId, { record, history: [] });
    this.deps.emit({ type: 'instanceStarted', at: now, instanceId, name, ...(parent ? { parentInstanceId: parent.instanceId } : {}) });
    this.enqueue(instanceId, {
      id: `${instanceId}|${executionId}|start`,
      executionId,
      event: ev.executionStarted(now, { instanceId, executionId, name, input, ...(parent ? { parent } : {}) }),
    });
  }

  /** Azure Storage's check-then-enqueue applies to client starts (sub-orchestrations are started by the engine). */
  private raceMode(parent: ParentRef | undefined): boolean {
    return this.deps.settings.backend === 'azureStorage' && !parent;
  }

  /** The record as a client reads it: undefined while its Instances-table write has not landed. */
  visibleRecord(instanceId: string): InstanceRecord | undefined {
    const record = this.getRecord(instanceId);
    return record && (record.visibleAt === undefined || record.visibleAt <= this.deps.clock.now()) ? record : undefined;
  }

  /** Puts a message in an instance's inbox; one with a dequeue delay wakes the instance when it is visible. */
  private enqueue(instanceId: string, message: InboxMessage): void {
    message = this.withDequeueDelay(message);
    this.deps.store.enqueue(instanceId, message);
    this.wakeWhenVisible(instanceId, message);
    this.kick();
  }

  /** Latency mode: the clock time a message put in a queue now is dequeued (a cold start first). */
  private dequeueAt(): number | undefined {
    const latency = this.deps.latency;
    if (!latency) return undefined;
    let delay = latency.dequeueDelay();
    if (this.cold) {
      this.cold = false;
      delay += latency.coldStart();
    }
    return this.deps.clock.now() + delay;
  }

  private withDequeueDelay(message: InboxMessage): InboxMessage {
    const at = this.dequeueAt();
    return at === undefined || (message.visibleAt !== undefined && message.visibleAt >= at) ? message : { ...message, visibleAt: at };
  }

  private wakeWhenVisible(instanceId: string, message: InboxMessage): void {
    const at = message.visibleAt;
    if (at === undefined || at <= this.deps.clock.now()) {
      this.markRunnable(instanceId);
      return;
    }
    const key = `${instanceId}|${message.id}`;
    if (this.visibility.has(key)) return;
    this.visibility.set(key, this.deps.clock.schedule(at, () => {
      this.visibility.delete(key);
      if (this.dead) return;
      this.markRunnable(instanceId);
      this.kick();
    }));
  }

  /** Delivers a message to an instance's inbox (raise event, terminate, suspend, resume). */
  deliver(instanceId: string, event: HistoryEvent, executionId?: string): void {
    this.enqueue(instanceId, { id: randomUUID(), ...(executionId ? { executionId } : {}), event });
  }

  getRecord(instanceId: string): InstanceRecord | undefined {
    return this.live.get(instanceId)?.record ?? this.deps.store.getInstance(instanceId);
  }

  /** Every record a client can read (see visibleRecord). */
  listRecords(): InstanceRecord[] {
    const now = this.deps.clock.now();
    return this.deps.store.listInstances().map((r) => this.live.get(r.instanceId)?.record ?? r).filter((r) => r.visibleAt === undefined || r.visibleAt <= now);
  }

  getHistory(instanceId: string): HistoryEvent[] {
    return this.live.get(instanceId)?.history.slice() ?? this.deps.store.getHistory(instanceId);
  }

  purge(instanceId: string): void {
    this.cancelTimersOf(instanceId);
    this.live.delete(instanceId);
    this.deps.store.purge(instanceId);
  }

  /** Work started outside the engine that may create durable work (client functions). */
  async track<T>(work: () => Promise<T>): Promise<T> {
    const entry = { startedAt: Date.now() };
    this.outsideWork.add(entry);
    try {
      return await work();
    } finally {
      this.outsideWork.delete(entry);
      this.checkQuiet();
    }
  }

  /**
   * A client function holds time still while it makes its durable calls, but not while it
   * waits for an orchestration (the API's plan and control requests, and the timer's start
   * confirmation, sleep on the host's clock, which goes on meanwhile). When the host counts its
   * sleeping clients, every tracked client not asleep holds time, however long its calls take in
   * real time on a loaded machine. Otherwise each stops counting after OUTSIDE_WORK_GRACE_MS of
   * real time.
   */
  private busyOutside(): boolean {
    if (this.deps.sleepingClients) return this.outsideWork.size > this.deps.sleepingClients();
    const now = Date.now();
    for (const work of this.outsideWork) if (now - work.startedAt < OUTSIDE_WORK_GRACE_MS) return true;
    return false;
  }

  /** Nothing is running: no episode pending or executing, no activity, no client function. */
  isQuiet(): boolean {
    return !this.pumping && this.runnable.size === 0 && this.runningActivities === 0 && this.activityQueue.length === 0 && !this.busyOutside();
  }

  /** A client function has started to sleep on the host's clock: the engine may be quiet now. */
  clientAsleep(): void {
    this.checkQuiet();
  }

  /** Resolves once the engine is quiet (after pending I/O callbacks had a turn). */
  whenQuiet(): Promise<void> {
    return new Promise((resolve) => {
      this.quietWaiters.push(resolve);
      this.checkQuiet();
    });
  }

  /** Whether a durable timer waits on the clock (what time skipping advances to). */
  hasPendingTimers(): boolean {
    return this.timers.size > 0 || this.visibility.size > 0;
  }

  /** Instances that are not finished (their timers or events may still move them). */
  hasUnfinishedInstances(): boolean {
    return this.deps.store.listInstances().some((r) => !TERMINAL.has(r.runtimeStatus));
  }

  /** Drops every in-process structure; the durable store is all that remains. */
  die(): void {
    this.dead = true;
    for (const handle of [...this.timers.values(), ...this.visibility.values()]) handle.cancel();
    this.timers.clear();
    this.visibility.clear();
    this.live.clear();
    this.runnable.clear();
    this.activityQueue.length = 0;
    this.inflight.clear();
    const waiters = this.quietWaiters;
    this.quietWaiters = [];
    for (const w of waiters) w();
  }

  // ---- episodes ---------------------------------------------------------------------------

  private markRunnable(instanceId: string): void {
    if (!this.dead) this.runnable.add(instanceId);
  }

  private kick(): void {
    if (this.dead || this.pumping) return;
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (!this.dead) {
        const next = this.runnable.values().next();
        if (next.done) break;
        this.runnable.delete(next.value);
        await this.runEpisode(next.value);
      }
    } catch (err) {
      if (err instanceof HostCrashed) this.crash(err.point);
      else throw err;
    } finally {
      this.pumping = false;
      this.checkQuiet();
    }
  }

  private crash(point: CrashPoint): void {
    if (this.dead) return;
    this.die();
    this.deps.onCrash(point);
  }

  private crashPoint(point: CrashPoint): void {
    if (this.deps.crashAt?.(point)) throw new HostCrashed(point);
  }

  private load(instanceId: string): LiveInstance | undefined {
    let inst = this.live.get(instanceId);
    if (!inst) {
      const record = this.deps.store.getInstance(instanceId);
      if (!record) return undefined;
      inst = { record, history: this.deps.store.getHistory(instanceId) };
      this.live.set(instanceId, inst);
    }
    return inst;
  }

  /** Picks the inbox messages this episode processes, as the extension's dispatcher would. */
  private selectMessages(inst: LiveInstance, inbox: InboxMessage[]): { accepted: InboxMessage[]; dropped: string[] } {
    const accepted: InboxMessage[] = [];
    const dropped: string[] = [];
    const seen = new Set(inst.history.map(completionKey).filter((k): k is string => k !== undefined));
    const started = inst.history.some((e) => e.EventType === EventType.ExecutionStarted);
    let suspended = inst.record.runtimeStatus === 'Suspended';
    let held: InboxMessage[] = [];
    const now = this.deps.clock.now();
    for (const m of inbox) {
      const type = m.event.EventType;
      if (m.visibleAt !== undefined && m.visibleAt > now) continue; // not dequeued yet
      if (m.executionId && m.executionId !== inst.record.executionId) {
        dropped.push(m.id); // for an execution that ended (continueAsNew): discarded
        continue;
      }
      const key = completionKey(m.event);
      if ((key && seen.has(key)) || (type === EventType.ExecutionStarted && started)) {
        dropped.push(m.id); // redelivered after a restart
        continue;
      }
      if (type === EventType.ExecutionTerminated) {
        accepted.push(m);
        break;
      }
      if (type === EventType.ExecutionSuspended) suspended = true;
      else if (type === EventType.ExecutionResumed) {
        // Events that arrived while suspended are processed after the resume.
        suspended = false;
        accepted.push(m, ...held);
        held = [];
        continue;
      } else if (suspended) {
        held.push(m); // held until resumed
        continue;
      }
      if (key) seen.add(key);
      accepted.push(m);
    }
    // A new execution's history opens with ExecutionStarted: until its start is dequeued (the
    // latency mode delays it), the events raised to the instance wait in the inbox.
    if (!started && !accepted.some((m) => m.event.EventType === EventType.ExecutionStarted)) return { accepted: [], dropped };
    // It comes first even when an event raised to the instance was enqueued before it
    // (continueAsNew enqueues the new start after the commit).
    accepted.sort((x, y) => Number(y.event.EventType === EventType.ExecutionStarted) - Number(x.event.EventType === EventType.ExecutionStarted));
    return { accepted, dropped };
  }

  private async runEpisode(instanceId: string): Promise<void> {
    const inst = this.load(instanceId);
    if (!inst) return;
    const store = this.deps.store;
    const inbox = store.inbox(instanceId);
    if (TERMINAL.has(inst.record.runtimeStatus)) {
      if (inbox.length) store.dequeue(instanceId, inbox.map((m) => m.id));
      return;
    }
    const { accepted, dropped } = this.selectMessages(inst, inbox);
    if (accepted.length === 0) {
      if (dropped.length) store.dequeue(instanceId, dropped);
      return;
    }
    const now = this.deps.clock.now();
    const newEvents = [ev.orchestratorStarted(now), ...accepted.map((m) => m.event)];
    const consumed = [...accepted.map((m) => m.id), ...dropped];
    const terminated = accepted.find((m) => m.event.EventType === EventType.ExecutionTerminated);
    if (terminated) {
      const reason = terminated.event.Input as string | null;
      this.commit(inst, [...newEvents, ev.executionCompleted(now, OrchestrationStatus.Terminated, reason), ev.orchestratorCompleted(now)], consumed);
      return;
    }
    let status = inst.record.runtimeStatus;
    for (const m of accepted) {
      if (m.event.EventType === EventType.ExecutionSuspended) status = 'Suspended';
      if (m.event.EventType === EventType.ExecutionResumed) status = 'Running';
    }
    if (status === 'Suspended') {
      this.commit(inst, [...newEvents, ev.orchestratorCompleted(now)], consumed, { runtimeStatus: 'Suspended' });
      return;
    }
    await this.execute(inst, newEvents, consumed, now);
  }

  private async execute(inst: LiveInstance, newEvents: HistoryEvent[], consumed: string[], now: number): Promise<void> {
    const record = inst.record;
    const reg = this.deps.orchestrators.get(record.name);
    const fail = (message: string): void => this.finishFailed(inst, newEvents, consumed, now, message);
    if (!reg) return fail(`The function '${record.name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const history = [...inst.history.map((e) => ({ ...e, IsPlayed: true })), ...newEvents];
    const cpuBefore = process.cpuUsage();
    const { state, thrown } = await this.invokeOrchestrator(reg, { history, input: parseJsonText(record.input), instanceId: record.instanceId, parentInstanceId: record.parent?.instanceId ?? null, isReplaying: inst.history.length > 0 });
    const cpu = process.cpuUsage(cpuBefore);
    const stats = this.statsOf(record.instanceId);
    stats.episodes++;
    stats.replayCpuMs += (cpu.user + cpu.system) / 1000;
    if (this.dead) return;
    if (!state) return fail(thrown ?? 'the orchestrator returned no state');

    const actions = (state.actions[0] ?? []) as OrchestratorAction[];
    const normalized = actions.map(normalizeAction);
    const mismatch = firstMismatch(inst.lastActions, normalized);
    if (mismatch !== undefined) {
      return fail(
        `non-deterministic orchestrator '${record.name}' (instance '${record.instanceId}'): action #${mismatch} differs from the previous episode's: ` +
          `expected ${inst.lastActions?.[mismatch] ?? 'nothing'}, got ${normalized[mismatch] ?? 'nothing'}. ` +
          'Orchestrators must be deterministic: use context.df.currentUtcDateTime, newGuid and activities instead of Date, Math.random and I/O.',
      );
    }
    inst.lastActions = normalized;

    let replay: ReturnType<typeof replayActions>;
    try {
      replay = replayActions(history, actions, {
        instanceId: record.instanceId,
        maximumShortTimerMs: this.deps.settings.maximumShortTimerMs,
        longRunningTimerIntervalMs: this.deps.settings.longRunningTimerIntervalMs,
      });
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
    if (replay.nonDeterminism) return fail(`non-deterministic orchestrator '${record.name}' (instance '${record.instanceId}'): ${replay.nonDeterminism}`);

    const patch: Partial<InstanceRecord> = { runtimeStatus: 'Running' };
    // The SDK sends customStatus only when truthy; the extension keeps the previous value
    // otherwise (OutOfProcOrchestrationShim.ScheduleDurableTaskEvents), and refuses more than
    // 16 KB of UTF-16 (DurableOrchestrationContext.SetCustomStatus → MessagePayloadDataConverter).
    if (state.customStatus) {
      const json = JSON.stringify(state.customStatus);
      const bytes = json.length * 2;
      if (bytes > MAX_CUSTOM_STATUS_BYTES) {
        return fail(`The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is ${Math.ceil(bytes / 1024)} KB.`);
      }
      if (json !== record.customStatus) {
        patch.customStatus = json;
        this.deps.emit({ type: 'customStatusChanged', at: now, instanceId: record.instanceId, customStatus: state.customStatus });
      }
    }
    if (state.error !== undefined || thrown !== undefined) {
      return this.finishFailed(inst, newEvents, consumed, now, state.error ?? thrown ?? 'unknown error', patch);
    }
    if (state.isDone && replay.continueAsNew) {
      const input = toJsonText(replay.continueAsNew.input);
      this.commit(inst, [...newEvents, ev.executionCompleted(now, OrchestrationStatus.ContinuedAsNew, input), ev.orchestratorCompleted(now)], consumed, patch);
      return;
    }
    if (state.isDone) {
      this.commit(inst, [...newEvents, ev.executionCompleted(now, OrchestrationStatus.Completed, toJsonText(state.output)), ev.orchestratorCompleted(now)], consumed, patch);
      return;
    }
    const decisionEvents = replay.decisions.map((d) => decisionEvent(now, d));
    this.commit(inst, [...newEvents, ...decisionEvents, ev.orchestratorCompleted(now)], consumed, patch);
  }

  private finishFailed(inst: LiveInstance, newEvents: HistoryEvent[], consumed: string[], now: number, error: string, patch: Partial<InstanceRecord> = {}): void {
    // OutOfProcOrchestrationShim: OrchestrationFailureException($"Orchestrator function '{Name}' failed: {Error}").
    const message = `Orchestrator function '${inst.record.name}' failed: ${error}`;
    this.commit(
      inst,
      [...newEvents, ev.executionCompleted(now, OrchestrationStatus.Failed, JSON.stringify(message), { ErrorType: 'OrchestrationFailureException', ErrorMessage: message }), ev.orchestratorCompleted(now)],
      consumed,
      patch,
    );
  }

  /** Writes an episode's events one by one (each a crash point), then settles what they mean. */
  private commit(inst: LiveInstance, events: HistoryEvent[], consumed: string[], patch: Partial<InstanceRecord> = {}): void {
    const id = inst.record.instanceId;
    const scheduled = events.filter((e) => e.EventType === EventType.TaskScheduled);
    if (scheduled.length > 0) {
      // Outbound messages first, then the history (see the messagesSent crash point).
      for (const e of scheduled) this.dispatchActivity(this.activityJob(inst, e));
      this.pumpActivities();
      this.crashPoint({ kind: 'messagesSent', instanceId: id, activities: scheduled.map((e) => ({ name: String(e.Name), taskId: e.EventId })) });
    }
    for (const e of events) {
      inst.history.push(e);
      this.deps.store.appendEvent(id, e);
      this.crashPoint({ kind: 'appended', instanceId: id, event: e, eventNumber: inst.history.length });
    }
    this.deps.store.dequeue(id, consumed);
    const now = this.deps.clock.now();
    inst.record = { ...inst.record, ...patch, lastUpdatedTime: iso(now) };
    this.deps.store.putInstance(inst.record);
    this.statsOf(id).historyEvents = inst.history.length;
    this.settleCommitted(inst);
    this.reconcile(id);
  }

  /**
   * Brings the record, the inbox and the parent up to date with a committed history ending in
   * ExecutionCompleted: the same code finishes a normal episode and repairs one after a crash.
   */
  private settleCommitted(inst: LiveInstance): void {
    const id = inst.record.instanceId;
    const store = this.deps.store;
    const completed = [...inst.history].reverse().find((e) => e.EventType === EventType.ExecutionCompleted);
    const started = inst.history.find((e) => e.EventType === EventType.ExecutionStarted);
    const sameExecution = (started?.OrchestrationInstance as { ExecutionId?: string } | undefined)?.ExecutionId === inst.record.executionId;
    if (!completed) {
      if (inst.history.length === 0 && !store.inbox(id).some((m) => m.event.EventType === EventType.ExecutionStarted)) {
        // A new execution whose ExecutionStarted was never enqueued (crash during continueAsNew).
        this.enqueueExecutionStarted(inst);
      }
      return;
    }
    const status = Number(completed.OrchestrationStatus);
    const at = Date.parse(completed.Timestamp);
    if (status === OrchestrationStatus.ContinuedAsNew) {
      if (sameExecution) {
        // continueAsNew: a new execution with the new input, history reset; events that were
        // raised and not yet processed are dropped, because the out-of-process shim calls
        // ContinueAsNew(input) with preserveUnprocessedEvents = false (extension:
        // Listener/OutOfProcOrchestrationShim.cs, ContextImplementations/DurableOrchestrationContext.cs).
        const input = (completed.Result as string | null) ?? null;
        // A new execution: its createdTime is the continue-as-new time (the Instances table row is rewritten).
        inst.record = { ...inst.record, executionId: randomUUID().replace(/-/g, ''), input, runtimeStatus: 'Running', createdTime: iso(at), lastUpdatedTime: iso(at) };
        store.putInstance(inst.record);
        this.deps.emit({ type: 'continuedAsNew', at, instanceId: id });
      }
      store.truncateHistory(id, 0);
      inst.history.length = 0;
      inst.lastActions = undefined;
      this.cancelTimersOf(id);
      this.enqueueExecutionStarted(inst);
      this.markRunnable(id);
      return;
    }
    if (!TERMINAL.has(inst.record.runtimeStatus)) {
      const result = (completed.Result as string | null) ?? null;
      const runtimeStatus = status === OrchestrationStatus.Completed ? 'Completed' : status === OrchestrationStatus.Terminated ? 'Terminated' : 'Failed';
      inst.record = { ...inst.record, runtimeStatus, output: result, lastUpdatedTime: iso(at) };
      store.putInstance(inst.record);
      this.cancelTimersOf(id);
      if (runtimeStatus === 'Completed') this.deps.emit({ type: 'instanceCompleted', at, instanceId: id, output: parseJsonText(result) });
      else if (runtimeStatus === 'Terminated') this.deps.emit({ type: 'instanceTerminated', at, instanceId: id, reason: parseJsonText(result) });
      else this.deps.emit({ type: 'instanceFailed', at, instanceId: id, error: String(parseJsonText(result)) });
    }
    this.notifyParent(id);
  }

  private enqueueExecutionStarted(inst: LiveInstance): void {
    const r = inst.record;
    this.enqueue(r.instanceId, {
      id: `${r.instanceId}|${r.executionId}|start`,
      executionId: r.executionId,
      event: ev.executionStarted(this.deps.clock.now(), { instanceId: r.instanceId, executionId: r.executionId, name: r.name, input: r.input, ...(r.parent ? { parent: r.parent } : {}) }),
    });
  }

  /** Tells a finished child's parent, unless the parent already knows. */
  private notifyParent(childId: string): void {
    const child = this.getRecord(childId);
    const parent = child?.parent;
    if (!child || !parent || !TERMINAL.has(child.runtimeStatus)) return;
    const parentRecord = this.getRecord(parent.instanceId);
    if (!parentRecord || parentRecord.executionId !== parent.executionId || TERMINAL.has(parentRecord.runtimeStatus)) return;
    const key = `task:${parent.taskScheduledId}`;
    const parentHistory = this.getHistory(parent.instanceId);
    if (parentHistory.some((e) => completionKey(e) === key)) return;
    const messageId = `${childId}|${child.executionId}|done`;
    if (this.deps.store.inbox(parent.instanceId).some((m) => m.id === messageId)) return;
    const now = this.deps.clock.now();
    const event =
      child.runtimeStatus === 'Completed'
        ? ev.subOrchestrationCompleted(now, parent.taskScheduledId, child.output)
        : ev.subOrchestrationFailed(now, parent.taskScheduledId, String(parseJsonText(child.output)), child.output ?? '');
    this.enqueue(parent.instanceId, { id: messageId, executionId: parent.executionId, event });
  }

  /** Starts whatever the committed history asks for and is not running yet. */
  private reconcile(instanceId: string): void {
    const inst = this.live.get(instanceId);
    if (!inst || this.dead || TERMINAL.has(inst.record.runtimeStatus)) return;
    const exec = inst.record.executionId;
    const done = new Set<string>();
    for (const e of inst.history) {
      const k = completionKey(e);
      if (k) done.add(k);
    }
    for (const m of this.deps.store.inbox(instanceId)) {
      const k = completionKey(m.event);
      if (k && (!m.executionId || m.executionId === exec)) done.add(k);
    }
    for (const e of inst.history) {
      if (e.EventType === EventType.TaskScheduled && !done.has(`task:${e.EventId}`)) {
        this.dispatchActivity(this.activityJob(inst, e));
      } else if (e.EventType === EventType.TimerCreated && !done.has(`timer:${e.EventId}`)) {
        this.scheduleTimer(instanceId, exec, e.EventId, String(e.FireAt));
      } else if (e.EventType === EventType.SubOrchestrationInstanceCreated && !done.has(`task:${e.EventId}`)) {
        this.ensureChild(inst, e);
      }
    }
    this.pumpActivities();
  }

  private ensureChild(parent: LiveInstance, e: HistoryEvent): void {
    const childId = String(e.InstanceId);
    const ref: ParentRef = { instanceId: parent.record.instanceId, executionId: parent.record.executionId, name: parent.record.name, taskScheduledId: e.EventId };
    const child = this.getRecord(childId);
    const ours = child?.parent && child.parent.instanceId === ref.instanceId && child.parent.executionId === ref.executionId && child.parent.taskScheduledId === ref.taskScheduledId;
    if (ours) {
      this.notifyParent(childId);
      return;
    }
    if (child && !TERMINAL.has(child.runtimeStatus)) {
      // A sub-orchestration start on a live id is refused, not a restart of it: the parent's
      // call fails (the extension's dedupe applies to sub-orchestration starts too).
      const message = `An Orchestration instance with the status ${child.runtimeStatus} already exists.`;
      const messageId = `${childId}|refused|${ref.executionId}|${ref.taskScheduledId}`;
      if (this.deps.store.inbox(ref.instanceId).some((m) => m.id === messageId)) return;
      this.enqueue(ref.instanceId, { id: messageId, executionId: ref.executionId, event: ev.subOrchestrationFailed(this.deps.clock.now(), ref.taskScheduledId, message, JSON.stringify({ Message: message })) });
      return;
    }
    this.startNew(String(e.Name), childId, (e.Input as string | null) ?? null, ref);
  }

  // ---- activities and timers --------------------------------------------------------------

  private activityJob(inst: LiveInstance, scheduled: HistoryEvent): ActivityJob {
    const { instanceId, executionId } = inst.record;
    return { instanceId, executionId, taskId: scheduled.EventId, name: String(scheduled.Name), input: (scheduled.Input as string | null) ?? null, key: `${instanceId}|${executionId}|${scheduled.EventId}` };
  }

  private dispatchActivity(job: ActivityJob): void {
    if (this.inflight.has(job.key)) return;
    this.inflight.add(job.key);
    const jobs = [job];
    // At-least-once delivery: a second copy of the message, dequeued by another worker at once.
    if (this.deps.duplicateDelivery?.(job)) jobs.push({ ...job, duplicate: true });
    const at = this.dequeueAt();
    if (at === undefined) this.activityQueue.push(...jobs);
    else {
      // The work-item queue is polled too: the activity starts when its message is dequeued.
      const key = `activity|${job.key}`;
      this.visibility.set(key, this.deps.clock.schedule(at, () => {
        this.visibility.delete(key);
        if (this.dead) return;
        this.activityQueue.push(...jobs);
        this.pumpActivities();
      }));
    }
    this.deps.emit({ type: 'activityScheduled', at: this.deps.clock.now(), instanceId: job.instanceId, name: job.name, taskId: job.taskId });
  }

  private pumpActivities(): void {
    while (!this.dead && this.runningActivities < this.deps.settings.maxConcurrentActivityFunctions && this.activityQueue.length > 0) {
      const job = this.activityQueue.shift()!;
      this.runningActivities++;
      void this.runActivity(job);
    }
  }

  private async runActivity(job: ActivityJob): Promise<void> {
    let completion: HistoryEvent | undefined;
    const reg = this.deps.activities.get(job.name);
    try {
      if (!reg) throw new Error(`The function '${job.name}' doesn't exist, is disabled, or is not an activity function.`);
      // The extension hands the activity its input as JSON text and the worker parses it, which
      // is why the SDK JSON-encodes string inputs once more (Utils.processInput).
      const value = parseJsonText(job.input);
      const data: RpcTypedData | undefined = job.input === null ? undefined : { string: typeof value === 'string' ? value : JSON.stringify(value) };
      const outcome = await invokeRegistered(reg, { ...this.deps.extraInputs(reg), [triggerBindingName(reg)]: data }, this.logOption());
      completion = ev.taskCompleted(this.deps.clock.now(), job.taskId, toJsonText(fromTypedData(outcome.returnValue)));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const stack = err instanceof Error ? (err.stack ?? '') : '';
      // TaskActivityShim: TaskFailureException($"Activity function '{name}' failed: {message}", serialized cause).
      completion = ev.taskFailed(this.deps.clock.now(), job.taskId, `Activity function '${job.name}' failed: ${message}`, JSON.stringify({ Message: message, StackTrace: stack }));
    }
    if (this.dead) return; // a crashed host's results are lost; the restarted host runs it again
    this.runningActivities--;
    try {
      this.crashPoint({ kind: 'activityRan', instanceId: job.instanceId, name: job.name, taskId: job.taskId });
    } catch (err) {
      if (err instanceof HostCrashed) return this.crash(err.point);
      throw err;
    }
    // Both copies of a duplicated message report; the episode keeps the first completion and
    // drops the other as a redelivery.
    this.enqueue(job.instanceId, { id: `${job.key}|done${job.duplicate ? '|2' : ''}`, executionId: job.executionId, event: completion });
    this.inflight.delete(job.key);
    this.deps.emit({
      type: 'activityCompleted', at: this.deps.clock.now(), instanceId: job.instanceId, name: job.name, taskId: job.taskId,
      failed: completion.EventType === EventType.TaskFailed, ...(job.duplicate ? { duplicate: true } : {}),
    });
    this.markRunnable(job.instanceId);
    this.pumpActivities();
    this.kick();
    this.checkQuiet();
  }

  private scheduleTimer(instanceId: string, executionId: string, timerId: number, fireAt: string): void {
    const key = `${instanceId}|${executionId}|${timerId}`;
    if (this.timers.has(key)) return;
    const at = Date.parse(fireAt);
    this.deps.emit({ type: 'timerCreated', at: this.deps.clock.now(), instanceId, timerId, fireAt });
    const handle = this.deps.clock.schedule(Math.max(at, this.deps.clock.now()), () => {
      if (this.dead) return;
      this.timers.delete(key);
      const now = this.deps.clock.now();
      this.deps.emit({ type: 'timerFired', at: now, instanceId, timerId });
      this.enqueue(instanceId, { id: `${key}|fired`, executionId, event: ev.timerFired(now, timerId, fireAt) });
    });
    this.timers.set(key, handle);
  }

  private cancelTimersOf(instanceId: string): void {
    for (const [key, handle] of this.timers) {
      if (key.startsWith(`${instanceId}|`)) {
        handle.cancel();
        this.timers.delete(key);
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private statsOf(instanceId: string): InstanceStats {
    let s = this.deps.stats.get(instanceId);
    if (!s) {
      s = { historyEvents: 0, episodes: 0, replayCpuMs: 0 };
      this.deps.stats.set(instanceId, s);
    }
    return s;
  }

  /** One episode of an orchestrator through durable-functions' own code: its state, or what it threw. */
  private async invokeOrchestrator(
    reg: Registration,
    episode: { history: HistoryEvent[]; input: unknown; instanceId: string; parentInstanceId: string | null; isReplaying: boolean },
  ): Promise<{ state?: OrchestratorStateJson; thrown?: string }> {
    const payload = {
      ...episode,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: timeSpan(this.deps.settings.longRunningTimerIntervalMs),
      maximumShortTimerDuration: timeSpan(this.deps.settings.maximumShortTimerMs),
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    try {
      const outcome = await invokeRegistered(reg, { ...this.deps.extraInputs(reg), [triggerBindingName(reg)]: { string: JSON.stringify(payload) } }, this.logOption());
      return { state: parseState(fromTypedData(outcome.returnValue)) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = message.indexOf(OUT_OF_PROC_DATA);
      return at >= 0 ? { state: parseState(JSON.parse(message.slice(at + OUT_OF_PROC_DATA.length))) } : { thrown: message };
    }
  }

  /**
   * Replays a recorded execution's history through the orchestrator as the code stands now,
   * without running anything: whether the code still agrees with the history (the extension's
   * non-determinism check), and what it would do next. Used to check that histories recorded by
   * a release replay against newer code (a deployment while runs are in flight).
   */
  async replayCheck(name: string, instanceId: string, input: unknown, history: HistoryEvent[]): Promise<{ nonDeterminism?: string; decisions: Decision[]; done: boolean; failed?: string }> {
    const reg = this.deps.orchestrators.get(name);
    if (!reg) throw new UnknownFunctionError(`no orchestrator '${name}'`);
    const played = history.map((e) => ({ ...e, IsPlayed: true }));
    const { state, thrown } = await this.invokeOrchestrator(reg, { history: played, input, instanceId, parentInstanceId: null, isReplaying: true });
    if (!state) return { decisions: [], done: false, failed: thrown ?? 'the orchestrator returned no state' };
    const replay = replayActions(played, (state.actions[0] ?? []) as OrchestratorAction[], {
      instanceId,
      maximumShortTimerMs: this.deps.settings.maximumShortTimerMs,
      longRunningTimerIntervalMs: this.deps.settings.longRunningTimerIntervalMs,
    });
    return {
      ...(replay.nonDeterminism ? { nonDeterminism: replay.nonDeterminism } : {}),
      decisions: replay.decisions,
      done: state.isDone === true,
      ...(state.error !== undefined ? { failed: state.error } : {}),
    };
  }

  private logOption(): { onLog?: (log: InvocationLog) => void } {
    return this.deps.onLog ? { onLog: this.deps.onLog } : {};
  }

  private checkQuiet(): void {
    if (this.quietCheckQueued) return;
    this.quietCheckQueued = true;
    setImmediate(() => {
      this.quietCheckQueued = false;
      if (!this.isQuiet() && !this.dead) {
        // Only the grace of a client function can expire by itself: look again when it has.
        if (this.outsideWork.size > 0 && this.quietWaiters.length > 0) setTimeout(() => this.checkQuiet(), OUTSIDE_WORK_GRACE_MS);
        return;
      }
      const waiters = this.quietWaiters;
      this.quietWaiters = [];
      for (const w of waiters) w();
    });
  }
}

interface OrchestratorStateJson {
  isDone: boolean;
  actions: unknown[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

function parseState(value: unknown): OrchestratorStateJson {
  const state = (typeof value === 'string' ? JSON.parse(value) : value) as OrchestratorStateJson;
  if (!state || typeof state !== 'object' || !Array.isArray(state.actions)) {
    throw new Error(`the orchestrator returned ${JSON.stringify(value)}, not an OrchestratorState ({ isDone, actions, ... })`);
  }
  return state;
}

function firstMismatch(previous: string[] | undefined, current: string[]): number | undefined {
  if (!previous) return undefined;
  for (let i = 0; i < previous.length; i++) if (previous[i] !== current[i]) return i;
  return undefined;
}

function decisionEvent(at: number, d: Decision): HistoryEvent {
  switch (d.kind) {
    case 'activity':
      return ev.taskScheduled(at, d.id, d.name, d.input);
    case 'timer':
      return ev.timerCreated(at, d.id, d.fireAt);
    case 'subOrchestration':
      return ev.subOrchestrationCreated(at, d.id, d.name, d.instanceId, d.input);
  }
}

export { describeDecision };
