// nodeReboot against stub activities (the real orchestrator on the local host, in virtual
// time): the runbook in order, and the branches that end early — what is undone before the
// reboot is issued, newest first and each on its own, and what is left for an operator after.
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeResult } from '../../core/runTypes';
import { RUN_COMMAND_START_SECONDS } from '../../core/scheduleTerms';
import type { LocalHost } from '../../local/host';
import { orchestrators } from '../../orchestrations/names';
import { calls, useStubs, type ActivityStubs } from './stubApp';
import { BOOT_AFTER, BOOT_BEFORE, callNames, distinctCallNames, healthyNode, nodeId, nodeInput, runSettings, stubHost, T0 } from './stubs';

let host: LocalHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function runNode(stubs: ActivityStubs, settings = runSettings()): Promise<NodeResult> {
  useStubs(stubs);
  host = await stubHost();
  const id = host.startNew(orchestrators.nodeReboot, { instanceId: nodeId('node-1'), input: nodeInput('node-1', settings) });
  const status = await host.waitFor(id);
  expect(status.runtimeStatus).toBe('Completed');
  return status.output as NodeResult;
}

const refusedDrain: ActivityStubs['evictPods'] = () => ({
  drained: false, evicted: [], evictedWorkloads: [], blocked: [], terminating: [], errors: [], warnings: [],
  refused: [{ pod: 'shop/lonely', reason: 'unmanaged', message: 'shop/lonely has no controller: set REBOOT_DRAIN_FORCE=true to delete it' }],
});

