// ADR 0029 end to end: a node in its recovery gate overlaps the next node (ADR 0019), and that
// next node's drain can hold a workload they share below whole for as long as its timeout. Here
// `spread` (6 replicas, one zone spread with DoNotSchedule, PDB minAvailable 5) has two pods on
// the only user node of zone 2: its first evicted pod can only come back to that node, so the PDB
// holds the second until the drain's timeout (kubectl drain would hang the same way). The node
// before it saw `spread` whole after its reboot (its own DaemonSet pod not Ready yet) and is done
// once that pod is; the run halts naming the drain that could not finish. Before ADR 0029 the
// first node's recovery waited for `spread` until the drain gave up and put the node back.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { loadScenario, type Scenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';

const LIMITS = { maxRealMs: 120_000 };

// Four user nodes over zones 1, 2, 3, 1: zone 1 has two, zones 2 and 3 one each.
const zoneSpread = (): Scenario => loadScenario({
  name: 'recovery-overlap',
  seed: 29,
  startTime: '2026-01-05T02:00:00Z',
  namespaces: ['aks-reboot-orchestrator'],
  cluster: { subscriptionId: '00000000-0000-4000-8000-000000000029', resourceGroup: 'rg-spread', name: 'aks-spread', location: 'westeurope', entraEnabled: true, runCommandStartSeconds: 20 },
  pools: [{ name: 'user', mode: 'User', count: 4, zones: ['1', '2', '3'], rebootSeconds: 90 }],
  rebootRequired: { nodes: [{ pool: 'user', index: 0 }, { pool: 'user', index: 1 }] },
  workloads: [
    // Its pod on a rebooted node is Ready 60 s after the boot: the first node's recovery gate is
    // still closed when the second node starts.
    { name: 'agent', kind: 'DaemonSet', namespace: 'monitoring', startupSeconds: 60 },
    { name: 'spread', kind: 'Deployment', namespace: 'shop', replicas: 6, pool: 'user', zoneSpread: true, startupSeconds: 10, graceSeconds: 10, pdb: { minAvailable: 5 } },
  ],
});

describe('a node in recovery is not held by the next node\'s drain of a workload they share', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('the first node is done once its evicted pods are back; the second node\'s drain cannot finish and the run halts naming it', async () => {
    stack = await startStack({ scenario: zoneSpread(), settings: { REBOOT_DRAIN_TIMEOUT: '10m' } });
    const [first, second] = stack.sim.cluster.pools.find((p) => p.spec.name === 'user')!.nodeNames as [string, string];
    const spreadOn = (node: string) => stack!.sim.cluster.podsOnNode(node).filter((p) => p.metadata.labels?.app === 'spread').length;
    expect([spreadOn(first), spreadOn(second)]).toEqual([1, 2]);

    const output = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    const resultOf = (node: string) => output.results.find((r) => r.node === node)!;
    expect(resultOf(first)).toMatchObject({ outcome: 'rebooted' });
    expect(resultOf(second)).toMatchObject({ outcome: 'failed', step: 'drain', leftCordoned: false });
    expect(resultOf(second).reason).toMatch(/^drain did not finish within 600s \(shop\/spread-.*The disruption budget spread-pdb needs 5 healthy pods/);
    // It says why the budget never refills: the evicted pod's replacement has nowhere else to go.
    expect(resultOf(second).reason).toMatch(/; 1 pod\(s\) Pending, unschedulable: shop\/spread-\S+ \(0\/4 nodes are available: .*pod topology spread constraints.*1 node\(s\) were unschedulable/);
    // The first node's recovery ended while the second node was still draining (for 600 s from
    // its start), not after that drain gave up and put the node back.
    expect(Date.parse(resultOf(first).finishedAt)).toBeLessThan(Date.parse(resultOf(second).startedAt) + 600_000);
    expect(output.outcome).toBe('halted');
    expect(output.reason).toContain(`${second} failed at step drain`);

    const summary = stack.sim.recorder.summary();
    expect(summary.nodes.reboots.find((r) => r.node === first)!.rebootCount).toBe(1);
    expect(summary.nodes.reboots.find((r) => r.node === second)!.rebootCount).toBe(0);
    expect(summary.invariants.nodesLeftCordoned).toEqual([]);
    expect(summary.invariants.pdbViolations).toHaveLength(0);
  }, 150_000);
});
