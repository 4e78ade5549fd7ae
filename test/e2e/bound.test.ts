// The critical-path bound (local/aks/lowerBound.ts) is a bound: no run beats it. Each bundled
// scenario whose run completes (faults.json and pdb-blocked.json do not) and generated clusters
// of 6, 12 and 30 nodes at concurrency 1 and 3 roll out through the timer; the rollout's virtual
// time is at least the bound over the nodes the run rebooted. A run under it is a bug in the bound.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { generateScenario } from '../../local/aks/generate';
import { scenarioCriticalPathBound } from '../../local/aks/lowerBound';
import { bundledScenarioPath, loadScenario, type Scenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';

const LIMITS = { maxRealMs: 280_000 };

const bundled = (name: string): Scenario => loadScenario(bundledScenarioPath(name));
const generated = (nodes: number, pools: number): Scenario => {
  const s = generateScenario({ nodes, pools, zones: 3, seed: 1 });
  // The app's namespace exists on a cluster it is installed on (as the demo adds it); the app
  // authenticates with Entra ID, which only an Entra-enabled cluster accepts.
  return { ...s, cluster: { ...s.cluster, entraEnabled: true }, namespaces: [...(s.namespaces ?? []), 'aks-reboot-orchestrator'] };
};

const CASES: [string, number, () => Scenario][] = [
  ['seed', 1, () => bundled('seed')],
  ['seed', 3, () => bundled('seed')],
  ['rerun-after-reboot', 1, () => bundled('rerun-after-reboot')],
  // Six nodes in two or three pools leave a user pool whose zones hold one node each: a pod under
  // a zone spread and a budget-1 PDB cannot move off it, and the drain of its second pod never
  // finishes (the run halts, as kubectl drain would hang). One pool of six (two per zone) completes.
  ...([[6, 1], [12, 3], [30, 3]] as const).flatMap(([nodes, pools]) => [1, 3].map((c): [string, number, () => Scenario] => [`generated ${nodes} nodes in ${pools} pool(s)`, c, () => generated(nodes, pools)])),
];

describe('critical-path bound against real rollouts', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it.each(CASES)('%s at concurrency %i: the rollout takes at least the bound', async (_, concurrency, scenario) => {
    const s = scenario();
    stack = await startStack({ scenario: s, settings: { REBOOT_CONCURRENCY: String(concurrency) } });
    const started = stack.clock.now();
    const output = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    const seconds = (stack.clock.now() - started) / 1000;
    expect(output.outcome, JSON.stringify(output).slice(0, 1500)).toBe('completed');
    const rebooted = output.results.filter((r) => r.outcome === 'rebooted').map((r) => r.node);
    expect(rebooted.length).toBeGreaterThan(0);
    const bound = scenarioCriticalPathBound(s, { concurrency, nodes: rebooted });
    console.log(`${s.name} C=${concurrency}: rollout ${seconds}s, bound ${bound.seconds}s set by ${bound.limitedBy} (${((seconds / bound.seconds - 1) * 100).toFixed(1)}% over)`);
    expect(seconds).toBeGreaterThanOrEqual(bound.seconds);
  }, 300_000);
});
