import { describe, expect, it } from 'vitest';
import { expectedReadyAt } from './expectedReady';
import type { PodFacts } from './kubeFacts';

const pod = (name: string, over: Partial<PodFacts> = {}): PodFacts => ({
  namespace: 'shop', name, uid: name, nodeName: 'n1', phase: 'Running', ready: false, labels: {}, ownerReferences: [], isMirror: false, emptyDirVolumes: [], ...over,
});
const NOW = '2026-01-05T02:10:00.000Z';

describe('expectedReadyAt', () => {
  it('a running pod: its containers\' start + the readiness probe\'s initial delay', () => {
    const pods = [pod('a', { containersStartedAt: '2026-01-05T02:09:00Z', readinessDelaySeconds: 240 })];
    expect(expectedReadyAt({ pods, now: NOW, node: 'n1' })).toBe('2026-01-05T02:13:00.000Z');
  });

  it('a pod not started yet: now + its delay; the latest pod sets the time', () => {
    const pods = [pod('a', { phase: 'Pending', readinessDelaySeconds: 20 }), pod('b', { containersStartedAt: '2026-01-05T02:09:50Z', readinessDelaySeconds: 15 })];
    expect(expectedReadyAt({ pods, now: NOW, node: 'n1' })).toBe('2026-01-05T02:10:20.000Z');
  });

  it('a Ready pod counts from its Ready transition (its controllers\' status still to follow)', () => {
    const ready = pod('a', { ready: true, readySince: '2026-01-05T02:09:30Z', containersStartedAt: '2026-01-05T02:09:00Z' });
    expect(expectedReadyAt({ pods: [ready], now: NOW, node: 'n1' })).toBe('2026-01-05T02:09:30.000Z');
  });

  it('a pod whose status is from before the reboot, Ready or not, restarts: now + its delay', () => {
    const staleReady = pod('b', { ready: true, readySince: '2026-01-05T01:00:00Z', containersStartedAt: '2026-01-05T00:59:00Z', readinessDelaySeconds: 60 });
    const staleNotReady = pod('c', { readySince: '2026-01-05T02:06:00Z', containersStartedAt: '2026-01-05T00:59:00Z', readinessDelaySeconds: 20 });
    const after = '2026-01-05T02:05:00Z';
    expect(expectedReadyAt({ pods: [staleReady], now: NOW, node: 'n1', rebootedAfter: after })).toBe('2026-01-05T02:11:00.000Z');
    expect(expectedReadyAt({ pods: [staleNotReady], now: NOW, node: 'n1', rebootedAfter: after })).toBe('2026-01-05T02:10:20.000Z');
    // Without a reboot to compare with, or on another node, the same pods count as they show.
    expect(expectedReadyAt({ pods: [staleNotReady], now: NOW, node: 'n1' })).toBe('2026-01-05T00:59:20.000Z');
    expect(expectedReadyAt({ pods: [staleReady], now: NOW, node: 'n2', rebootedAfter: after })).toBe('2026-01-05T01:00:00.000Z');
  });

  it('terminating and finished pods are not waited for; nothing to wait for gives no time', () => {
    const pods = [pod('a', { deletionTimestamp: NOW, readinessDelaySeconds: 600 }), pod('b', { phase: 'Succeeded' })];
    expect(expectedReadyAt({ pods, now: NOW, node: 'n1' })).toBeUndefined();
    expect(expectedReadyAt({ pods: [], now: NOW, node: 'n1' })).toBeUndefined();
  });
});
