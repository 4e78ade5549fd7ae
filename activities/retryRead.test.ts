import { describe, expect, it } from 'vitest';
import { KubeApiError, TransientError } from '../adapters/kube';
import { MAX_RETRY_AFTER_SECONDS, READ_ATTEMPTS, READ_BACKOFF_MS, readEach, retried } from './retryRead';

/** A read that fails with each given error in turn, then answers `value`; counts its tries. */
function flaky<T>(errors: Error[], value: T) {
  const read = async () => {
    read.tries++;
    const error = errors.shift();
    if (error) throw error;
    return value;
  };
  read.tries = 0;
  return read;
}

const waits: number[] = [];
const sleep = async (ms: number) => {
  waits.push(ms);
};
const transient = (status = 503, retryAfterSeconds?: number) => new TransientError(`reading node n1: HTTP ${status}`, { status, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) });

describe('retried', () => {
  it('tries again after a transient failure, with a growing wait when the server names none', async () => {
    waits.length = 0;
    const read = flaky([transient(), transient(500), transient()], 'ok');
    await expect(retried(sleep, read)).resolves.toBe('ok');
    expect(read.tries).toBe(4);
    expect(waits).toEqual([...READ_BACKOFF_MS]);
  });

  it('waits the server\'s Retry-After, as client-go does', async () => {
    waits.length = 0;
    await expect(retried(sleep, flaky([transient(429, 2), transient(503, 0)], 'ok'))).resolves.toBe('ok');
    expect(waits).toEqual([2000, 0]);
  });

  it(`gives up after ${READ_ATTEMPTS} tries, throwing the last failure`, async () => {
    waits.length = 0;
    const read = flaky(Array.from({ length: 10 }, (_, i) => transient(500 + i)), 'never');
    await expect(retried(sleep, read)).rejects.toThrow('HTTP 503');
    expect(read.tries).toBe(READ_ATTEMPTS);
  });

  it(`does not wait out a Retry-After above ${MAX_RETRY_AFTER_SECONDS}s inside the activity`, async () => {
    waits.length = 0;
    const read = flaky([transient(429, MAX_RETRY_AFTER_SECONDS + 1)], 'ok');
    await expect(retried(sleep, read)).rejects.toThrow('HTTP 429');
    expect([read.tries, waits]).toEqual([1, []]);
  });

  it('never repeats a refusal (403, 404, a bad request)', async () => {
    const read = flaky([new KubeApiError('reading node n1: HTTP 403 Forbidden', 403, 'Forbidden')], 'ok');
    await expect(retried(sleep, read)).rejects.toThrow('403');
    expect(read.tries).toBe(1);
  });
});

describe('readEach', () => {
  it('reports each item\'s transient failure as its reason, in the items\' order, and reads the others', async () => {
    const failing = new Set(['b', 'd']);
    const result = await readEach(['a', 'b', 'c', 'd'], 2, async (item) => {
      if (failing.has(item)) throw transient(503);
      return item.toUpperCase();
    });
    expect(result).toEqual([
      { ok: true, value: 'A' }, { ok: false, reason: 'reading node n1: HTTP 503' }, { ok: true, value: 'C' }, { ok: false, reason: 'reading node n1: HTTP 503' },
    ]);
  });

  it('cuts a long reason, so a result stays small', async () => {
    const [only] = await readEach(['a'], 1, async () => {
      throw new TransientError(`reading pods: ${'x'.repeat(5000)}`);
    });
    expect(only!.ok ? 0 : only!.reason.length).toBe(200);
  });

  it('fails the whole call on an error that is not transient', async () => {
    await expect(readEach(['a', 'b'], 2, async (item) => {
      if (item === 'b') throw new KubeApiError('listing pods: HTTP 403 Forbidden', 403, 'Forbidden');
      return item;
    })).rejects.toThrow('403');
  });
});
