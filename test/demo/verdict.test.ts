// The demo's verdict (local/demo/report.ts) trusts the simulator's counts, not the run's word:
// each way a run can look fine and not be — a PDB violated, a workload below its budget, too
// many nodes disrupted, a node left cordoned, a reboot missing, a reboot twice — is a problem
// (exit 1), and nodes of pools the run skipped are reported skipped with the pool's reason.
import { describe, expect, it } from 'vitest';
import type { NodeResult, RunOutput } from '../../core/runTypes';
import type { RecorderSummary } from '../../local/aks/recorder';
import { renderHtml } from '../../local/demo/html';
import { buildReport, overBoundText, type ReportFacts } from '../../local/demo/report';
import { formatSummary } from '../../local/demo/summary';
import type { NodeProgress } from '../../local/demo/tracker';

const T0 = Date.UTC(2026, 0, 5, 2);

function result(node: string, outcome: NodeResult['outcome'] = 'rebooted'): NodeResult {
  return {
    node, pool: 'user', zone: '1', outcome, startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 60_000).toISOString(),
    seconds: { delay: 0, gate: 0, drain: 10, reboot: 30, recovery: 20 }, evicted: 1, leftCordoned: false, warnings: [],
  };
}

interface Case {
  outcome?: RunOutput['outcome'];
  results?: NodeResult[];
  skipped?: RunOutput['skipped'];
  /** The simulator's reboots per node, and whether each still needs one. */
  sim?: Record<string, { rebootCount: number; rebootRequired?: boolean; pool?: string }>;
  invariants?: Partial<RecorderSummary['invariants']>;
  workloads?: RecorderSummary['workloads'];
  desiredHealthy?: Record<string, number>;
  concurrency?: number;
  neededReboot?: string[];
}

const FINE: Required<Pick<Case, 'results' | 'sim'>> = {
  results: [result('a'), result('b')],
  sim: { a: { rebootCount: 1 }, b: { rebootCount: 1 } },
};

function report(c: Case = {}) {
  const results = c.results ?? FINE.results;
  const sim = c.sim ?? FINE.sim;
  const output: RunOutput = {
    runId: 'r1', outcome: c.outcome ?? 'completed', startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 600_000).toISOString(),
    results, skipped: c.skipped ?? [], repaired: [], remaining: [],
  };
  const nodes: NodeProgress[] = Object.entries(sim).map(([name, s]) => ({ name, pool: s.pool ?? 'user', zone: '1', phase: 'queued', spans: [] }));
  const recorder = {
    nodes: { reboots: Object.entries(sim).map(([node, s]) => ({ node, pool: s.pool ?? 'user', rebootCount: s.rebootCount, bootIds: [], rebootRequired: s.rebootRequired ?? false })) },
    workloads: c.workloads ?? [],
    invariants: { maxNodesDisrupted: 1, nodesLeftCordoned: [], pdbViolations: [], ...c.invariants },
    apiRequests: { kube: { total: 0, errors: 0, byVerbAndResource: {} }, arm: { total: 0, errors: 0, byResource: {} } },
  } as unknown as RecorderSummary;
  const facts: ReportFacts = {
    scenario: 'verdict', cluster: { name: 'aks', nodes: nodes.length, pools: 1, zones: 1 }, settings: {}, concurrency: c.concurrency ?? 1,
    window: { describe: 'always', openBefore: true, edges: [] }, startMs: T0, endMs: T0 + 600_000,
    bound: { seconds: 500, limitedBy: 'nodes' },
    run: { lockInstanceId: 'reboot-aks', runInstanceId: 'reboot-aks-r1', phase: 'completed', output },
    nodes, recorder, timeline: [], timelineOffsetSeconds: 0, desiredHealthy: c.desiredHealthy ?? {}, nodesDisruptedAtStart: 0,
    neededReboot: c.neededReboot ?? Object.keys(sim), historyEvents: () => 0, lockInstanceId: 'reboot-aks', instanceIds: [],
  };
  return buildReport(facts);
}

