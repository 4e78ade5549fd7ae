// Run-command failing the ways AKS fails (local/aks/scenarios/runcommand-failures.json), and
// reboot helpers on a real node: every final answer is read as final, Kubernetes is asked
// whether the helper exists instead of waiting on AKS, a command that did not run is re-sent or
// the node put back, a helper that cannot start is reported with its image and the node put
// back before any reboot, and a lost exit status never reboots twice.
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { bundledScenarioPath, loadScenario, type Scenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';
import { nodeNames, nodeState } from './support';

const scenario = (change: (s: Scenario) => void = () => {}): Scenario => {
  const s = structuredClone(loadScenario(bundledScenarioPath('runcommand-failures')));
  change(s);
  return loadScenario(s);
};

const HELPER_IMAGE = 'mcr.microsoft.com/azurelinux/busybox:1.36';
const REBOOT_LABEL = 'aks-reboot-orchestrator/reboot-required';

describe('run-command and helper pods failing as on AKS', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('armError and notFound are re-sent, a hung result is not waited on, a Failed result whose helper exists goes on: each node rebooted once', async () => {
    stack = await startStack({ scenario: scenario() });
    const started = stack.clock.now();
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome, JSON.stringify(output).slice(0, 1500)).toBe('completed');
    expect(output.results.map((r) => r.outcome)).toEqual(['rebooted', 'rebooted']);
    const first = output.results[0]!.warnings.join(' | ');
    expect(first).toMatch(/run-command failed \(KubernetesPerformanceError: .*did not start within 30s.*\); sending again/);
    expect(first).toMatch(/run-command failed \(the run-command result is gone \(404\).*\); sending again/);
    expect(stack.sim.recorder.summary().nodes.reboots.filter((r) => r.rebootCount > 0).map((r) => r.rebootCount)).toEqual([1, 1]);
    expect(stack.sim.recorder.summary().invariants.nodesLeftCordoned).toEqual([]);
    // The third command's result stays InProgress for an hour: the run did not wait for it.
    expect((stack.clock.now() - started) / 1000).toBeLessThan(1800);
  }, 60_000);

  it.each([
    ['armError', /run-command failed 5 times: KubernetesPerformanceError/],
    ['notFound', /run-command failed 5 times: the run-command result is gone \(404\)/],
  ] as const)('every command ends as %s: the node is put back (uncordoned, released, reason recorded) within 2 minutes of the final answer, and the run halts', async (shape, reason) => {
    stack = await startStack({ scenario: scenario((s) => { s.faults = { runCommandFailures: [{ shape, rate: 1 }] }; }) });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('halted');
    const failed = output.results[0]!;
    expect(failed).toMatchObject({ outcome: 'failed', step: 'reboot', leftCordoned: false });
    expect(failed.reason).toMatch(reason);
    expect(nodeState(stack, failed.node)).toMatchObject({ unschedulable: false, inProgress: undefined });
    expect(stack.sim.recorder.summary().nodes.reboots.every((r) => r.rebootCount === 0)).toBe(true);
    // Each answer is final at AKS's 30 s start limit and read within a poll (10 s); after the
    // fifth, the node is put back at once, well within 2 minutes.
    expect(failed.seconds.reboot).toBeLessThanOrEqual(5 * (30 + 10) + 120);
    const events = stack.sim.cluster.store.list('events', 'default') as { reason?: string; message?: string; involvedObject?: { name?: string } }[];
    expect(events.find((e) => e.reason === 'RebootCancelled' && e.involvedObject?.name === failed.node)?.message).toMatch(reason);
    // Issue 13 §1, on the simulator's records: the last final answer AKS gave (the request log)
    // to the node's uncordon (the model's own state) is at most 2 minutes of virtual time.
    const uncordoned = stack.sim.recorder.timeline().filter((e) => e.kind === 'node' && e.node === failed.node && e.phase === 'uncordoned');
    expect(uncordoned).toHaveLength(1);
    const finalAnswers = stack.sim.recorder.requests().filter((r) => r.resource === 'managedClusters.getCommandResult' && r.status !== 202 && r.t <= uncordoned[0]!.t);
    expect(finalAnswers.map((r) => r.status)).toContain(shape === 'armError' ? 500 : 404);
    const putBackSeconds = uncordoned[0]!.t - finalAnswers.at(-1)!.t;
    console.info(`run-command ${shape} every time: node uncordoned ${putBackSeconds}s after the final answer`);
    expect(putBackSeconds).toBeLessThanOrEqual(120);
  }, 60_000);

  it('a reboot helper stuck in ImagePullBackOff is reported with its image; it is deleted and the node put back before any reboot', async () => {
    stack = await startStack({
      scenario: scenario((s) => { s.faults = { imagePullFailures: [{ image: HELPER_IMAGE, node: { pool: 'user', index: 0 } }] }; }),
      settings: { REBOOT_DETECTOR: 'node-label' },
    });
    await labelForReboot(stack, nodeNames(stack, 'user'));
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    const stuck = output.results.find((r) => r.node === nodeNames(stack!, 'user')[0])!;
    expect(stuck).toMatchObject({ outcome: 'failed', leftCordoned: false });
    expect(stuck.reason).toContain(`cannot get its image ${HELPER_IMAGE}: ImagePullBackOff`);
    expect(stuck.reason).toMatch(/deleted before it started and the node put back/);
    expect(nodeState(stack, stuck.node)).toMatchObject({ unschedulable: false, inProgress: undefined });
    expect(stack.sim.cluster.nodeRuntime(stuck.node)!.rebootCount).toBe(0);
    expect(stack.sim.cluster.pods('aks-reboot-orchestrator').filter((p) => p.spec.nodeName === stuck.node)).toEqual([]);
  }, 60_000);

  it('helpers that never report their exit (Running, Failed 137, or run again after the boot): no second reboot, nothing left cordoned', async () => {
    stack = await startStack({ scenario: scenario((s) => { s.faults = { helperStatusLost: { rate: 1 } }; }) });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('completed');
    expect(output.results.map((r) => r.outcome)).toEqual(['rebooted', 'rebooted']);
    const summary = stack.sim.recorder.summary();
    expect(summary.nodes.reboots.filter((r) => r.rebootCount > 0).map((r) => r.rebootCount)).toEqual([1, 1]);
    expect(summary.invariants.nodesLeftCordoned).toEqual([]);
  }, 60_000);
});

/** Marks nodes for the node-label detector through the Kubernetes API, as an operator would. */
async function labelForReboot(stack: Stack, nodes: string[]): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(stack.sim.kubeconfigYaml());
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (const name of nodes) {
    await core.patchNode({ name, body: { metadata: { labels: { [REBOOT_LABEL]: 'true' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  }
}
