// Full nodes (local/aks/scenarios/dense.json): the kubelet rejects the check pods bound to nodes
// at their pod limit (OutOfpods) or with their CPU fully requested (OutOfcpu). Those nodes are
// never taken as "no reboot needed": the plan and the run list them as "could not check: …" and
// flag the run's checks as incomplete, with the count. A replica the scheduler cannot place
// holds the recovery gate, which names it with the scheduler's message.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { bundledScenarioPath, loadScenario } from '../../local/aks/scenario';
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

  it('an evicted pod left Pending for lack of room holds the recovery gate, which names it with the scheduler\'s message; the node fails with that reason at the timeout', async () => {
    // Three CPU-full replicas on two batch nodes: one is always Pending, and the one the drain evicts cannot come back.
    const scenario = loadScenario(DENSE);
    const cruncher = scenario.workloads!.find((w) => w.name === 'cruncher')!;
    cruncher.replicas = 3;
    delete cruncher.antiAffinity;
    // With the implicit budget (ADR 0018) the drain itself would hold cruncher's pod, one replica
    // being unavailable already; off, the drain evicts it and the recovery gate meets the Pending pod.
    stack = await startStack({ scenario, settings: { REBOOT_PRE_DRAIN_GATE: 'false', REBOOT_RECOVERY_TIMEOUT: '5m', REBOOT_IMPLICIT_BUDGET: 'off' } });
    const node = stack.sim.cluster.nodeNames('batch')[0]!;
    expect((await stack.api('POST', 'clusters/seed/reboots', { nodes: [node] })).status).toBe(202);
    const output = (await stack.host.waitFor(stack.lockInstanceId, { maxRealMs: 120_000 })).output as RunOutput;
    const result = output.results[0]!;
    expect(result).toMatchObject({ node, outcome: 'failed', step: 'recovery', leftCordoned: false });
    expect(result.reason).toMatch(
      /^recovery gate still closed after 300s: Deployment batch\/cruncher: 2\/3 available, 2\/3 ready; waiting for its evicted replicas to be available again; 1 pod\(s\) Pending, unschedulable: batch\/cruncher-\S+ \(0\/7 nodes are available: 2 Insufficient cpu, 5 node\(s\) didn't match Pod's node affinity\/selector\.\)$/,
    );
  }, 180_000);
});
