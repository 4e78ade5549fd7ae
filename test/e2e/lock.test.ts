// The cluster lock across deployments (the Kubernetes Lease), the window, exactly-once
// reboots under crashes and kubelet re-runs, and orphan repair after a terminated run.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { runScheduledRollout, startStack, type Stack } from './stack';
import { durableClient, leaseHolder, nodeState, seedWith, writeForeignLease } from './support';

const LIMITS = { maxRealMs: 150_000 };

function rebootCounts(stack: Stack): Record<string, number> {
  return Object.fromEntries(stack.sim.recorder.summary().nodes.reboots.map((r) => [r.node, r.rebootCount]));
}

function nodeWrites(stack: Stack): string[] {
  return Object.keys(stack.sim.recorder.summary().apiRequests.kube.byVerbAndResource).filter((k) => /^(patch|update) nodes|^create pods\/eviction/.test(k));
}

describe('lock, window, exactly once, orphans', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it("refuses while another deployment's Lease is live, touching nothing", async () => {
    stack = await startStack();
    await writeForeignLease(stack, 'reboot-seed-20260105T013000Z-0ther', 60);
    const lock = await runScheduledRollout(stack, LIMITS);
    const output = lock.output as RunOutput;
    expect(output.outcome).toBe('refused');
    expect(output.reason).toMatch(/held by reboot-seed-20260105T013000Z-0ther until 2026-01-05T02:29:00/);
    expect((lock.customStatus as { phase: string }).phase).toBe('refused');
    expect(nodeWrites(stack)).toEqual([]);
    expect(leaseHolder(stack)).toBe('reboot-seed-20260105T013000Z-0ther');
  }, 180_000);

  it('takes over an expired Lease', async () => {
    stack = await startStack();
    await writeForeignLease(stack, 'reboot-seed-20260104T020000Z-dead', 7200);
    const output = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    expect(output.outcome).toBe('completed');
    expect(Object.values(rebootCounts(stack))).toEqual(Array(6).fill(1));
  }, 180_000);

  it('stops cleanly when the window closes; the next window reboots the rest and not the finished nodes', async () => {
    stack = await startStack({ settings: { REBOOT_START_TIME: '02:00', REBOOT_END_TIME: '02:20' } });
    const first = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    expect(first.outcome).toBe('window-closed');
    const done = first.results.map((r) => r.node);
    expect(done.length).toBeGreaterThan(0);
    expect(first.results.every((r) => r.outcome === 'rebooted')).toBe(true);
    expect(first.remaining.length).toBe(6 - done.length);
    expect(stack.sim.recorder.summary().invariants.nodesLeftCordoned).toEqual([]);

    stack.clock.advanceTo(Date.parse('2026-01-06T02:00:30Z'));
    const second = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    const all = [...done, ...second.results.map((r) => r.node)];
    expect(new Set(all).size).toBe(all.length);
    expect(Object.values(rebootCounts(stack))).toEqual(Array(6).fill(1));
  }, 240_000);

  it('reboots every node exactly once when the kubelet re-runs the helper and the host crashes after startReboot ran', async () => {
    const crashed = new Set<string>();
    stack = await startStack({
      scenario: seedWith((s) => { s.rerunFinishedPodsAfterReboot = true; }),
      crashAt: (point) => {
        if (point.kind !== 'activityRan' || point.name !== 'startReboot' || crashed.has(point.instanceId)) return false;
        crashed.add(point.instanceId);
        return true;
      },
    });
    const output = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    expect(output.outcome).toBe('completed');
    expect(crashed.size).toBe(6);
    expect(stack.host.restarts).toBe(6);
    expect(Object.values(rebootCounts(stack))).toEqual(Array(6).fill(1));
  }, 240_000);

  it('repairs the node of a terminated run first, once the Lease has expired', async () => {
    stack = await startStack({ scenario: seedWith((s) => { s.faults = { pdbsNeverAllow: [{ name: 'java-app-pdb', namespace: 'shop' }] }; }), settings: { REBOOT_PRE_DRAIN_GATE: 'false' } });
    await stack.host.fireTimer('rebootSchedule');
    const client = durableClient(stack);
    let runId = '';
    let node = '';
    await stack.host.runUntil(() => {
      runId = (stack!.host.getStatus('reboot-seed')?.customStatus as { runId?: string } | undefined)?.runId ?? '';
      node = (stack!.host.getStatus(`reboot-seed-${runId}`)?.customStatus as { current?: Array<{ node: string }> } | undefined)?.current?.[0]?.node ?? '';
      return !!node && nodeState(stack!, node)!.unschedulable;
    }, LIMITS);
    for (const id of ['reboot-seed', `reboot-seed-${runId}`, `reboot-seed-${runId}-${node}`]) await client.terminate(id, 'operator stopped it from the portal');
    await stack.host.settle();
    expect(nodeState(stack, node)).toMatchObject({ unschedulable: true, inProgress: expect.stringContaining(runId) });

    const refused = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    expect(refused.outcome).toBe('refused');

    stack.clock.advanceTo(stack.clock.now() + 31 * 60_000);
    const repaired = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    expect(repaired.repaired).toEqual([expect.objectContaining({ node, message: expect.stringMatching(/never sent; uncordoned/) })]);
    // The repaired node is a candidate again; its budget still never allows, so this run's
    // drain times out in turn and puts it back: nothing is left cordoned or held.
    expect(repaired.results[0]).toMatchObject({ node, outcome: 'failed', step: 'drain' });
    expect(nodeState(stack, node)).toMatchObject({ unschedulable: false, inProgress: undefined });
    expect(stack.sim.recorder.summary().invariants.nodesLeftCordoned).toEqual([]);
    expect(leaseHolder(stack)).toBe('');
  }, 240_000);
});