describe('nodeReboot with stub activities', () => {
  it('follows its runbook: lock, gate, cordon, drain, reboot, wait, uncordon, release, recovery gate', async () => {
    const result = await runNode(healthyNode(), runSettings({ notify: true }));
    expect(result).toMatchObject({ outcome: 'rebooted', bootIdBefore: BOOT_BEFORE, bootIdAfter: BOOT_AFTER, evicted: 1, leftCordoned: false, warnings: [] });
    expect(distinctCallNames()).toEqual([
      'lockNode', 'recordNodeEvent:RebootScheduled', 'checkGate:pre-drain', 'cordonNode', 'notify:node-draining', 'evictPods', 'notify:node-drained',
      'startReboot', 'getCommandResult', 'getNodeStatus', 'uncordonNode', 'releaseNode', 'recordNodeEvent:RebootCompleted', 'notify:node-rebooted', 'checkGate:recovery',
    ]);
    // The recovery gate is asked about the workloads the drain evicted; the release records the reboot.
    expect(calls.find((c) => c.input.gate === 'recovery')!.input.evicted).toEqual([{ kind: 'Deployment', namespace: 'shop', name: 'web' }]);
    expect(calls.find((c) => c.name === 'releaseNode')!.input.lastReboot).toMatchObject({ bootIdBefore: BOOT_BEFORE, bootIdAfter: BOOT_AFTER });
    // The command's result is first looked at when AKS is expected to have started it (ADR 0023),
    // then the node's status one poll interval (10 s) later: its pool has no measured reboot yet.
    expect(result.seconds.reboot).toBe(RUN_COMMAND_START_SECONDS + 10);
    expect(result.finishedAt).toBe(new Date(T0 + (RUN_COMMAND_START_SECONDS + 10) * 1000).toISOString());
  });

  it('a reboot not sent is undone: uncordon, release, RebootCancelled, newest first; the node is not left cordoned', async () => {
    const result = await runNode({ ...healthyNode(), startReboot: () => ({ sent: false, reason: 'run-command is disabled on this cluster' }) }, runSettings({ notify: true }));
    expect(result).toMatchObject({ outcome: 'failed', step: 'reboot', reason: 'reboot not sent: run-command is disabled on this cluster', leftCordoned: false });
    expect(distinctCallNames().slice(-5)).toEqual(['startReboot', 'uncordonNode', 'releaseNode', 'recordNodeEvent:RebootCancelled', 'notify:node-failed']);
    // An undo puts the node back as it was: no post-reboot labels, no last-reboot record.
    expect(calls.find((c) => c.name === 'releaseNode')!.input).toMatchObject({ postLabels: {}, taintKey: '' });
    expect(calls.find((c) => c.name === 'releaseNode')!.input.lastReboot).toBeUndefined();
  });

  it('an uncordon that keeps failing does not skip the release nor the RebootCancelled event', async () => {
    const result = await runNode({ ...healthyNode(), evictPods: refusedDrain, uncordonNode: () => { throw new Error('apiserver unavailable'); } });
    expect(result).toMatchObject({ outcome: 'failed', step: 'drain', leftCordoned: false });
    expect(result.reason).toMatch(/^drain refused: shop\/lonely has no controller/);
    expect(result.warnings).toEqual([expect.stringMatching(/^could not uncordon the node: .*apiserver unavailable/)]);
    expect(callNames().filter((n) => n === 'uncordonNode')).toHaveLength(8); // every attempt of the retry policy
    expect(distinctCallNames().slice(-3)).toEqual(['uncordonNode', 'releaseNode', 'recordNodeEvent:RebootCancelled']);
  });

  it('a node locked but never cordoned (the pre-drain gate stayed closed) is released and not uncordoned', async () => {
    const result = await runNode(
      { ...healthyNode(), checkGate: () => ({ ok: false, reasons: ['shop/web: 0 disruptions allowed'] }) },
      runSettings({ preDrainTimeoutSeconds: 60 }),
    );
    expect(result).toMatchObject({ outcome: 'failed', step: 'gate', reason: 'pre-drain gate still closed after 60s: shop/web: 0 disruptions allowed', leftCordoned: false });
    expect(result.seconds.gate).toBe(60);
    expect(callNames()).not.toContain('cordonNode');
    expect(callNames()).not.toContain('uncordonNode');
    expect(distinctCallNames().slice(-3)).toEqual(['checkGate:pre-drain', 'releaseNode', 'recordNodeEvent:RebootCancelled']);
  });

  it('a cancel during the drain delay stops the node and undoes the lock', async () => {
    useStubs(healthyNode());
    host = await stubHost();
    const id = host.startNew(orchestrators.nodeReboot, { instanceId: nodeId('node-1'), input: nodeInput('node-1', runSettings({ drainDelaySeconds: 600 })) });
    await host.settle();
    host.raiseEvent(id, 'control', { action: 'cancel', id: 'cancel-1', by: 'alice' });
    const result = (await host.waitFor(id)).output as NodeResult;
    expect(result).toMatchObject({ outcome: 'cancelled', step: 'delay', reason: 'cancelled by alice', leftCordoned: false });
    expect(distinctCallNames()).toEqual(['lockNode', 'recordNodeEvent:RebootScheduled', 'releaseNode', 'recordNodeEvent:RebootCancelled']);
  });

  it('a node held by another instance is skipped and nothing is undone', async () => {
    const result = await runNode({ ...healthyNode(), lockNode: () => ({ locked: false, heldBy: 'reboot-test-other-node-1' }) });
    expect(result).toMatchObject({ outcome: 'skipped', step: 'lock', reason: 'the node is held by reboot-test-other-node-1', leftCordoned: false });
    expect(callNames()).toEqual(['lockNode']);
  });

  it('a node that never comes back after the reboot is left cordoned and annotated, with a RebootFailed event', async () => {
    const result = await runNode(
      { ...healthyNode(), getNodeStatus: () => ({ exists: true, ready: false, bootId: BOOT_BEFORE, unschedulable: true }) },
      runSettings({ rebootTimeoutSeconds: 60 }),
    );
    expect(result).toMatchObject({ outcome: 'failed', step: 'waiting-ready', leftCordoned: true });
    expect(result.reason).toBe('the node went NotReady after the reboot was sent and did not come back within 60s');
    expect(callNames()).not.toContain('uncordonNode');
    expect(callNames()).not.toContain('releaseNode');
    expect(callNames().at(-1)).toBe('recordNodeEvent:RebootFailed');
  });
});
