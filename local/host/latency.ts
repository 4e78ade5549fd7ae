// The latency mode: how long a message waits in its queue before a worker picks it up, drawn
// from a seeded generator so that a run is reproducible. On Azure a worker polls its queues and
// backs off to maxQueuePollingInterval when they are empty (Azure Storage:
// AzureStorageOrchestrationServiceSettings.MaxQueuePollingInterval, used by the backoff in
// BackoffPollingHelper.cs), and a host that scaled to zero first has to start (Flex Consumption
// cold start), so a message can wait up to the polling interval, and the first after a start
// longer.

export interface LatencyOptions {
  /** Seed of the generator: the same seed gives the same delays for the same sequence of messages. */
  seed: number;
  /** The longest dequeue delay (default: host.json's maxQueuePollingInterval, else 10 s). */
  maxPollingIntervalMs?: number;
  /** The shortest and longest cold start, added to the first message after the host starts or restarts (default 1 s to 5 s). */
  minColdStartMs?: number;
  maxColdStartMs?: number;
}

const DEFAULT_POLLING_MS = 10_000;
const DEFAULT_MIN_COLD_START_MS = 1_000;
const DEFAULT_MAX_COLD_START_MS = 5_000;

export class Latency {
  private state: number;
  private readonly maxPollingMs: number;
  private readonly minColdStartMs: number;
  private readonly maxColdStartMs: number;

  constructor(options: LatencyOptions) {
    if (!Number.isInteger(options.seed)) throw new Error(`latency.seed: ${String(options.seed)} is not an integer`);
    for (const field of ['maxPollingIntervalMs', 'minColdStartMs', 'maxColdStartMs'] as const) {
      const v = options[field];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new Error(`latency.${field}: ${String(v)} is not a duration in ms (a number ≥ 0)`);
    }
    this.state = options.seed >>> 0;
    this.maxPollingMs = options.maxPollingIntervalMs ?? DEFAULT_POLLING_MS;
    this.maxColdStartMs = options.maxColdStartMs ?? Math.max(DEFAULT_MAX_COLD_START_MS, options.minColdStartMs ?? 0);
    this.minColdStartMs = options.minColdStartMs ?? Math.min(DEFAULT_MIN_COLD_START_MS, this.maxColdStartMs);
    if (this.minColdStartMs > this.maxColdStartMs) throw new Error(`latency.minColdStartMs: ${this.minColdStartMs} is more than maxColdStartMs (${this.maxColdStartMs})`);
  }

  get maxPollingIntervalMs(): number {
    return this.maxPollingMs;
  }

  /** A number in [0, 1) (mulberry32). */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** How long the next message waits before it is dequeued (whole ms, at most the polling interval). */
  dequeueDelay(): number {
    return Math.floor(this.next() * (this.maxPollingMs + 1));
  }

  /** A cold start's length, between the shortest and the longest. */
  coldStart(): number {
    return this.minColdStartMs + Math.floor(this.next() * (this.maxColdStartMs - this.minColdStartMs + 1));
  }
}

/** A .NET TimeSpan "hh:mm:ss" or "d.hh:mm:ss" (host.json's form for intervals) in ms. */
export function parseTimeSpan(text: string, field: string): number {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text);
  if (!m) throw new Error(`${field}: '${text}' is not a TimeSpan; the form is hh:mm:ss (e.g. 00:00:10)`);
  const [, d, h, min, s, frac] = m;
  return (((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000 + Math.floor(Number(`0.${frac ?? '0'}`) * 1000);
}
