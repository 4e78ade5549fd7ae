// Admission on a hardened cluster (local/aks/scenarios/hardened.json): the preflight's dry-run
// creates of the helper pods are refused, and the run stops before any node is touched, naming
// the policy and how to exempt the namespace; a namespace hardened mid-run stops it before the
// next wave's node is cordoned.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { bundledScenarioPath, loadScenario, type Scenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';
import { leaseHolder } from './support';

function hardenedWith(change: (s: Scenario) => void = () => {}): Scenario {
  const s = loadScenario(bundledScenarioPath('hardened'));
  change(s);
  return s;
}

describe('admission (hardened.json)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('a Gatekeeper policy refusing the reboot helper halts the run before any node is cordoned, naming the policy and the fix', async () => {
    stack = await startStack({ scenario: hardenedWith() });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('halted');
    expect(output.results).toEqual([]);
    expect(output.admissionDenials?.map((d) => [d.role, d.source, d.policies])).toEqual([
      ['check', 'policy', ['aks-baseline-psp-host']],
      ['reboot', 'policy', ['aks-baseline-psp-host']],
    ]);
    expect(output.reason).toMatch(/reboot helper for aks-\w+-\S+ refused by aks-baseline-psp-host: admission webhook "validation.gatekeeper.sh" denied the request: \[aks-baseline-psp-host\]/);
    expect(output.reason).toMatch(/exempt namespace aks-reboot-orchestrator from policy aks-baseline-psp-host .*infra\/README\.md#policy-exemptions/);
    const summary = stack.sim.recorder.summary();
    expect(stack.sim.recorder.timeline().filter((e) => (e as { phase?: string }).phase === 'cordoned')).toEqual([]);
    expect(summary.nodes.reboots.every((r) => r.rebootCount === 0)).toBe(true);
    expect(stack.sim.cluster.pods('aks-reboot-orchestrator')).toEqual([]);
    expect(leaseHolder(stack)).toBe('');
  }, 120_000);

  it('the plan lists a Pod Security refusal (helper namespace labelled baseline) as a blocker with the label to set', async () => {
    stack = await startStack({
      autoAdvance: true,
      scenario: hardenedWith((s) => {
        s.namespaces = [{ name: 'aks-reboot-orchestrator', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } }];
        s.cluster.admission = { podSecurity: true };
      }),
    });
    const plan = await stack.api('GET', 'clusters/seed/plan');
    expect(plan.status).toBe(200);
    expect(plan.body.plan.order).toEqual([]);
    expect(plan.body.plan.admissionDenials.map((d: { source: string; policies: string[] }) => [d.source, d.policies])).toEqual([
      ['pod-security', ['PodSecurity baseline']],
      ['pod-security', ['PodSecurity baseline']],
    ]);
    expect(plan.body.plan.blockers[0]).toMatch(/violates PodSecurity "baseline:latest": host namespaces \(hostPID\), hostPath volumes \(volume "host"\), privileged .* label namespace aks-reboot-orchestrator pod-security.kubernetes.io\/enforce=privileged/);
    expect(stack.sim.cluster.pods('aks-reboot-orchestrator')).toEqual([]);
  }, 120_000);

  it('a namespace hardened during the run stops it before the next node: that node is never cordoned', async () => {
    // The seed-like hardened cluster with the helper namespace exempt: the run starts and reboots.
    stack = await startStack({ scenario: hardenedWith((s) => { s.cluster.admission!.policies![0]!.exemptNamespaces!.push('aks-reboot-orchestrator'); }) });
    await stack.host.fireTimer('rebootSchedule');
    const first = () => stack!.sim.recorder.summary().nodes.reboots.filter((r) => r.rebootCount > 0).length > 0;
    expect(await stack.host.runUntil(first, { maxRealMs: 60_000 })).toBe(true);
    // Someone labels the helper namespace baseline: the next wave's helper would be refused.
    stack.sim.cluster.act(() => {
      const ns = stack!.sim.cluster.store.get('namespaces', undefined, 'aks-reboot-orchestrator')!;
      ns.metadata.labels = { ...ns.metadata.labels, 'pod-security.kubernetes.io/enforce': 'baseline' };
      stack!.sim.cluster.store.touch('namespaces', ns);
    });
    const output = (await stack.host.waitFor(stack.lockInstanceId, { maxRealMs: 120_000 })).output as RunOutput;
    expect(output.outcome).toBe('halted');
    expect(output.results.map((r) => r.outcome)).toEqual(['rebooted']);
    expect(output.admissionDenials?.map((d) => [d.role, d.source])).toEqual([['reboot', 'pod-security']]);
    expect(output.reason).toMatch(/^admission preflight: reboot helper for \S+ refused by PodSecurity baseline/);
    const cordoned = stack.sim.recorder.timeline().filter((e) => (e as { phase?: string }).phase === 'cordoned').map((e) => (e as { node?: string }).node);
    expect(cordoned).toEqual([output.results[0]!.node]);
    expect(output.remaining).toHaveLength(5);
  }, 180_000);
});
