// What happens when things go wrong: every path ends with the cluster in a known, safe state.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { runScheduledRollout, startStack, type Stack } from './stack';
import { leaseHolder, nodeState, seedWith, startReceiver, type Receiver } from './support';

describe('failures', () => {
  let stack: Stack | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await stack?.close();
    await receiver?.close();
    stack = undefined;
    receiver = undefined;
  });

  const pdbNeverAllows = () => seedWith((s) => {
    s.faults = { ...s.faults, pdbsNeverAllow: [{ name: 'java-app-pdb', namespace: 'shop' }] };
  });
  const blockedDrainSettings = (receiverUrl: string, extra: Record<string, string> = {}) => ({
    REBOOT_PRE_DRAIN_GATE: 'false',
    REBOOT_DRAIN_TIMEOUT: '5m',
    REBOOT_NOTIFY_URL: receiverUrl,
    ...extra,
  });

  it('a drain blocked by a PDB that never allows: timeout, node uncordoned and released, Lease released, run halted, notified', async () => {
    receiver = await startReceiver();
    stack = await startStack({ scenario: pdbNeverAllows(), settings: blockedDrainSettings(receiver.url) });
    const lock = await runScheduledRollout(stack);
    const output = lock.output as RunOutput;
    expect(output.outcome).toBe('halted');
    expect(output.results).toHaveLength(1);
    const failed = output.results[0]!;
    expect(failed).toMatchObject({ outcome: 'failed', step: 'drain', leftCordoned: false });
    expect(failed.reason).toMatch(/drain did not finish within 300s/);
    const state = nodeState(stack, failed.node)!;
    expect(state.unschedulable).toBe(false);
    expect(state.inProgress).toBeUndefined();
    expect(leaseHolder(stack)).toBe('');
    expect(stack.sim.recorder.summary().nodes.reboots.every((r) => r.rebootCount === 0)).toBe(true);
    const events = receiver.received.map((r) => r.event);
    expect(events).toContain('node-failed');
    expect(events).toContain('run-halted');
    expect(receiver.received.find((r) => r.event === 'node-failed')).toMatchObject({ node: failed.node, step: 'drain' });
  }, 180_000);

  it('with REBOOT_ON_FAILURE=skip, the blocked nodes fail and the others are rebooted', async () => {
    receiver = await startReceiver();
    stack = await startStack({ scenario: pdbNeverAllows(), settings: blockedDrainSettings(receiver.url, { REBOOT_ON_FAILURE: 'skip' }) });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('completed');
    const byPool = (pool: string) => output.results.filter((r) => r.pool === pool).map((r) => r.outcome);
    expect(byPool('user')).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(byPool('system')).toEqual(['rebooted', 'rebooted']);
    expect(stack.sim.recorder.summary().invariants.nodesLeftCordoned).toEqual([]);
  }, 180_000);

  it('run-command failing every time: the node is put back (nothing was done to it) and the run halts', async () => {
    stack = await startStack({ scenario: seedWith((s) => { s.faults = { runCommandFailures: [{ rate: 1, reason: 'CommandPodFailed: quota exceeded' }] }; }) });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('halted');
    const failed = output.results[0]!;
    expect(failed).toMatchObject({ outcome: 'failed', step: 'reboot', leftCordoned: false });
    expect(failed.reason).toMatch(/run-command failed 5 times: .*quota exceeded/);
    expect(nodeState(stack, failed.node)).toMatchObject({ unschedulable: false, inProgress: undefined });
    expect(stack.sim.recorder.summary().nodes.reboots.every((r) => r.rebootCount === 0)).toBe(true);
  }, 180_000);

  it('a reboot that did not happen (boot id unchanged, node Ready) is sent once more, and the node is rebooted once', async () => {
    stack = await startStack({
      scenario: seedWith((s) => { s.faults = { rebootsIgnored: [{ node: { pool: 'user', index: 0 }, times: 1 }] }; }),
      settings: { REBOOT_TIMEOUT: '5m' },
    });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('completed');
    const first = output.results[0]!;
    expect(first.outcome).toBe('rebooted');
    expect(first.warnings.join(' ')).toMatch(/boot id unchanged after 300s; reboot sent again/);
    expect(stack.sim.recorder.summary().nodes.reboots.map((r) => r.rebootCount)).toEqual(Array(6).fill(1));
  }, 180_000);

  it('a node that never comes back: the run halts after REBOOT_TIMEOUT, the node stays cordoned and annotated, no other node is touched', async () => {
    receiver = await startReceiver();
    const runLogs: string[] = [];
    stack = await startStack({
      scenario: seedWith((s) => { s.faults = { ...s.faults, nodesNeverReturn: [{ pool: 'user', index: 0 }] }; }),
      settings: { REBOOT_TIMEOUT: '10m', REBOOT_NOTIFY_URL: receiver.url },
      onLog: (log) => log.functionName === 'clusterReboot' && runLogs.push(log.message),
    });
    const lock = await runScheduledRollout(stack);
    const output = lock.output as RunOutput;
    expect(output.outcome).toBe('halted');
    expect(output.results).toHaveLength(1);
    const failed = output.results[0]!;
    expect(failed).toMatchObject({ outcome: 'failed', leftCordoned: true });
    expect(output.reason).toMatch(/did not come back/);
    expect(failed.reason).toBe('the node went NotReady after the reboot was sent and did not come back within 600s');
    expect(failed.warnings.join(' ')).not.toMatch(/sent again/);
    const state = nodeState(stack, failed.node)!;
    expect(state.unschedulable).toBe(true);
    expect(state.inProgress).toContain(`reboot-seed-${output.runId}-${failed.node}`);
    const touched = stack.sim.recorder.summary().nodes.reboots.filter((r) => r.rebootCount > 0).map((r) => r.node);
    expect(touched).toEqual([failed.node]);
    expect(stack.sim.recorder.summary().invariants.nodesLeftCordoned).toEqual([failed.node]);
    // The audit events the alerts query (core/auditEvents.ts), each logged once despite replays.
    const audit = runLogs.map((m) => /^(\w+) \{/.exec(m)?.[1]).filter((name) => name && ['RunEnded', 'RunHalted', 'RunBlocked', 'RebootFailed', 'NodeLeftCordoned'].includes(name));
    expect(audit.sort()).toEqual(['NodeLeftCordoned', 'RebootFailed', 'RunEnded', 'RunHalted']);
    expect(runLogs.find((m) => m.startsWith('NodeLeftCordoned '))).toContain(`node: '${failed.node}'`);
    const runStatus = stack.host.getStatus(`reboot-seed-${output.runId}`)!;
    expect(JSON.stringify(runStatus.customStatus)).toMatch(/did not come back|not Ready|did not reboot/);
    expect(receiver.received.map((r) => r.event)).toContain('node-failed');
  }, 180_000);
});
