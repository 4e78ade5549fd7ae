import { describe, expect, it } from 'vitest';
import { clusterFor, smallScenario } from './testing';
import { DEPLOY, STS } from './resourceNames';
import { resolvedMaxUnavailable } from './rolloutStrategy';
import type { Workload } from './types';

const workload = (kind: 'Deployment' | 'StatefulSet', replicas: number, extra: Record<string, unknown> = {}): Workload => {
  const c = clusterFor(smallScenario({ workloads: [{ name: 'w', kind, replicas, ...extra }] }));
  return c.store.get<Workload>(kind === 'Deployment' ? DEPLOY : STS, 'default', 'w')!;
};

describe('rolling update strategy', () => {
  it('serves a Deployment its defaulted strategy and a StatefulSet its update strategy', () => {
    expect(workload('Deployment', 4).spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(workload('Deployment', 4, { maxUnavailable: 2, maxSurge: 0 }).spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } });
    expect(workload('StatefulSet', 3).spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(workload('StatefulSet', 3, { maxUnavailable: '50%' }).spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: '50%' } });
  });

  it.each([
    ['a Deployment at 25 % of 8 (rounded down)', workload('Deployment', 8), 2],
    ['a Deployment at 25 % of 3 (rounded down to 0; it surges instead)', workload('Deployment', 3), 0],
    ['a Deployment that cannot surge nor lose a pod by rounding', workload('Deployment', 3, { maxUnavailable: '10%', maxSurge: '10%' }), 0],
    ['a Deployment whose percentages both round to 0', workload('Deployment', 3, { maxUnavailable: '10%', maxSurge: 0 }), 1],
    ['a StatefulSet by default', workload('StatefulSet', 5), 1],
    ['a StatefulSet at 50 % of 3 (rounded up)', workload('StatefulSet', 3, { maxUnavailable: '50%' }), 2],
  ])('resolves maxUnavailable for %s', (_, w, expected) => {
    expect(resolvedMaxUnavailable(w)).toBe(expected);
  });
});
