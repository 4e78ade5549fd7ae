import { describe, expect, it } from 'vitest';
import { computePdbStatus, scaledValue } from './pdbStatus';
import type { Pod, PodDisruptionBudget } from './types';

function pods(ready: number, notReady: number, terminating = 0, owned = true): Pod[] {
  const mk = (i: number, isReady: boolean, term: boolean): Pod => ({
    metadata: { name: `p${i}`, namespace: 'ns', labels: { app: 'a' }, ...(owned ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true }] } : {}), ...(term ? { deletionTimestamp: '2026-01-01T00:00:30Z' } : {}) },
    spec: { containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: isReady ? 'True' : 'False' }] },
  });
  const out: Pod[] = [];
  let i = 0;
  for (let k = 0; k < ready; k++) out.push(mk(i++, true, false));
  for (let k = 0; k < notReady; k++) out.push(mk(i++, false, false));
  for (let k = 0; k < terminating; k++) out.push(mk(i++, true, true));
  return out;
}

const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({ metadata: { name: 'b', namespace: 'ns', generation: 2 }, spec: { selector: { matchLabels: { app: 'a' } }, ...spec } });

describe('scaledValue', () => {
  it.each([
    [2, 10, true, 2], ['50%', 5, true, 3], ['50%', 5, false, 2], ['25%', 4, true, 1], ['0%', 7, true, 0], ['3', 9, true, 3],
  ] as const)('%s of %i (roundUp %s) = %i', (v, total, up, want) => expect(scaledValue(v, total, up)).toBe(want));
  it('rejects what is neither an integer nor a percentage', () => expect(() => scaledValue('half', 4, true)).toThrow(/expected an integer or a percentage/));
});

describe('computePdbStatus', () => {
  const scale = { uid: 'deploy-uid', replicas: 4 };
  const cases = [
    { name: 'minAvailable 3 of 4 ready', spec: { minAvailable: 3 }, pods: pods(4, 0), want: { expectedPods: 4, currentHealthy: 4, desiredHealthy: 3, disruptionsAllowed: 1 } },
    { name: 'minAvailable 3 with one not ready', spec: { minAvailable: 3 }, pods: pods(3, 1), want: { expectedPods: 4, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 } },
    { name: 'minAvailable counts terminating pods as expected but not healthy', spec: { minAvailable: 3 }, pods: pods(3, 0, 1), want: { expectedPods: 4, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 } },
    { name: 'minAvailable 50% uses the controller scale, rounded up', spec: { minAvailable: '50%' }, pods: pods(3, 0), want: { expectedPods: 4, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 } },
    { name: 'maxUnavailable 1 of a 4-replica controller', spec: { maxUnavailable: 1 }, pods: pods(4, 0), want: { expectedPods: 4, currentHealthy: 4, desiredHealthy: 3, disruptionsAllowed: 1 } },
    { name: 'maxUnavailable 25% rounds up the unavailable count', spec: { maxUnavailable: '25%' }, pods: pods(4, 0), want: { expectedPods: 4, currentHealthy: 4, desiredHealthy: 3, disruptionsAllowed: 1 } },
    { name: 'maxUnavailable 0 never allows', spec: { maxUnavailable: 0 }, pods: pods(4, 0), want: { expectedPods: 4, currentHealthy: 4, desiredHealthy: 4, disruptionsAllowed: 0 } },
    { name: 'more unhealthy than allowed clamps to 0', spec: { maxUnavailable: 1 }, pods: pods(2, 2), want: { expectedPods: 4, currentHealthy: 2, desiredHealthy: 3, disruptionsAllowed: 0 } },
  ];
  it.each(cases)('$name', ({ spec, pods: ps, want }) => {
    const st = computePdbStatus({ pdb: pdb(spec), pods: ps, scaleOf: () => scale, now: '2026-01-01T00:00:00Z' });
    expect(st).toMatchObject({ ...want, observedGeneration: 2 });
    expect(st.conditions![0]!.reason).toBe(want.disruptionsAllowed > 0 ? 'SufficientPods' : 'InsufficientPods');
  });

  it('fails safe (0 allowed, SyncFailed) for maxUnavailable over pods without a scalable controller', () => {
    const st = computePdbStatus({ pdb: pdb({ maxUnavailable: 1 }), pods: pods(3, 0, 0, false), scaleOf: () => undefined, now: 'x' });
    expect(st.disruptionsAllowed).toBe(0);
    expect(st.conditions![0]).toMatchObject({ status: 'False', reason: 'SyncFailed' });
  });

  it('does not count pods the eviction API already took (disruptedPods)', () => {
    const b = pdb({ minAvailable: 2 });
    b.status = { observedGeneration: 2, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptedPods: { p0: 'x' } };
    expect(computePdbStatus({ pdb: b, pods: pods(3, 0), scaleOf: () => scale, now: 'x' })).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0 });
  });

  it('a budget that never allows (fault) stays at 0', () => {
    expect(computePdbStatus({ pdb: pdb({ minAvailable: 1 }), pods: pods(4, 0), scaleOf: () => scale, now: 'x', neverAllows: true }).disruptionsAllowed).toBe(0);
  });
});
