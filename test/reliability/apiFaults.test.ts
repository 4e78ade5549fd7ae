// Transient failures of the Kubernetes API and ARM (throttling, 5xx, a short outage) are
// absorbed by the activities' retry policies: the rollout still completes with every node
// rebooted exactly once and the workloads whole.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { runScheduledRollout, startStack, type Stack } from '../e2e/stack';
import { seedWith } from '../e2e/support';

/**
 * Two minutes without the kube API, 10 s into a user node's drain (virtual seconds from the
 * start; that node is cordoned at 1,065 s as the run schedules today). If scheduling moves the
 * drains, the assertion that the outage falls mid-drain fails: move the window with them.
 */
const OUTAGE = { from: 1075, to: 1195 };

describe('transient API failures', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('a flaky cluster (10% of pod and node calls fail, ARM throttles, a 2-minute kube outage) is still rebooted safely', async () => {
    stack = await startStack({
      scenario: seedWith((s) => {
        s.faults = {
          api: [
            { resource: 'pods', status: 500, rate: 0.1 },
            { resource: 'nodes', status: 503, rate: 0.1 },
            { resource: 'poddisruptionbudgets', status: 429, rate: 0.1, retryAfterSeconds: 1 },
            { surface: 'arm', resource: 'managedClusters.getCommandResult', status: 429, rate: 0.2, retryAfterSeconds: 1 },
          ],
          apiOutages: [{ ...OUTAGE, surface: 'kube' }],
        };
      }),
    });
    const output = (await runScheduledRollout(stack, { maxRealMs: 180_000 })).output as RunOutput;
    expect(output.outcome, JSON.stringify(output).slice(0, 1500)).toBe('completed');
    const summary = stack.sim.recorder.summary();
    expect(summary.apiRequests.kube.errors).toBeGreaterThan(20);
    expect(summary.nodes.reboots.map((r) => r.rebootCount)).toEqual(Array(6).fill(1));
    expect(summary.workloads.find((w) => w.name === 'java-app')?.minReady).toBe(3);
    expect(summary.invariants).toMatchObject({ maxNodesDisrupted: 1, nodesLeftCordoned: [], pdbViolations: [] });
    // The outage falls mid-drain: a node had its first eviction before the outage and was
    // rebooted only after it, and its drain's polls of the pods were answered 503 meanwhile.
    const phases = stack.sim.recorder.timeline().flatMap((e) => (e.kind === 'node' ? [e] : []));
    const drainedAcross = [...new Set(phases.map((e) => e.node))].filter((node) => {
      const drainStart = phases.find((e) => e.node === node && e.phase === 'draining')?.t;
      const reboot = phases.find((e) => e.node === node && e.phase === 'rebooting' && drainStart !== undefined && e.t > drainStart)?.t;
      return drainStart !== undefined && reboot !== undefined && drainStart < OUTAGE.from && reboot > OUTAGE.to;
    });
    expect(drainedAcross).toHaveLength(1);
    const refusedPolls = stack.sim.recorder.requests().filter((r) => r.surface === 'kube' && r.resource === 'pods' && r.status === 503 && r.t >= OUTAGE.from && r.t < OUTAGE.to);
    expect(refusedPolls.length).toBeGreaterThan(0);
  }, 240_000);
});
