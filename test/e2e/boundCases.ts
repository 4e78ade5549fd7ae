// The rollouts checked against the critical-path bound (local/aks/lowerBound.ts): each bundled
// scenario whose run completes (not faults.json nor pdb-blocked.json, and not hardened.json nor
// cluster-busy.json, whose runs halt by design) and generated clusters
// of 6, 12 and 30 nodes at concurrency 1 and 3. `npm test` runs QUICK_BOUND_CASES
// (test/e2e/bound.test.ts); the whole sweep is `npm run bench -- bench/bound.bench.ts`.
import type { RunOutput } from '../../core/runTypes';
import { generateScenario } from '../../local/aks/generate';
import { scenarioCriticalPathBound } from '../../local/aks/lowerBound';
import { bundledScenarioPath, loadScenario, type Scenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack } from '../../local/stack';

export type BoundCase = [name: string, concurrency: number, scenario: () => Scenario];

const LIMITS = { maxRealMs: 280_000 };

const bundled = (name: string): Scenario => loadScenario(bundledScenarioPath(name));
/** A generated cluster over 3 zones (seed 1) as the app finds it installed: its namespace, Entra ID. */
export const generatedWithApp = (nodes: number, pools: number, seed = 1): Scenario => {
  const s = generateScenario({ nodes, pools, zones: 3, seed });
  // The app's namespace exists on a cluster it is installed on (as the demo adds it); the app
  // authenticates with Entra ID, which only an Entra-enabled cluster accepts.
  return { ...s, cluster: { ...s.cluster, entraEnabled: true }, namespaces: [...(s.namespaces ?? []), 'aks-reboot-orchestrator'] };
};
const generatedCase = (nodes: number, pools: number, concurrency: number): BoundCase => [`generated ${nodes} nodes in ${pools} pool(s)`, concurrency, () => generatedWithApp(nodes, pools)];

/**
 * Every case. Six nodes in two or three pools leave a user pool whose zones hold one node each:
 * a pod under a zone spread and a budget-1 PDB cannot move off it, and the drain of its second
 * pod never finishes (the run halts, as kubectl drain would hang). One pool of six completes.
 */
export const ALL_BOUND_CASES: BoundCase[] = [
  ['seed', 1, () => bundled('seed')],
  ['seed', 3, () => bundled('seed')],
  ['rerun-after-reboot', 1, () => bundled('rerun-after-reboot')],
  ['non-entra', 1, () => bundled('non-entra')],
  ['azure-rbac', 1, () => bundled('azure-rbac')],
  ['runcommand-failures', 1, () => bundled('runcommand-failures')],
  ['lagging', 1, () => bundled('lagging')],
  ['finalizers', 1, () => bundled('finalizers')],
  ['dense', 1, () => bundled('dense')],
  // As test/e2e/daemonsetBudget.test.ts runs it: three nodes, one per zone, at concurrency 3.
  ['daemonset-budget', 3, () => bundled('daemonset-budget')],
  ...([[6, 1], [12, 3], [30, 3]] as const).flatMap(([nodes, pools]) => [1, 3].map((c) => generatedCase(nodes, pools, c))),
];

/** What `npm test` runs: the seed at concurrency 3 (nearest its bound) and the 6-node cluster. */
export const QUICK_BOUND_CASES: BoundCase[] = [
  ['seed', 3, () => bundled('seed')],
  generatedCase(6, 1, 1),
  generatedCase(6, 1, 3),
];

export interface BoundCheck {
  outcome: RunOutput['outcome'];
  output: RunOutput;
  seconds: number;
  bound: ReturnType<typeof scenarioCriticalPathBound>;
}

/** Rolls the scenario out through the timer and computes the bound over the nodes it rebooted. */
export async function rolloutAgainstBound(scenario: Scenario, concurrency: number, limits = LIMITS): Promise<BoundCheck> {
  const stack = await startStack({ scenario, settings: { REBOOT_CONCURRENCY: String(concurrency) } });
  try {
    const started = stack.clock.now();
    const output = (await runScheduledRollout(stack, limits)).output as RunOutput;
    const seconds = (stack.clock.now() - started) / 1000;
    const rebooted = output.results.filter((r) => r.outcome === 'rebooted').map((r) => r.node);
    return { outcome: output.outcome, output, seconds, bound: scenarioCriticalPathBound(scenario, { concurrency, nodes: rebooted }) };
  } finally {
    await stack.close();
  }
}
