// A budget over pods the drain leaves in place (scenarios/daemonset-budget.json): node-agent, a
// DaemonSet on each of three nodes in three zones, has a PDB allowing one pod down. The drain
// evicts nothing, so no eviction ever spends that budget, and with AKS's node timing a node that
// reboots in 20 s never looks NotReady while its pod still shows Ready. With REBOOT_CONCURRENCY=3
// and one node per zone, only the scheduler's count of a node in flight (ADR 0019: every pod of
// it that a budget covers is unavailable until its recovery ends) keeps the reboots apart. The
// simulator's recorder counts the ground truth, not the lagging API. Before the scheduler counted
// pods left in place (core/scheduleTerms), all three nodes rebooted at once (two PDB violations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { scenarioCriticalPathBound } from '../../local/aks/lowerBound';
import type { RecorderSummary } from '../../local/aks/recorder';
import { bundledScenarioPath, loadScenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';

describe('a PDB over DaemonSet pods, nodes rebooting faster than they look NotReady (daemonset-budget.json)', () => {
  let stack: Stack;
  let output: RunOutput;
  let summary: RecorderSummary;
  let seconds: number;
  const scenario = () => loadScenario(bundledScenarioPath('daemonset-budget'));

  beforeAll(async () => {
    stack = await startStack({ scenario: scenario(), settings: { REBOOT_CONCURRENCY: '3' } });
    const started = stack.clock.now();
    output = (await runScheduledRollout(stack, { maxRealMs: 60_000 })).output as RunOutput;
    seconds = (stack.clock.now() - started) / 1000;
    summary = stack.sim.recorder.summary();
  }, 90_000);
  afterAll(async () => stack?.close());

  it('reboots every node once, one node-agent pod down at a time', () => {
    expect(output.outcome, JSON.stringify(output).slice(0, 2000)).toBe('completed');
    const userNodes = stack.sim.cluster.pools.find((p) => p.spec.name === 'user')!.nodeNames;
    expect(summary.nodes.reboots.filter((r) => userNodes.includes(r.node)).map((r) => r.rebootCount)).toEqual([1, 1, 1]);
    expect(summary.invariants.pdbViolations, JSON.stringify(stack.sim.recorder.timeline().filter((e) => e.kind === 'node').slice(0, 40))).toEqual([]);
    expect(summary.workloads.find((w) => w.name === 'node-agent')).toMatchObject({ replicas: 3, minReady: 2, maxUnavailable: 1 });
    expect(summary.nodes.maxRebootingAtOnce).toBe(1);
    expect(summary.invariants.nodesLeftCordoned).toEqual([]);
  });

  it('takes no less than the critical-path bound, which the PDB over the DaemonSet sets: 3 × (20 s reboot + 15 s to Ready)', () => {
    const userNodes = stack.sim.cluster.pools.find((p) => p.spec.name === 'user')!.nodeNames;
    const bound = scenarioCriticalPathBound(scenario(), { concurrency: 3, nodes: userNodes });
    expect(bound).toMatchObject({ seconds: 105, limitedBy: 'PDB kube-system/node-agent-pdb' });
    expect(seconds).toBeGreaterThanOrEqual(bound.seconds);
  });
});
