// Rollout against the critical-path bound (issue 14, ADR 0019), in virtual time on the AKS
// simulator, so the figures do not depend on the machine: the seed at concurrency 1 (target
// ≤ 1.05 × bound), a generated 30-node, 3-pool, 3-zone cluster at concurrency 1 and a
// generated 9-node cluster at concurrency 3 (≤ 1.10 × bound), and the Kubernetes requests per
// rebooted node on the seed (≤ 211). Every invariant (no PDB violation, nothing left cordoned,
// each node rebooted once) must hold. Prints the figures; exits non-zero when a target is
// missed. Run: `npx tsx bench/rollout.bench.ts [seed|30|9]` (default: all).
// The functions-core stand-in goes first (local/host/README.md, "Loading"): without it the
// app registers nothing and the rollout never runs.
import '../local/demo/standIn';
import type { RunOutput } from '../core/runTypes';
import { scenarioCriticalPathBound } from '../local/aks/lowerBound';
import type { Scenario } from '../local/aks/scenario';
import { runScheduledRollout, startStack } from '../local/stack';
import { generatedWithApp } from '../test/e2e/boundCases';

const REQUESTS_PER_NODE_TARGET = 211;
/** Real time a rollout may take: the 30-node case needs more than the stack's default 120 s on a shared 2-core machine. */
const LIMITS = { maxRealMs: 900_000 };

interface Case {
  name: string;
  scenario?: Scenario;
  concurrency: number;
  target: number;
}

const CASES: Record<string, Case> = {
  seed: { name: 'seed (6 nodes, concurrency 1)', concurrency: 1, target: 1.05 },
  '30': { name: 'generated 30 nodes, 3 pools, 3 zones, concurrency 1', scenario: generatedWithApp(30, 3), concurrency: 1, target: 1.1 },
  '9': { name: 'generated 9 nodes, 3 zones, concurrency 3', scenario: generatedWithApp(9, 2), concurrency: 3, target: 1.1 },
};

async function measure(c: Case): Promise<boolean> {
  const stack = await startStack({ ...(c.scenario ? { scenario: c.scenario } : {}), settings: { REBOOT_CONCURRENCY: String(c.concurrency) } });
  try {
    const startedAt = stack.clock.now();
    const lock = await runScheduledRollout(stack, LIMITS);
    const output = lock.output as RunOutput | undefined;
    if (!output?.results) throw new Error(`${c.name}: the run did not finish (${lock.runtimeStatus}): ${JSON.stringify(lock.output ?? lock.customStatus).slice(0, 500)}`);
    const seconds = (stack.clock.now() - startedAt) / 1000;
    const rebooted = output.results.filter((r) => r.outcome === 'rebooted').map((r) => r.node);
    const bound = scenarioCriticalPathBound(stack.sim.cluster.scenario, { concurrency: c.concurrency, nodes: rebooted });
    const summary = stack.sim.recorder.summary();
    const kubeRequests = stack.sim.recorder.requests().filter((r) => r.surface === 'kube').length;
    const ratio = seconds / bound.seconds;
    const safe = summary.invariants.pdbViolations.length === 0 && summary.invariants.nodesLeftCordoned.length === 0
      && summary.nodes.reboots.every((r) => r.rebootCount <= 1) && output.outcome === 'completed';
    const perNode = kubeRequests / Math.max(1, rebooted.length);
    console.log(`${c.name}: ${output.outcome}, rollout ${seconds} s, critical-path bound ${bound.seconds} s (${bound.limitedBy}), ${ratio.toFixed(3)}× (target ≤ ${c.target}×); `
      + `${kubeRequests} Kubernetes requests, ${perNode.toFixed(1)} per rebooted node; max nodes disrupted ${summary.invariants.maxNodesDisrupted}; invariants ${safe ? 'held' : 'BROKEN'}`);
    const requestsOk = c.scenario !== undefined || perNode <= REQUESTS_PER_NODE_TARGET;
    return safe && ratio <= c.target && requestsOk;
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  // In the order written (an object lists integer-like keys such as '30' first).
  const which = process.argv[2] ? [process.argv[2]] : ['seed', '30', '9'];
  let ok = true;
  for (const key of which) {
    const c = CASES[key];
    if (!c) throw new Error(`case: ${key} is not one of ${Object.keys(CASES).join(', ')}`);
    ok = (await measure(c)) && ok;
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
