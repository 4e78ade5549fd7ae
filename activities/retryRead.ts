// Reads retried one by one, for activities that read something per node. The orchestrator's
// retry policy repeats a whole activity: one failed read out of twenty then costs all twenty
// again, and on an API failing 20 % of calls the activity rarely gets through (docs/reliability.md).
// Here each read is retried on its own, as client-go retries a request (rest/with_retry.go:
// on a 429 or 5xx it waits the server's Retry-After), and an item whose read still fails is
// reported with its reason, for the caller to hold back and ask about again, instead of
// failing the activity. Only transient failures are retried; any other error still fails it.
import { TransientError } from '../adapters/kube';
import { mapBounded } from './runtime';

/** Tries per read: the first and three more. */
export const READ_ATTEMPTS = 4;
/** Waits before the 2nd, 3rd and 4th try when the server sent no Retry-After. */
export const READ_BACKOFF_MS = [250, 500, 1000] as const;
/** A longer Retry-After is not waited out inside an activity: the read is reported, and asked again later. */
export const MAX_RETRY_AFTER_SECONDS = 5;
/** An item's reason is cut to this length, so a result stays small. */
const MAX_REASON_LENGTH = 200;

export type Sleep = (ms: number) => Promise<void>;

/** How long to wait before try `attempt + 1` after `error`, or undefined when not worth another try now. */
export function retryWaitMs(error: unknown, attempt: number): number | undefined {
  if (!(error instanceof TransientError) || attempt >= READ_ATTEMPTS) return undefined;
  const after = error.retryAfterSeconds;
  if (after !== undefined) return after <= MAX_RETRY_AFTER_SECONDS ? after * 1000 : undefined;
  return READ_BACKOFF_MS[attempt - 1];
}

/** Runs `read`, again after a transient failure (bounded, honouring Retry-After); throws the last error. */
export async function retried<T>(sleep: Sleep, read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      const wait = retryWaitMs(error, attempt);
      if (wait === undefined) throw error;
      await sleep(wait);
    }
  }
}

export type ItemRead<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Runs `read` for each item, at most `limit` at once, results in the items' order. `read` wraps
 * its calls in `retried`; a transient failure left after that is the item's `reason`.
 */
export async function readEach<I, T>(items: readonly I[], limit: number, read: (item: I) => Promise<T>): Promise<Array<ItemRead<T>>> {
  return mapBounded(items, limit, async (item): Promise<ItemRead<T>> => {
    try {
      return { ok: true, value: await read(item) };
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      return { ok: false, reason: error.message.slice(0, MAX_REASON_LENGTH) };
    }
  });
}
