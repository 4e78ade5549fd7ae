// Full nodes (local/aks/scenarios/dense.json): the kubelet rejects the check pods bound to nodes
// at their pod limit (OutOfpods) or with their CPU fully requested (OutOfcpu). Those nodes are
// never taken as "no reboot needed": the plan and the run list them as "could not check: …" and
// flag the run's checks as incomplete, with the count.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { bundledScenarioPath } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';

const DENSE = bundledScenarioPath('dense');

function uncheckedByPool(skipped: RunOutput['skipped']): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of skipped.filter((x) => x.reason.startsWith('could not check: '))) {
    const pool = /^aks-([a-z0-9]+)-/.exec(s.node ?? '')?.[1] ?? '?';
    (out[pool] ??= []).push(/\((OutOf[a-z]+): Pod was rejected: Node didn't have enough resource: [a-z]+/.exec(s.reason)?.[1] ?? s.reason);
  }
  return out;
}

describe('dense nodes (dense.json)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('the plan lists the nodes whose check pod the kubelet rejected as "could not check", with the kubelet reason', async () => {
    stack = await startStack({ scenario: DENSE, autoAdvance: true });
    const plan = (await stack.api('GET', 'clusters/seed/plan')).body.plan;
    expect(plan.order.map((n: { pool: string }) => n.pool)).toEqual(['system', 'system']);
    expect(uncheckedByPool(plan.skipped)).toEqual({ user: ['OutOfpods', 'OutOfpods', 'OutOfpods'], batch: ['OutOfcpu', 'OutOfcpu'] });
    expect(plan.checks).toEqual({ complete: false, unchecked: 5 });
  }, 120_000);

  it('the run reboots the nodes it could check, and its output flags and counts the unchecked ones', async () => {
    stack = await startStack({ scenario: DENSE });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('completed');
    expect(output.results.map((r) => [r.pool, r.outcome])).toEqual([['system', 'rebooted'], ['system', 'rebooted']]);
    expect(output.checks).toEqual({ complete: false, unchecked: 5 });
    expect(uncheckedByPool(output.skipped)).toEqual({ user: ['OutOfpods', 'OutOfpods', 'OutOfpods'], batch: ['OutOfcpu', 'OutOfcpu'] });
    expect(output.skipped.find((s) => s.node?.startsWith('aks-batch-'))?.reason).toMatch(
      /^could not check: its check pod ended Failed without running \(OutOfcpu: Pod was rejected: Node didn't have enough resource: cpu, requested: 10, used: 3860, capacity: 3860\)/,
    );
    const rebooted = stack.sim.recorder.summary().nodes.reboots.filter((r) => r.rebootCount > 0).map((r) => r.node);
    expect(rebooted.every((n) => n.startsWith('aks-system-'))).toBe(true);
    expect(rebooted).toHaveLength(2);
  }, 180_000);
});
