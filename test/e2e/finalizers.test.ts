// Pods held by finalizers (finalizers.json: java-app's pods stay Terminating for 10 minutes after
// a deletion): the drain names the pod stuck terminating when it gives up and the node is put
// back; with REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT it stops waiting for such pods and goes on.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { bundledScenarioPath, loadScenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';

describe('pods stuck terminating (finalizers.json)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });
  const scenario = () => loadScenario(bundledScenarioPath('finalizers'));

  it('a drain that times out names the pod stuck terminating, and the node is put back', async () => {
    stack = await startStack({ scenario: scenario(), settings: { REBOOT_DRAIN_TIMEOUT: '5m' } });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    const failed = output.results.find((r) => r.outcome === 'failed');
    expect(failed, JSON.stringify(output).slice(0, 1500)).toBeDefined();
    expect(failed!.reason).toMatch(/drain did not finish within 300s \(still terminating: shop\/java-app-[a-z0-9-]+ \(REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT stops waiting for them\)\)/);
    expect(failed!.leftCordoned).toBe(false);
    expect(stack.sim.recorder.summary().invariants.nodesLeftCordoned).toEqual([]);
  }, 120_000);

  it('with REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT the drain stops waiting for them and the node is rebooted', async () => {
    stack = await startStack({ scenario: scenario(), settings: { REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT: '1m' } });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome, JSON.stringify(output).slice(0, 1500)).toBe('completed');
    const summary = stack.sim.recorder.summary();
    expect(output.results.map((r) => r.outcome)).toEqual(['rebooted']);
    expect(summary.nodes.reboots.filter((r) => r.rebootCount === 1)).toHaveLength(1);
    expect(summary.invariants.pdbViolations).toEqual([]);
  }, 180_000);
});
