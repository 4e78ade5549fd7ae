// Kubernetes requests per rebooted node as one pool grows (ADR 0027), in virtual time on the AKS
// simulator: generated clusters of one pool (System mode, every workload on it), concurrency 3. Reading
// every stale node of a pool again after each disruption grew the requests as n² over a run
// (155.3 per rebooted node at 100 nodes against 98.6 at 30); reading those within a window of
// each pool's queue keeps them flat. Target: the largest size takes at most 1.25 × the smallest's requests
// per rebooted node, every run completes and every invariant holds; exits non-zero otherwise.
// Run: `npx tsx bench/requestsByPoolSize.bench.ts [sizes]` (default 30,100; e.g. 30,100,200).
import '../local/demo/standIn';
import type { RunOutput } from '../core/runTypes';
import { runScheduledRollout, startStack } from '../local/stack';
import { invariantsHeld } from './invariantsHeld';
import { generatedWithApp } from '../test/e2e/boundCases';

const CONCURRENCY = 3;
const GROWTH_TARGET = 1.25;
const LIMITS = { maxRealMs: 1_800_000 };

interface Measured {
  nodes: number;
  perNode: number;
  safe: boolean;
}

async function measure(nodes: number): Promise<Measured> {
  const stack = await startStack({ scenario: generatedWithApp(nodes, 1), settings: { REBOOT_CONCURRENCY: String(CONCURRENCY) } });
  try {
    const startedAt = stack.clock.now();
    const lock = await runScheduledRollout(stack, LIMITS);
    const output = lock.output as RunOutput | undefined;
    if (!output?.results) throw new Error(`${nodes} nodes: the run did not finish (${lock.runtimeStatus})`);
    const rebooted = output.results.filter((r) => r.outcome === 'rebooted').length;
    const requests = stack.sim.recorder.requests().filter((r) => r.surface === 'kube');
    const count = (verb: string, resource: string) => requests.filter((r) => r.verb === verb && r.resource === resource && !r.subresource).length;
    const safe = invariantsHeld(output.outcome, stack.sim.recorder.summary());
    const perNode = requests.length / Math.max(1, rebooted);
    console.log(`${nodes} nodes in one pool, concurrency ${CONCURRENCY}: ${output.outcome}, ${rebooted} rebooted in ${(stack.clock.now() - startedAt) / 1000} s; `
      + `${requests.length} Kubernetes requests, ${perNode.toFixed(1)} per rebooted node (get nodes ${count('get', 'nodes')}, list pods ${count('list', 'pods')}); invariants ${safe ? 'held' : 'BROKEN'}`);
    return { nodes, perNode, safe };
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  const raw = process.argv[2] ?? '30,100';
  const sizes = raw.split(',').map(Number);
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 4 || n > 1000)) {
    throw new Error(`sizes: ${JSON.stringify(raw)} is not a list such as 30,100 (two or more whole numbers of nodes, 4 to 1000)`);
  }
  const measured: Measured[] = [];
  for (const n of sizes) measured.push(await measure(n));
  const smallest = measured.reduce((a, b) => (b.nodes < a.nodes ? b : a));
  const largest = measured.reduce((a, b) => (b.nodes > a.nodes ? b : a));
  const growth = largest.perNode / smallest.perNode;
  const ok = measured.every((m) => m.safe) && growth <= GROWTH_TARGET;
  console.log(`requests per rebooted node at ${largest.nodes} nodes: ${growth.toFixed(2)} × those at ${smallest.nodes} (target ≤ ${GROWTH_TARGET}×): ${ok ? 'met' : 'MISSED'}`);
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
