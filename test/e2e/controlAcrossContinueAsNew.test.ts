// A control event raised while the run continues as new (every 25 nodes): Azure routes a raised
// event to the instance, so it reaches the new execution, and the API re-sends it until the run
// acknowledges it; the pause takes effect and the run resumes where it stopped.
import { afterEach, describe, expect, it } from 'vitest';
import { NODES_PER_EXECUTION } from '../../orchestrations/clusterReboot';
import type { RunOutput } from '../../core/runTypes';
import { startStack, type Stack } from './stack';
import { userPoolCluster } from './support';

const NODES = NODES_PER_EXECUTION + 2;
const LIMITS = { maxRealMs: 240_000 };

const scenario = () => userPoolCluster(NODES, []);

describe('a control event during the run’s continue-as-new episode', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('pause sent as the run continues as new is acknowledged by the new execution, holds the remaining nodes, and resume finishes them', async () => {
    stack = await startStack({ scenario: scenario(), settings: { REBOOT_CONCURRENCY: '3' } });
    const started = await stack.api('POST', 'clusters/seed/reboots', {});
    expect(started.status).toBe(202);
    const runInstance = `reboot-seed-${started.body.runId as string}`;
    const rebooted = () => stack!.sim.recorder.summary().nodes.reboots.filter((r) => r.rebootCount > 0).length;
    let pause: Promise<Awaited<ReturnType<Stack['api']>>> | undefined;
    let continuedAt: number | undefined;
    let rebootedAtContinue = 0;
    stack.host.on((event) => {
      if (event.type !== 'continuedAsNew' || event.instanceId !== runInstance || pause) return;
      // The continue-as-new episode has just committed; the new execution has not run yet.
      continuedAt = event.at;
      rebootedAtContinue = rebooted();
      pause = stack!.api('POST', 'clusters/seed/reboots/current/pause');
    });
    await stack.host.runUntil(() => pause !== undefined, LIMITS);
    const paused = await pause!;
    expect(rebootedAtContinue).toBe(NODES_PER_EXECUTION);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ acknowledged: true, acknowledgedBy: runInstance, control: { state: 'paused' } });
    const phase = () => (stack!.host.getStatus(runInstance)?.customStatus as { phase?: string } | undefined)?.phase;
    await stack.host.runUntil(() => phase() === 'paused', LIMITS);
    // An hour later: still paused, no node beyond those of the first execution.
    const pausedAt = stack.clock.now();
    await stack.host.runUntil(() => stack!.clock.now() > pausedAt + 3_600_000, LIMITS);
    expect(phase()).toBe('paused');
    expect(rebooted()).toBe(NODES_PER_EXECUTION);
    expect(continuedAt).toBeLessThan(pausedAt);

    const resumed = await stack.api('POST', 'clusters/seed/reboots/current/resume');
    expect(resumed.body).toMatchObject({ acknowledged: true, control: { state: 'running' } });
    const output = (await stack.host.waitFor('reboot-seed', LIMITS)).output as RunOutput;
    expect(output.outcome).toBe('completed');
    expect(rebooted()).toBe(NODES);
    expect(stack.sim.recorder.summary().nodes.reboots.every((r) => r.rebootCount === 1)).toBe(true);
  }, 300_000);
});
