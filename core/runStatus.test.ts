import { describe, expect, it } from 'vitest';
import { buildRunStatus } from './runStatus';
import type { NodeResult } from './runTypes';

const result = (i: number): NodeResult => ({
  node: `aks-user${i % 7}-${String(10_000_000 + i)}-vmss${i.toString(36).padStart(6, '0')}`,
  pool: `user${i % 7}`,
  zone: `westeurope-${(i % 3) + 1}`,
  outcome: i % 11 === 0 ? 'failed' : 'rebooted',
  ...(i % 11 === 0 ? { step: 'drain' as const, reason: `drain did not finish: ${'pod blocked by a PodDisruptionBudget; '.repeat(40)}` } : {}),
  startedAt: '2026-11-27T20:00:00.000Z',
  finishedAt: '2026-11-27T20:10:00.000Z',
  seconds: { delay: 0, gate: 10, drain: 60, reboot: 120, recovery: 240 },
  evicted: 12,
  leftCordoned: false,
  warnings: [],
});

describe('buildRunStatus', () => {
  it('stays far below the 16 KB custom status limit with 5,000 nodes', () => {
    const results = Array.from({ length: 4_000 }, (_, i) => result(i));
    const next = Array.from({ length: 999 }, (_, i) => ({ node: `aks-next-${i}`, pool: 'next', zone: 'westeurope-1' }));
    const status = buildRunStatus({
      runId: '20261127T200000Z-ab12',
      phase: 'rebooting',
      window: { open: true },
      control: { state: 'running', acknowledged: Array.from({ length: 50 }, (_, i) => `event-${i}`) },
      total: 5_000,
      results,
      current: [{ node: 'aks-current-0', step: 'drain', since: '2026-11-27T20:00:00.000Z' }],
      next,
      blockedBy: Array.from({ length: 100 }, () => 'x'.repeat(1000)),
      waiting: next.map((n) => ({ node: n.node, reason: 'y'.repeat(1000) })),
    });
    const size = Buffer.byteLength(JSON.stringify(status));
    expect(size).toBeLessThan(16 * 1024 / 2);
    expect(status.counts).toEqual({ total: 5_000, done: 4_000 - 364, failed: 364, remaining: 999 });
    expect(status.recent).toHaveLength(10);
    expect(status.recent.at(-1)?.node).toBe(results.at(-1)?.node);
    expect(status.next).toHaveLength(10);
    expect(status.waiting).toHaveLength(10);
    expect(status.waiting!.every((w) => w.reason.length <= 200)).toBe(true);
    expect(status.control.acknowledged).toHaveLength(10);
  });

  it('names the failed step and shortens long reasons', () => {
    const status = buildRunStatus({
      runId: 'r', phase: 'halted', window: { open: false, nextOpening: '2026-11-28T01:00:00.000Z' }, control: { state: 'running', acknowledged: [] },
      total: 1, results: [result(0)], current: [], next: [],
    });
    expect(status.recent[0]).toMatchObject({ outcome: 'failed', step: 'drain' });
    expect(status.recent[0]!.reason!.length).toBeLessThanOrEqual(200);
    expect(status.counts.remaining).toBe(0);
    expect(status).not.toHaveProperty('waiting');
  });
});
