// The seed scenario, started as a maintenance window would start it: every node that needed
// a reboot is rebooted exactly once, java-app never drops below 3 ready replicas, nothing is
// left cordoned, and the rollout never beats the critical-path bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { scenarioCriticalPathBound } from '../../local/aks/lowerBound';
import type { RecorderSummary } from '../../local/aks/recorder';
import { hostModesFromEnv, runScheduledRollout, startStack, type Stack } from './stack';

describe('seed scenario through the timer', () => {
  let stack: Stack;
  let output: RunOutput;
  let summary: RecorderSummary;
  let startedAt: number;
  let finishedAt: number;

  beforeAll(async () => {
    stack = await startStack();
    startedAt = stack.clock.now();
    const lock = await runScheduledRollout(stack);
    finishedAt = stack.clock.now();
    output = lock.output as RunOutput;
    summary = stack.sim.recorder.summary();
  }, 180_000);
  afterAll(async () => stack?.close());

  it('completes, rebooting all six nodes, and lists each with its timings', () => {
    expect(output.outcome, JSON.stringify(output).slice(0, 2000)).toBe('completed');
    expect(output.results).toHaveLength(6);
    for (const result of output.results) {
      expect(result.outcome).toBe('rebooted');
      expect(result.bootIdAfter).not.toBe(result.bootIdBefore);
      expect(result.seconds.reboot).toBeGreaterThan(0);
    }
    const javaNodes = output.results.filter((r) => r.pool === 'user');
    expect(javaNodes.every((r) => r.seconds.recovery >= 200), JSON.stringify(javaNodes.map((r) => r.seconds))).toBe(true);
  });

  it('reboots every node exactly once', () => {
    expect(summary.nodes.reboots.map((r) => r.rebootCount)).toEqual(Array(6).fill(1));
    expect(summary.nodes.reboots.every((r) => !r.rebootRequired)).toBe(true);
  });

  it('never lets java-app lose more than one replica, never violates a PDB, leaves nothing cordoned', () => {
    const javaApp = summary.workloads.find((w) => w.name === 'java-app');
    expect(javaApp?.minReady).toBe(3);
    expect(summary.invariants.maxNodesDisrupted).toBe(1);
    expect(summary.invariants.pdbViolations).toEqual([]);
    expect(summary.invariants.nodesLeftCordoned).toEqual([]);
  });

  it('never beats the critical-path bound (java-app: 4 × 412 s, one pod at a time) and stays within 10% of it', () => {
    const bound = scenarioCriticalPathBound(stack.sim.cluster.scenario);
    const seconds = (finishedAt - startedAt) / 1000;
    console.log(`rollout ${seconds}s, critical-path bound ${bound.seconds}s set by ${bound.limitedBy} (${((seconds / bound.seconds - 1) * 100).toFixed(1)}% over)`);
    expect(bound).toMatchObject({ seconds: 1648, limitedBy: 'PDB shop/java-app-pdb' });
    expect(seconds).toBeGreaterThanOrEqual(bound.seconds);
    // The serial strategy took 2,175 s (1.32×); critical-path scheduling (ADR 0019) took 1,762 s
    // (1.07×), with adaptive waits (ADR 0023) 1,678 s, with ADR 0025 1,673 s (1.02×; target 1.05×,
    // bench/rollout.bench.ts), 1,670 s once the simulator's controller delays stopped depending on
    // the order requests arrive;
    // 1.10 guards against regressions.
    // Under the host's latency mode every step also waits for its queue messages: the figure is
    // printed, the scheduling target is judged without it.
    if (!hostModesFromEnv().latency) expect(seconds).toBeLessThanOrEqual(bound.seconds * 1.10);
  });
});
