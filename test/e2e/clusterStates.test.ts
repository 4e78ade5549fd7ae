// The managed cluster's own state (faults.clusterStates): a run does not start on a stopped
// cluster, and stops before its next node when AKS starts an operation on it (cluster-busy.json),
// leaving nothing cordoned.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { bundledScenarioPath, loadScenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';
import { seedWith } from './support';

describe('cluster states', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('a stopped cluster is not started on: the run halts with the reason and touches no node', async () => {
    stack = await startStack({ scenario: seedWith((s) => { s.faults = { clusterStates: [{ powerState: 'Stopped', from: 0 }] }; }) });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('halted');
    expect(output.reason).toContain('the cluster is Stopped');
    const summary = stack.sim.recorder.summary();
    expect(summary.nodes.reboots.every((r) => r.rebootCount === 0)).toBe(true);
    expect(summary.nodes.maxCordonedAtOnce).toBe(0);
  }, 120_000);

  it('an upgrade starting mid-run stops the run before its next node; nothing is left cordoned', async () => {
    stack = await startStack({ scenario: loadScenario(bundledScenarioPath('cluster-busy')) });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome, JSON.stringify(output).slice(0, 1500)).toBe('halted');
    expect(output.reason).toContain('the cluster is Upgrading (an operation is in progress): stopped before the next node');
    const rebooted = output.results.filter((r) => r.outcome === 'rebooted').length;
    expect(rebooted).toBeGreaterThan(0);
    expect(rebooted).toBeLessThan(6);
    const summary = stack.sim.recorder.summary();
    expect(summary.nodes.reboots.filter((r) => r.rebootCount > 0)).toHaveLength(rebooted);
    expect(summary.invariants.nodesLeftCordoned).toEqual([]);
    expect(summary.invariants.pdbViolations).toEqual([]);
  }, 120_000);
});
