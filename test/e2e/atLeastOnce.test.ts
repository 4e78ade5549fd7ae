// Activities run at least once, sometimes twice at the same time (Azure Storage commits an
// episode's messages before its history; a partition can have two owners for a moment). The
// seed rollout with every activity message delivered twice at once, and the host crashing after
// an episode's messages were sent and before its history was written: each node is rebooted
// exactly once, no PDB is violated, nothing is left cordoned, and every notification repeat
// carries the same idempotency key.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { runScheduledRollout, startStack, type Stack } from './stack';
import { type Receiver, startReceiver } from './support';

const LIMITS = { maxRealMs: 200_000 };
/** The activities whose episodes the host crashes after (once per instance each). */
const CRASH_AFTER_SENDING = new Set(['cordonNode', 'evictPods', 'startReboot', 'uncordonNode', 'releaseNode', 'notify']);

describe('at-least-once activities', () => {
  let stack: Stack | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await stack?.close();
    await receiver?.close();
    stack = undefined;
    receiver = undefined;
  });

  it('seed: every activity delivered twice at once, crashes after messages were sent — each node rebooted once, no PDB violated, nothing cordoned', async () => {
    receiver = await startReceiver();
    const crashed = new Set<string>();
    stack = await startStack({
      settings: { REBOOT_NOTIFY_URL: receiver.url },
      duplicateDelivery: true,
      crashAt: (point) => {
        if (point.kind !== 'messagesSent') return false;
        const name = point.activities.map((a) => a.name).find((n) => CRASH_AFTER_SENDING.has(n));
        const key = `${point.instanceId}/${name}`;
        if (!name || crashed.has(key)) return false;
        crashed.add(key);
        return true;
      },
    });
    const output = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    expect(output.outcome, JSON.stringify(output).slice(0, 1500)).toBe('completed');
    expect(stack.host.restarts).toBe(crashed.size);
    expect(crashed.size).toBeGreaterThanOrEqual(6 * 4);
    expect(stack.host.events.filter((e) => e.type === 'activityCompleted' && e.duplicate).length).toBeGreaterThan(0);

    const summary = stack.sim.recorder.summary();
    expect(summary.nodes.reboots.map((r) => r.rebootCount)).toEqual(Array(6).fill(1));
    expect(summary.invariants.pdbViolations).toEqual([]);
    expect(summary.invariants.nodesLeftCordoned).toEqual([]);

    // Every notification arrives at least once; repeats carry the key of the first delivery.
    const byKey = new Map<string, number>();
    for (const n of receiver.received) byKey.set(String(n.idempotencyKey), (byKey.get(String(n.idempotencyKey)) ?? 0) + 1);
    const runInstance = `reboot-seed-${output.runId}`;
    const expectedKeys = [
      `${runInstance}:run-started`,
      ...output.results.flatMap((r) => ['node-draining', 'node-drained', 'node-rebooted'].map((event) => `${runInstance}-${r.node}:${event}`)),
      `${runInstance}:run-finished`,
    ];
    expect([...byKey.keys()].sort()).toEqual(expectedKeys.sort());
    const duplicates = receiver.received.length - byKey.size;
    console.log(`notifications: ${receiver.received.length} sent for ${byKey.size} events (${duplicates} duplicates a receiver drops by idempotencyKey)`);
    expect(duplicates).toBeGreaterThanOrEqual(byKey.size); // each delivered twice at least
  }, 240_000);
});
