import { describe, expectTypeOf, it } from 'vitest';
import type { CheckGateInput, GateResult, LockNodeInput, LockNodeResult, NodeStatus } from '../activities/contracts';
import type { Flow, Op, PollFailure } from './flow';
import type { activities } from './names';

// Type-level tests: `npm run typecheck` fails when a call stops being checked against the
// activity catalog (an unused @ts-expect-error is an error too).
type Call<N extends keyof typeof activities> = typeof Flow.prototype.call<N>;
type Poll<N extends keyof typeof activities> = typeof Flow.prototype.poll<N>;

describe('typed activity calls', () => {
  it('take the input of the activity named and give its result', () => {
    expectTypeOf<Parameters<Call<'lockNode'>>[1]>().toEqualTypeOf<LockNodeInput>();
    expectTypeOf<ReturnType<Call<'lockNode'>>>().toEqualTypeOf<Op<LockNodeResult>>();
    expectTypeOf<Parameters<Poll<'checkGate'>>[1]>().toEqualTypeOf<CheckGateInput>();
    expectTypeOf<ReturnType<Poll<'checkGate'>>>().toEqualTypeOf<Op<GateResult | PollFailure>>();
    expectTypeOf<ReturnType<Call<'getNodeStatus'>>>().toEqualTypeOf<Op<NodeStatus>>();
  });

  it('refuse an input without the instance id lockNode needs, or names an unknown activity', () => {
    const base = { cluster: { alias: 'a', resourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/n', subscriptionId: 's', resourceGroup: 'g', name: 'n' }, runId: 'r', node: 'n', at: '2026-01-01T00:00:00.000Z' };
    expectTypeOf(base).not.toExtend<Parameters<Call<'lockNode'>>[1]>();
    expectTypeOf({ ...base, instanceId: 'i' }).toExtend<Parameters<Call<'lockNode'>>[1]>();
    // @ts-expect-error there is no activity of that name
    expectTypeOf<Call<'rebootEverything'>>().toBeFunction();
  });
});
