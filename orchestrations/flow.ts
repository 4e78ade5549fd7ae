// What every orchestrator of ours does the same way: call activities with a retry policy,
// wait on durable timers while listening for control events, and log only when not
// replaying. Everything here is deterministic: time comes from context.df only.
import * as df from 'durable-functions';
import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import type { ActivityInput, ActivityName, ActivityResult } from '../activities/catalog';
import type { ControlEvent, ControlState } from '../core/runTypes';
import { CONTROL_EVENT } from './names';

/** A step of an orchestrator: yields durable tasks, returns T. */
export type Op<T> = Generator<Task, T, unknown>;

const ACKNOWLEDGED_LIMIT = 10;

/**
 * Transient failures (5xx, throttling, network) get eight attempts over about four minutes:
 * enough to ride out an API server restart during a control-plane upgrade.
 */
function activityRetry(): df.RetryOptions {
  const retry = new df.RetryOptions(5_000, 8);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 60_000;
  return retry;
}

/** A poll that failed even after its retries: the caller polls again until its own timeout. */
export interface PollFailure {
  failed: string;
}

export function isPollFailure(value: unknown): value is PollFailure {
  return typeof value === 'object' && value !== null && typeof (value as PollFailure).failed === 'string';
}

export function initialControl(): ControlState {
  return { state: 'running', acknowledged: [] };
}

/**
 * Applies one control event to a state: idempotent (a re-sent event is recognised by its
 * id), and a cancel is final (a later resume does not undo it).
 */
export function applyControl(state: ControlState, event: ControlEvent): ControlState {
  if (state.acknowledged.includes(event.id)) return state;
  const acknowledged = [...state.acknowledged, event.id].slice(-ACKNOWLEDGED_LIMIT);
  const by = event.by ?? state.by;
  if (state.state === 'cancelling' || event.action === 'cancel') return { state: 'cancelling', acknowledged, ...(by ? { by } : {}) };
  return { state: event.action === 'pause' ? 'paused' : 'running', acknowledged, ...(by ? { by } : {}) };
}

function isControlEvent(value: unknown): value is ControlEvent {
  const v = value as Partial<ControlEvent> | undefined;
  return !!v && typeof v.id === 'string' && (v.action === 'pause' || v.action === 'resume' || v.action === 'cancel');
}

export class Flow {
  /**
   * Our open waits for a control event, oldest first. The SDK hands an event to the newest
   * open wait (and buffers it when there is none), so scanning newest to oldest yields events
   * in arrival order. A wait is never yielded twice: each durable wait is a fresh task.
   */
  private readonly waiters: Task[] = [];
  /** Set by the owner to react to control changes (custom status, acknowledgement). */
  onControl: ((state: ControlState) => void) | undefined;

  constructor(readonly context: OrchestrationContext, public control: ControlState) {}

  now(): Date {
    return this.context.df.currentUtcDateTime;
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  /** The orchestrator's clock in seconds (epoch), as the adaptive waits reckon (core/adaptiveWait). */
  nowSeconds(): number {
    return this.now().getTime() / 1000;
  }

  secondsSince(iso: string): number {
    return Math.max(0, Math.round((this.now().getTime() - new Date(iso).getTime()) / 1000));
  }

  log(message: string, fields: Record<string, unknown> = {}): void {
    if (!this.context.df.isReplaying) this.context.log(message, fields);
  }

  /** Calls an activity with the retry policy; its input and result are the catalog's for that name. */
  *call<N extends ActivityName>(name: N, input: ActivityInput<N>): Op<ActivityResult<N>> {
    return (yield this.context.df.callActivityWithRetry(name, activityRetry(), input)) as ActivityResult<N>;
  }

  /**
   * Calls a read-only activity that is polled in a loop (gates, node status, command results,
   * drain passes): a failure after the retries is returned, not thrown, so the loop goes on
   * until its own timeout instead of failing the node on an outage it would have outlived.
   */
  *poll<N extends ActivityName>(name: N, input: ActivityInput<N>): Op<ActivityResult<N> | PollFailure> {
    try {
      return yield* this.call(name, input);
    } catch (error) {
      const failed = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error);
      this.log('poll failed; polling again', { activity: name, error: failed });
      return { failed };
    }
  }

  /** Starts listening for control events (once per execution, including after continueAsNew). */
  *listen(): Op<void> {
    yield* this.probe();
  }

  /** Applies the control events received so far; yields only to re-arm when no wait is open. */
  *checkpoint(): Op<void> {
    this.collect();
    if (!this.waiters.some((w) => !w.isCompleted && !w.isFaulted)) yield* this.probe();
  }

  /**
   * Waits `seconds` on a durable timer. Control events are applied as they arrive; the wait
   * ends early, with `'interrupted'`, once `stopWhen` holds for the control state.
   */
  *sleep(seconds: number, stopWhen?: (control: ControlState) => boolean): Op<'elapsed' | 'interrupted'> {
    const fireAt = this.now().getTime() + Math.max(0, seconds) * 1000;
    for (;;) {
      if (stopWhen?.(this.control)) return 'interrupted';
      if (fireAt <= this.now().getTime()) return 'elapsed';
      const timer = this.context.df.createTimer(new Date(fireAt));
      const winner = yield this.context.df.Task.any([timer, this.openWaiter()]);
      this.collect();
      if (winner === timer) return 'elapsed';
      cancelTimer(timer);
    }
  }

  /**
   * Schedules a durable task without waiting for it: yielded once with a timer due now. The
   * caller later reads its isCompleted; it must never put it in another Task.any, which the
   * SDK would schedule again (Azure/azure-functions-durable-js#574).
   */
  *launch(task: Task): Op<void> {
    const timer = this.context.df.createTimer(this.now());
    const winner = yield this.context.df.Task.any([task, timer]);
    if (winner !== timer) cancelTimer(timer);
  }

  /** Registers a fresh wait together with a timer due now, which also collects buffered events. */
  private *probe(): Op<void> {
    for (;;) {
      const timer = this.context.df.createTimer(this.now());
      const winner = yield this.context.df.Task.any([timer, this.openWaiter()]);
      this.collect();
      if (winner === timer) return;
      cancelTimer(timer);
    }
  }

  private openWaiter(): Task {
    const waiter = this.context.df.waitForExternalEvent(CONTROL_EVENT);
    this.waiters.push(waiter);
    return waiter;
  }

  private collect(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (!waiter.isCompleted) continue;
      this.waiters.splice(i, 1);
      const event = waiter.result;
      if (!isControlEvent(event)) continue;
      this.control = applyControl(this.control, event);
      this.onControl?.(this.control);
      this.log('control event applied', { action: event.action, state: this.control.state });
    }
  }
}

function cancelTimer(timer: TimerTask): void {
  if (!timer.isCompleted && !timer.isCanceled) timer.cancel();
}
