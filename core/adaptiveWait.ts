// When a wait looks next (ADR 0023). A wait whose change has an expected time — a grace
// period's end, a readiness probe's initial delay, the pool's measured reboot — sleeps until
// then in one durable timer instead of polling towards it, then looks every second, backing off
// towards its longest step the longer the change overruns: a change is seen within half its
// overrun (at least 1 s later), and a change that never comes costs a look per longest step, as
// plain polling does. Pure: the orchestrators pass their clock's time in, in seconds.

/** The shortest step: a change past its expected time is seen within a second or so. */
export const FAST_LOOK_SECONDS = 1;

export interface NextLookInput {
  /** Now, in seconds (epoch) on the orchestrator's clock. */
  now: number;
  /** When the awaited change is expected, in seconds on the same clock; absent when nothing predicts it. */
  expectedAt?: number;
  /** The longest step (REBOOT_POLL_INTERVAL): a wait with no expectation looks this often. */
  longestSeconds: number;
  /**
   * The longest step before the expected time (the drain's backoff, or REBOOT_POLL_INTERVAL
   * while the expectation is only a typical figure); absent: sleep until it.
   */
  stepBeforeSeconds?: number;
  /** Never sleep past this (the wait's timeout), in seconds. */
  latestAt?: number;
}

/** Whole seconds to sleep before the next look (≥ FAST_LOOK_SECONDS). */
export function secondsToNextLook(input: NextLookInput): number {
  const { now, expectedAt, longestSeconds, stepBeforeSeconds, latestAt } = input;
  if (!Number.isFinite(longestSeconds) || longestSeconds < FAST_LOOK_SECONDS) {
    throw new Error(`longestSeconds: ${longestSeconds} must be a number of seconds >= ${FAST_LOOK_SECONDS} (REBOOT_POLL_INTERVAL)`);
  }
  let seconds: number;
  if (expectedAt === undefined || !Number.isFinite(expectedAt)) {
    seconds = longestSeconds;
  } else if (now < expectedAt) {
    seconds = Math.min(Math.ceil(expectedAt - now), stepBeforeSeconds ?? Number.POSITIVE_INFINITY);
  } else {
    seconds = Math.min(longestSeconds, Math.floor((now - expectedAt) / 2));
  }
  if (latestAt !== undefined) seconds = Math.min(seconds, Math.ceil(latestAt - now));
  return Math.max(FAST_LOOK_SECONDS, Math.floor(seconds));
}

/** An ISO 8601 instant as seconds (epoch), or undefined when absent or unreadable. */
export function isoSeconds(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}