describe('the demo verdict', () => {
  it('passes a completed run whose every node the simulator rebooted once, and reports the bound', () => {
    const r = report();
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ criticalPathBoundSeconds: 500, boundLimitedBy: 'nodes', overCriticalPathBound: 0.2 });
  });

  it('compares a completed run with its bound in the summary and the HTML; a run that ended otherwise is not compared', () => {
    const completed = report();
    expect(formatSummary(completed, false)).toContain('at concurrency 1: +20.0%');
    expect(renderHtml(completed)).toContain('at concurrency 1 (+20.0%).');
    // The bound counts the nodes a halted run never reached: a figure under it would mean nothing.
    const halted = { ...completed, outcome: 'halted' as const };
    expect(overBoundText(halted)).toBe('not compared: the run ended halted before its last node');
    expect(formatSummary(halted, false)).toContain('at concurrency 1: not compared: the run ended halted before its last node');
    expect(renderHtml(halted)).toContain('(not compared: the run ended halted before its last node).');
  });

  it.each<[string, Case, string]>([
    ['a PDB violation', { invariants: { pdbViolations: [{ namespace: 'shop', pdb: 'java-pdb', action: 'delete', pods: ['shop/java-1'], atSeconds: 12 } as never] } }, 'PDB shop/java-pdb violated by delete of shop/java-1'],
    ['a workload below its budget', {
      workloads: [{ namespace: 'shop', name: 'java', kind: 'Deployment', replicas: 4, minReady: 2, minReadyAtSeconds: 30, maxUnavailable: 2, secondsBelowDesired: 40 } as never],
      desiredHealthy: { 'shop/java': 3 },
    }, 'workload shop/java fell to 2 ready replicas, below its PDB\'s desiredHealthy 3'],
    ['too many nodes disrupted', { invariants: { maxNodesDisrupted: 2 } }, '2 nodes were disrupted at once, more than REBOOT_CONCURRENCY 1'],
    ['a node left cordoned', { invariants: { nodesLeftCordoned: ['b'] } }, 'nodes left cordoned: b'],
    ['a node reported rebooted that the simulator never rebooted', { sim: { a: { rebootCount: 1 }, b: { rebootCount: 0 } } }, 'node b is reported rebooted, but the simulator saw no reboot'],
    ['a node that still needs its reboot while the run says completed', {
      results: [result('a')], sim: { a: { rebootCount: 1 }, b: { rebootCount: 0, rebootRequired: true } },
    }, 'node b needed a reboot and still needs one, yet the run says completed'],
    ['a node rebooted twice', { sim: { a: { rebootCount: 2 }, b: { rebootCount: 1 } } }, 'node a was rebooted 2 times by the simulator\'s count (exactly once expected)'],
    ['a node rebooted that the run does not report rebooted', {
      results: [result('a')], skipped: [{ node: 'b', reason: 'excluded' }], sim: { a: { rebootCount: 1 }, b: { rebootCount: 1 } },
    }, 'node b was rebooted by the simulator\'s count, but the run reports it skipped'],
  ])('fails on %s', (_, c, problem) => {
    const r = report(c);
    expect(r.problems.some((p) => p.startsWith(problem)), JSON.stringify(r.problems)).toBe(true);
  });

  it('reports the nodes of a skipped pool as skipped with the pool\'s reason, and does not count their reboot as missing', () => {
    const r = report({
      results: [result('a')],
      skipped: [{ pool: 'win', reason: 'Windows pools are not supported' }],
      sim: { a: { rebootCount: 1 }, w1: { rebootCount: 0, rebootRequired: true, pool: 'win' } },
    });
    expect(r.nodes.find((n) => n.name === 'w1')).toMatchObject({ outcome: 'skipped', reason: 'pool win: Windows pools are not supported', rebootCount: 0 });
    expect(r.problems).toEqual([]);
  });
});
