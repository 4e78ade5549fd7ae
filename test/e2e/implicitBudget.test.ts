// ADR 0018 end to end: the 9-node cluster of issue 14 whose web pool has one node cordoned by an
// operator, so that a 3-replica Deployment without a PDB runs all its replicas on the other web
// node. Draining that node with REBOOT_IMPLICIT_BUDGET=rollout (the default) takes one replica at a
// time: the replacement can only return to the node itself, so the drain holds the other two
// until its timeout and the node is put back, web never below replicas − budget = 2. With `off`
// (ADR 0014) the drain takes all three at once and web falls to 0.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import type { RecorderSummary } from '../../local/aks/recorder';
import { loadScenario, type Scenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';

const LIMITS = { maxRealMs: 120_000 };

const cordonedWebPool = (): Scenario => loadScenario({
  name: 'cordoned-web-node',
  seed: 14,
  startTime: '2026-01-05T02:00:00Z',
  namespaces: ['aks-reboot-orchestrator'],
  cluster: { subscriptionId: '00000000-0000-4000-8000-000000000014', resourceGroup: 'rg-web', name: 'aks-web', location: 'westeurope', entraEnabled: true, runCommandStartSeconds: 20 },
  pools: [
    { name: 'system', mode: 'System', count: 3, zones: ['1', '2', '3'], rebootSeconds: 90 },
    { name: 'web', mode: 'User', count: 2, zones: ['1', '2'], rebootSeconds: 90 },
    { name: 'app', mode: 'User', count: 4, zones: ['1', '2', '3'], rebootSeconds: 90 },
  ],
  cordoned: [{ pool: 'web', index: 0 }],
  rebootRequired: { nodes: [{ pool: 'web', index: 1 }] },
  workloads: [{ name: 'web', kind: 'Deployment', namespace: 'shop', replicas: 3, pool: 'web', startupSeconds: 20, graceSeconds: 10 }],
});

async function drainWeb(stack: Stack): Promise<{ output: RunOutput; summary: RecorderSummary; node: string }> {
  const node = stack.sim.cluster.pools.find((p) => p.spec.name === 'web')!.nodeNames[1]!;
  expect(stack.sim.cluster.podsOnNode(node).filter((p) => p.metadata.labels?.app === 'web')).toHaveLength(3);
  const output = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
  return { output, summary: stack.sim.recorder.summary(), node };
}

describe('implicit budget: a Deployment without a PDB, all its replicas on the node drained', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('rollout (default): one replica at a time, web never below 2 of 3; the drain times out and the node is put back', async () => {
    stack = await startStack({ scenario: cordonedWebPool(), settings: { REBOOT_DRAIN_TIMEOUT: '2m' } });
    const { output, summary, node } = await drainWeb(stack);
    expect(summary.workloads.find((w) => w.name === 'web')!.minReady).toBe(2);
    const result = output.results.find((r) => r.node === node)!;
    expect(result).toMatchObject({ outcome: 'failed', step: 'drain' });
    expect(result.reason).toContain('Deployment shop/web has no PDB: its rolling update allows 1 unavailable at once');
    expect(summary.nodes.reboots.find((r) => r.node === node)!.rebootCount).toBe(0);
    expect(summary.invariants.nodesLeftCordoned).not.toContain(node);
  }, 150_000);

  it('off (ADR 0014): the drain takes all three at once and web falls to 0', async () => {
    stack = await startStack({ scenario: cordonedWebPool(), settings: { REBOOT_DRAIN_TIMEOUT: '2m', REBOOT_IMPLICIT_BUDGET: 'off' } });
    const { output, summary, node } = await drainWeb(stack);
    expect(summary.workloads.find((w) => w.name === 'web')!.minReady).toBe(0);
    expect(output.results.find((r) => r.node === node)!.outcome).toBe('rebooted');
  }, 150_000);
});
