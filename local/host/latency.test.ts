import { afterEach, describe, expect, it } from 'vitest';
import { EventType, type HistoryEvent } from './history';
import type { LocalHost } from './host';
import { Latency, parseTimeSpan } from './latency';
import { brief, fixtureHost, T0 } from './testSupport';

let host: LocalHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const times = (history: HistoryEvent[]): number[] => history.map((e) => Date.parse(e.Timestamp));

describe('latency mode: seeded delays', () => {
  it('draws the same delays from the same seed, each within the polling interval', () => {
    const a = new Latency({ seed: 5, maxPollingIntervalMs: 10_000 });
    const b = new Latency({ seed: 5, maxPollingIntervalMs: 10_000 });
    const delays = Array.from({ length: 200 }, () => a.dequeueDelay());
    expect(Array.from({ length: 200 }, () => b.dequeueDelay())).toEqual(delays);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(10_000);
    expect(new Set(delays).size).toBeGreaterThan(150); // spread, not one value
    const cold = new Latency({ seed: 1, maxColdStartMs: 5_000 }).coldStart();
    expect(cold).toBeGreaterThanOrEqual(1_000);
    expect(cold).toBeLessThanOrEqual(5_000);
  });

  it('refuses a bad seed or duration, naming the field', () => {
    expect(() => new Latency({ seed: 1.5 })).toThrow(/latency.seed: 1.5 is not an integer/);
    expect(() => new Latency({ seed: 1, maxPollingIntervalMs: -1 })).toThrow(/latency.maxPollingIntervalMs: -1 is not a duration/);
    expect(() => new Latency({ seed: 1, minColdStartMs: 9_000, maxColdStartMs: 2_000 })).toThrow(/latency.minColdStartMs: 9000 is more than maxColdStartMs \(2000\)/);
    expect(new Latency({ seed: 1, minColdStartMs: 45_000, maxColdStartMs: 45_000 }).coldStart()).toBe(45_000);
  });

  it('reads host.json TimeSpans', () => {
    expect(parseTimeSpan('00:00:10', 'f')).toBe(10_000);
    expect(parseTimeSpan('1.00:00:30.5', 'f')).toBe(86_430_500);
    expect(() => parseTimeSpan('10s', 'maxQueuePollingInterval')).toThrow(/maxQueuePollingInterval: '10s' is not a TimeSpan; the form is hh:mm:ss/);
  });
});

describe('latency mode: the engine on the host clock', () => {
  it('delays each dequeue by up to the polling interval (a cold start first), reproducibly, and keeps the history', async () => {
    const run = async (): Promise<number[]> => {
      ({ host } = await fixtureHost({ latency: { seed: 9, maxPollingIntervalMs: 10_000, maxColdStartMs: 5_000 } }));
      const id = host.startNew('sequence', { instanceId: 'seq-latency' });
      const status = await host.waitFor(id);
      expect(status.output).toEqual(['a-done', 'b-done', 'c-done']);
      const history = host.getHistory(id);
      expect(brief(history)).toEqual([
        'OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled#0 step', 'OrchestratorCompleted',
        'OrchestratorStarted', 'TaskCompleted->0', 'TaskScheduled#1 step', 'OrchestratorCompleted',
        'OrchestratorStarted', 'TaskCompleted->1', 'TaskScheduled#2 step', 'OrchestratorCompleted',
        'OrchestratorStarted', 'TaskCompleted->2', 'ExecutionCompleted', 'OrchestratorCompleted',
      ]);
      const at = times(history.filter((e) => e.EventType === EventType.OrchestratorStarted));
      await host.close();
      host = undefined;
      return at.map((t) => t - T0);
    };
    const first = await run();
    // The start message waited a cold start (≥ 1 s) and its dequeue delay.
    expect(first[0]).toBeGreaterThanOrEqual(1_000);
    expect(first[0]).toBeLessThanOrEqual(15_000);
    // Each later episode waited for two dequeues (the activity's work item, then its result).
    for (let i = 1; i < first.length; i++) expect(first[i]! - first[i - 1]!).toBeLessThanOrEqual(20_000);
    expect(first.at(-1)! - first[0]!).toBeGreaterThan(0);
    expect(await run()).toEqual(first);
  });

  it('holds a raised event until the instance’s start is dequeued', async () => {
    ({ host } = await fixtureHost({ latency: { seed: 4, maxPollingIntervalMs: 10_000 } }));
    const id = host.startNew('waitsForGo', { instanceId: 'go-latency' });
    host.raiseEvent(id, 'go', 'now');
    const status = await host.waitFor(id);
    expect(status.runtimeStatus).toBe('Completed');
    const history = brief(host.getHistory(id));
    expect(history.indexOf('ExecutionStarted')).toBeLessThan(history.indexOf('EventRaised go'));
  });

  it('is off by default: no dequeue waits', async () => {
    ({ host } = await fixtureHost());
    const id = host.startNew('sequence', { instanceId: 'seq-fast' });
    await host.waitFor(id);
    expect(new Set(times(host.getHistory(id)))).toEqual(new Set([T0]));
  });
});
