// The clock shared by the local durable host and the AKS simulator. In virtual mode time
// stands still until someone advances it, so a 4-hour rollout runs in seconds; in real-time
// mode it follows the wall clock, optionally faster, so people and kubectl can watch.

export interface ScheduledHandle {
  cancel(): void;
}

export interface Clock {
  readonly mode: 'virtual' | 'realtime';
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /** Runs `fn` once the clock reaches `at` (ms). Same-time callbacks run in scheduling order. */
  schedule(at: number, fn: () => void): ScheduledHandle;
  /** Runs `fn` after `ms` milliseconds of clock time. */
  after(ms: number, fn: () => void): ScheduledHandle;
  /** Resolves after `ms` milliseconds of clock time. */
  sleep(ms: number): Promise<void>;
  /** The time of the earliest pending callback, if any. */
  nextDue(): number | undefined;
  /** Moves time forward to `t` (virtual mode), running every callback due on the way. */
  advanceTo(t: number): void;
  /** Stops real-time dispatching; pending callbacks are dropped. */
  stop(): void;
}

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A binary min-heap ordered by (at, seq): earliest first, FIFO among equals. */
class TimerQueue {
  private readonly heap: Entry[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(entry: Entry): void {
    this.heap.push(entry);
    this.up(this.heap.length - 1);
  }

  peek(): Entry | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  pop(): Entry | undefined {
    this.dropCancelled();
    return this.take();
  }

  clear(): void {
    this.heap.length = 0;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.take();
  }

  private take(): Entry | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top !== last && last !== undefined) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.heap.length && this.less(l, best)) best = l;
      if (r < this.heap.length && this.less(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}

abstract class BaseClock implements Clock {
  abstract readonly mode: 'virtual' | 'realtime';
  protected readonly queue = new TimerQueue();
  private seq = 0;

  abstract now(): number;
  abstract advanceTo(t: number): void;

  schedule(at: number, fn: () => void): ScheduledHandle {
    if (!Number.isFinite(at)) throw new Error(`clock.schedule: time must be a finite number of ms, got ${at}`);
    const entry: Entry = { at, seq: this.seq++, fn, cancelled: false };
    this.queue.push(entry);
    this.onScheduled();
    return { cancel: () => { entry.cancelled = true; } };
  }

  after(ms: number, fn: () => void): ScheduledHandle {
    return this.schedule(this.now() + Math.max(0, ms), fn);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  nextDue(): number | undefined {
    return this.queue.peek()?.at;
  }

  stop(): void {
    this.queue.clear();
  }

  protected onScheduled(): void {}

  /** Runs every callback due at or before `t`, in order, including ones they schedule. */
  protected runDue(t: number, setNow: (at: number) => void): void {
    for (let next = this.queue.peek(); next && next.at <= t; next = this.queue.peek()) {
      this.queue.pop();
      setNow(Math.max(next.at, this.now()));
      next.fn();
    }
  }
}

/** Time moves only through `advanceTo`. */
export class VirtualClock extends BaseClock {
  readonly mode = 'virtual' as const;
  private current: number;

  constructor(startMs: number) {
    super();
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  advanceTo(t: number): void {
    // NaN would otherwise become the current time: every later comparison with it is false.
    if (!Number.isFinite(t)) throw new Error(`clock.advanceTo: time must be a finite number of ms, got ${t}`);
    if (t < this.current) return;
    this.runDue(t, (at) => { this.current = at; });
    this.current = t;
  }
}

/** Follows the wall clock from `startMs`, `speed` times faster; callbacks fire on real timers. */
export class RealTimeClock extends BaseClock {
  readonly mode = 'realtime' as const;
  private readonly realStart = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;

  constructor(private readonly startMs: number, private readonly speed: number) {
    super();
    if (!(speed > 0)) throw new Error(`clock speed must be a positive number, got ${speed}`);
  }

  now(): number {
    return this.startMs + (Date.now() - this.realStart) * this.speed;
  }

  /** Time cannot be pushed in real-time mode; this runs whatever is already due. */
  advanceTo(): void {
    this.fire();
  }

  override stop(): void {
    super.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
  }

  protected override onScheduled(): void {
    this.arm();
  }

  private arm(): void {
    const due = this.nextDue();
    if (due === undefined) return;
    if (this.timer && this.armedFor !== undefined && this.armedFor <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = due;
    const wait = Math.max(0, (due - this.now()) / this.speed);
    this.timer = setTimeout(() => this.fire(), Math.min(wait, 2_000_000_000));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = undefined;
    try {
      this.runDue(this.now(), () => {});
    } finally {
      this.arm();
    }
  }
}

export function createVirtualClock(start: Date | number = Date.UTC(2026, 0, 1)): VirtualClock {
  return new VirtualClock(typeof start === 'number' ? start : start.getTime());
}

export function createRealTimeClock(options: { speed?: number; start?: Date | number } = {}): RealTimeClock {
  const start = options.start ?? Date.now();
  return new RealTimeClock(typeof start === 'number' ? start : start.getTime(), options.speed ?? 1);
}
