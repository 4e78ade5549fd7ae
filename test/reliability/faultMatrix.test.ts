// The fault matrix's own runs: the faults no other test injects (docs/reliability.md lists every
// case, with the test that shows the others). Each case is one short rollout in virtual time on
// the seed or on a 9-node pool in 3 zones at concurrency 3, and asserts the run's outcome, each
// node's outcome, that the simulator rebooted no node twice, that no PDB was violated, and which
// nodes are left cordoned and why.
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { CORDONED_BY_SOMEONE_ELSE, type NodeOutcome, type RunOutput } from '../../core/runTypes';
import { loadScenario, type Scenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack, type StackOptions } from '../e2e/stack';
import { leaseHolder, seedWith } from '../e2e/support';

/** 9 user nodes in zones 1–3, a zone-spread web tier with a PDB of 3: waves of one node per zone. */
function nineNodes(faults: Scenario['faults'] = {}): Scenario {
  return loadScenario({
    name: 'nine-in-three-zones',
    seed: 11,
    startTime: '2026-01-05T02:00:00Z',
    namespaces: ['aks-reboot-orchestrator'],
    cluster: { subscriptionId: '00000000-0000-4000-8000-000000000009', resourceGroup: 'rg-matrix', name: 'aks-matrix', location: 'westeurope', runCommandStartSeconds: 20 },
    pools: [{ name: 'user', mode: 'User', count: 9, zones: ['1', '2', '3'], rebootSeconds: 90 }],
    rebootRequired: 'all',
    workloads: [{ name: 'web', kind: 'Deployment', namespace: 'shop', replicas: 9, pool: 'user', zoneSpread: true, antiAffinity: 'hostname', startupSeconds: 60, graceSeconds: 20, pdb: { maxUnavailable: 3 } }],
    faults,
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const seed = (faults: Scenario['faults']) => seedWith((s) => { s.faults = faults; });

/** Cordons a node through the Kubernetes API as an operator's `kubectl cordon` does. */
async function cordonAsOperator(stack: Stack, node: string): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(stack.sim.kubeconfigYaml({ subject: 'operator' }));
  await kc.makeApiClient(k8s.CoreV1Api).patchNode({ name: node, body: { spec: { unschedulable: true } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
}

interface MatrixCase {
  fault: string;
  scenario: 'seed' | 'nine';
  options: () => StackOptions;
  /** What else the case shows, on the simulator's counts. */
  alsoCheck?: (summary: ReturnType<Stack['sim']['recorder']['summary']>) => void;
  /** Runs before the rollout starts. */
  beforeRun?: (stack: Stack) => Promise<void>;
  /** Runs when the first node's orchestration starts (a change made mid-run). */
  midRun?: (stack: Stack) => Promise<void>;
  expected: {
    outcome: RunOutput['outcome'];
    /** Each node's outcome, counted. */
    nodes: Partial<Record<NodeOutcome, number>>;
    /** A failed or skipped node's reason. */
    reason?: RegExp;
    /** Nodes the simulator saw rebooted (each exactly once). */
    rebooted: number;
    /** Nodes left cordoned at the end that were not cordoned at the start. */
    leftCordoned: number;
  };
}

const CASES: MatrixCase[] = [
  {
    fault: 'API 5xx/429 at 20 % (pods, nodes, evictions, PDBs, ARM results)',
    scenario: 'nine',
    options: () => ({
      scenario: nineNodes({
        api: [
          { resource: 'pods', status: 500, rate: 0.2 },
          { resource: 'nodes', status: 503, rate: 0.2 },
          { resource: 'pods', subresource: 'eviction', status: 429, rate: 0.2, retryAfterSeconds: 1 },
          { resource: 'poddisruptionbudgets', status: 429, rate: 0.2, retryAfterSeconds: 1 },
          { surface: 'arm', resource: 'managedClusters.getCommandResult', status: 500, rate: 0.2 },
        ],
      }),
      settings: { REBOOT_CONCURRENCY: '3' },
    }),
    // Each call of the activities that read per node (schedule terms, admission, reboot checks) or
    // make several calls (lock, cordon, start reboot, uncordon, release) is retried on its own
    // (activities/retryRead.ts); a node whose reads still fail is held back and asked about again
    // instead of failing the activity, so every node gets its turn.
    alsoCheck: (summary) => expect(summary.apiRequests.kube.errors).toBeGreaterThan(150), // the faults did fire
    expected: { outcome: 'completed', nodes: { rebooted: 9 }, rebooted: 9, leftCordoned: 0 },
  },
  {
    fault: 'run-command Failed twice, then Succeeded',
    scenario: 'nine',
    options: () => ({ scenario: nineNodes({ runCommandFailures: [{ count: 2, reason: 'CommandPodFailed' }] }), settings: { REBOOT_CONCURRENCY: '3' } }),
    expected: { outcome: 'completed', nodes: { rebooted: 9 }, rebooted: 9, leftCordoned: 0 },
  },
  {
    fault: 'pool starts upgrading mid-run',
    scenario: 'nine',
    options: () => ({ scenario: nineNodes({ poolsUpgrading: [{ pool: 'user', from: 300 }] }), settings: { REBOOT_CONCURRENCY: '3' } }),
    expected: { outcome: 'halted', nodes: { rebooted: 6 }, reason: /the pool user is Upgrading \(an operation is in progress\): stopped before the next node; 3 node\(s\) wait/, rebooted: 6, leftCordoned: 0 },
  },
  {
    fault: 'pod never Ready again after its restart',
    scenario: 'seed',
    options: () => ({ scenario: seed({ podsNeverReady: [{ workload: 'java-app', namespace: 'shop', from: 60 }] }), settings: { REBOOT_RECOVERY_TIMEOUT: '10m' } }),
    // The reason names the pod that never came back: its workload's namespace and name.
    expected: { outcome: 'halted', nodes: { failed: 1 }, reason: /recovery gate.*\bpod shop\/java-app-[a-z0-9-]+ on aks-\S+ is not Ready/, rebooted: 1, leftCordoned: 0 },
  },
  {
    fault: 'node deleted mid-run',
    scenario: 'seed',
    options: () => ({ scenario: seed({ nodeDeletions: [{ node: { pool: 'system', index: 1 }, at: 300 }] }), settings: { REBOOT_PRE_DRAIN_TIMEOUT: '10m' } }),
    // The deleted node held one of coredns's two replicas, which cannot be placed again (hostname
    // anti-affinity, one system node left): the gate keeps the last replica on the other system
    // node (its turn comes after the user-pool canary, ADR 0019), the run halts there.
    expected: { outcome: 'halted', nodes: { rebooted: 2, failed: 1 }, reason: /pre-drain gate still closed after 600s: PDB kube-system\/coredns-pdb allows no disruption/, rebooted: 2, leftCordoned: 0 },
  },
  {
    fault: 'node cordoned by an operator mid-run',
    scenario: 'seed',
    options: () => ({ settings: { REBOOT_RECOVERY_TIMEOUT: '10m' } }),
    midRun: async (stack) => cordonAsOperator(stack, stack.sim.cluster.nodeNames('system').at(-1)!),
    // The node was chosen at discovery; at its lock the run sees the cordon and leaves it alone,
    // as it leaves a node cordoned before the run: the lock given back, nothing drained. Left
    // cordoned: that node, by its operator's choice.
    expected: { outcome: 'completed', nodes: { rebooted: 5, skipped: 1 }, reason: new RegExp(`^${escapeRegExp(CORDONED_BY_SOMEONE_ELSE)}$`), rebooted: 5, leftCordoned: 1 },
  },
  {
    fault: 'node cordoned by an operator before the run',
    scenario: 'seed',
    options: () => ({}),
    beforeRun: async (stack) => cordonAsOperator(stack, stack.sim.cluster.nodeNames('user')[1]!),
    // Left alone and listed as skipped; the others are rebooted.
    expected: { outcome: 'completed', nodes: { rebooted: 5 }, rebooted: 5, leftCordoned: 1 },
  },
  {
    fault: 'token expiry mid-run (the app\'s tokens live 5 minutes)',
    scenario: 'seed',
    options: () => ({ simulator: { tokenLifetimeMs: 5 * 60_000 } }),
    alsoCheck: (summary) => {
      expect(summary.virtualSeconds).toBeGreaterThan(3 * 5 * 60); // tokens expired at least three times
      expect(summary.apiRequests.kube.byStatus['401'] ?? 0).toBe(0); // and were renewed before use
    },
    expected: { outcome: 'completed', nodes: { rebooted: 6 }, rebooted: 6, leftCordoned: 0 },
  },
];

describe('fault matrix', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it.each(CASES.map((c) => [`${c.scenario}: ${c.fault}`, c] as const))('%s', async (_name, c) => {
    stack = await startStack(c.options());
    const s = stack;
    await c.beforeRun?.(s);
    const pending: Promise<void>[] = [];
    if (c.midRun) {
      let fired = false;
      s.host.on((event) => {
        if (fired || event.type !== 'instanceStarted' || !/-aks-/.test(event.instanceId)) return;
        fired = true;
        pending.push(c.midRun!(s));
      });
    }
    const output = (await runScheduledRollout(s, { maxRealMs: 120_000 })).output as RunOutput;
    await Promise.all(pending);
    const summary = s.sim.recorder.summary();
    const counted: Partial<Record<NodeOutcome, number>> = {};
    for (const r of output.results) counted[r.outcome] = (counted[r.outcome] ?? 0) + 1;
    const actual = {
      outcome: output.outcome,
      nodes: counted,
      rebooted: summary.nodes.reboots.filter((r) => r.rebootCount > 0).length,
      leftCordoned: summary.invariants.nodesLeftCordoned.length,
    };
    const detail = JSON.stringify({ reason: output.reason, results: output.results.map((r) => [r.node, r.outcome, r.step, r.reason]) }).slice(0, 2000);
    expect(actual, detail).toEqual({ outcome: c.expected.outcome, nodes: c.expected.nodes, rebooted: c.expected.rebooted, leftCordoned: c.expected.leftCordoned });
    expect(Math.max(...summary.nodes.reboots.map((r) => r.rebootCount))).toBeLessThanOrEqual(1);
    expect(summary.invariants.pdbViolations).toEqual([]);
    expect(leaseHolder(s)).toBe('');
    // A node left cordoned is one the run gave back to its operator, never one it forgot.
    for (const node of summary.invariants.nodesLeftCordoned) expect(output.results.find((r) => r.node === node)?.outcome).not.toBe('rebooted');
    c.alsoCheck?.(summary);
    if (c.beforeRun) expect(output.skipped.map((k) => k.reason)).toContain(CORDONED_BY_SOMEONE_ELSE);
    // The counts docs/reliability.md quotes: API errors the simulator answered, nodes rebooted.
    console.info(`fault matrix: ${c.fault}: ${output.outcome}; kube errors ${summary.apiRequests.kube.errors}/${summary.apiRequests.kube.total}, ARM errors ${summary.apiRequests.arm.errors}/${summary.apiRequests.arm.total}; rebooted ${actual.rebooted}, left cordoned ${actual.leftCordoned}`);
    if (c.expected.reason) expect(output.results.find((r) => r.outcome !== 'rebooted')?.reason ?? output.reason).toMatch(c.expected.reason);
  }, 150_000);
});
