// Rollout against the critical-path bound (issue 14, ADR 0019), in virtual time on the AKS
// simulator, so the figures do not depend on the machine: the seed at concurrency 1 (target
// ≤ 1.05 × bound), a generated 30-node, 3-pool, 3-zone cluster at concurrency 1 and a
// generated 9-node cluster at concurrency 3 (≤ 1.10 × bound), and the Kubernetes requests per
// rebooted node on the seed (≤ 211). Every invariant (no PDB violation, nothing left cordoned,
// each node rebooted once) must hold. Prints the figures; exits non-zero when a target is
// missed. Run: `npx tsx bench/rollout.bench.ts [seed|30|9]` (default: all).
// `npx tsx bench/rollout.bench.ts 9-seeds [first-last]` runs the 9-node case on the generator's
// seeds first..last (default 1-12), for how typical seed 1 is; `9-draws [first-last]` keeps seed
// 1's cluster and gives the simulator's own draws (names, uids, controller delays) those seeds,
// for how much the figure moves with timing alone. Neither has a target: they exit non-zero only
// when an invariant breaks or a run does not complete (docs/benchmarks.md). `--set NAME=VALUE`
// (repeatable) adds an app setting to every run, e.g. `--set REBOOT_PREFER_NO_SCHEDULE_TAINT=example.com/reboot`.
// The functions-core stand-in goes first (local/host/README.md, "Loading"): without it the
// app registers nothing and the rollout never runs.
import '../local/demo/standIn';
import type { RunOutput } from '../core/runTypes';
import { settingDescriptions } from '../core/settings';
import { scenarioCriticalPathBound } from '../local/aks/lowerBound';
import type { Scenario } from '../local/aks/scenario';
import { settingAssignment } from '../local/demo/options';
import { runScheduledRollout, startStack } from '../local/stack';
import { invariantsHeld } from './invariantsHeld';
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

interface Measured {
  /** Safe, completed, and within the target (the requests' too, on the seed). */
  ok: boolean;
  /** Completed with every invariant held, whatever the ratio. */
  safe: boolean;
  ratio: number;
}

/** The command line: the case (or sweep) and its range, and the `--set NAME=VALUE` settings added to every run. */
function parseArgs(argv: readonly string[]): { positional: string[]; settings: Record<string, string> } {
  const known = new Set(settingDescriptions().map((d) => d.name));
  const positional: string[] = [];
  const settings: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--set') {
      positional.push(argv[i]!);
      continue;
    }
    const pair = argv[++i] ?? '';
    const setting = settingAssignment(pair);
    if (!setting || !known.has(setting.name)) throw new Error(`--set: ${JSON.stringify(pair)} is not NAME=VALUE with NAME an app setting (such as REBOOT_PREFER_NO_SCHEDULE_TAINT)`);
    // The bound is computed for the case's concurrency, so the case keeps it.
    if (setting.name === 'REBOOT_CONCURRENCY') throw new Error('--set REBOOT_CONCURRENCY: each case sets its own concurrency (seed and 30: 1; 9: 3)');
    settings[setting.name] = setting.value;
  }
  return { positional, settings };
}

const ARGS = parseArgs(process.argv.slice(2));

async function measure(c: Case): Promise<Measured> {
  const stack = await startStack({ ...(c.scenario ? { scenario: c.scenario } : {}), settings: { ...ARGS.settings, REBOOT_CONCURRENCY: String(c.concurrency) } });
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
    const safe = invariantsHeld(output.outcome, summary);
    const perNode = kubeRequests / Math.max(1, rebooted.length);
    console.log(`${c.name}: ${output.outcome}, rollout ${seconds} s, critical-path bound ${bound.seconds} s (${bound.limitedBy}), ${ratio.toFixed(3)}× (target ≤ ${c.target}×); `
      + `${kubeRequests} Kubernetes requests, ${perNode.toFixed(1)} per rebooted node; max nodes disrupted ${summary.invariants.maxNodesDisrupted}; invariants ${safe ? 'held' : 'BROKEN'}`);
    const requestsOk = c.scenario !== undefined || perNode <= REQUESTS_PER_NODE_TARGET;
    return { ok: safe && ratio <= c.target && requestsOk, safe, ratio };
  } finally {
    await stack.close();
  }
}

/** Seed 1's 9-node cluster, with the simulator's draws from `seed`: the same nodes, pods and workloads. */
function seedOneDrawnWith(seed: number): Scenario {
  return { ...generatedWithApp(9, 2, 1), seed };
}

/** The 9-node case over seeds (`scenarioFor`: the generator's, or only the simulator's draws): the ratios' spread, not a target. */
async function seedSweep(range: string, label: string, scenarioFor: (seed: number) => Scenario): Promise<boolean> {
  const match = /^(\d+)-(\d+)$/.exec(range);
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (!match || first < 1 || last < first || last - first > 99) throw new Error(`seeds: ${JSON.stringify(range)} is not a range such as 1-12 (at most 100 seeds, from 1)`);
  const ratios: number[] = [];
  let safe = true;
  for (let seed = first; seed <= last; seed++) {
    const m = await measure({ ...CASES['9']!, name: `${CASES['9']!.name}, ${label} ${seed}`, scenario: scenarioFor(seed) });
    ratios.push(m.ratio);
    safe = m.safe && safe;
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  console.log(`${label}s ${first}-${last}: ratio to the critical-path bound from ${sorted[0]!.toFixed(3)}× to ${sorted.at(-1)!.toFixed(3)}×, median ${median.toFixed(3)}×; `
    + `${ratios.filter((r) => r <= 1.1).length} of ${ratios.length} within 1.10×; invariants ${safe ? 'held' : 'BROKEN'}`);
  return safe;
}

async function main(): Promise<void> {
  const [what, range] = ARGS.positional;
  if (Object.keys(ARGS.settings).length > 0) console.log(`settings added to every run: ${JSON.stringify(ARGS.settings)}`);
  if (what === '9-seeds' || what === '9-draws') {
    const sweep = what === '9-seeds' ? seedSweep(range ?? '1-12', 'seed', (seed) => generatedWithApp(9, 2, seed))
      : seedSweep(range ?? '1-12', 'draw', seedOneDrawnWith);
    process.exitCode = (await sweep) ? 0 : 1;
    return;
  }
  // In the order written (an object lists integer-like keys such as '30' first).
  const which = what ? [what] : ['seed', '30', '9'];
  let ok = true;
  for (const key of which) {
    const c = CASES[key];
    if (!c) throw new Error(`case: ${key} is not one of ${Object.keys(CASES).join(', ')}, 9-seeds, 9-draws`);
    ok = (await measure(c)).ok && ok;
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
