// Every rollout of test/e2e/boundCases.ts against its critical-path bound (run:
// `npm run bench -- bench/bound.bench.ts`; about 10 minutes on a 2-core machine). Prints one line
// per case; exits non-zero when a run did not complete or came in under its bound (a bug in the
// bound). docs/benchmarks.md has the figures.
// The functions-core stand-in goes first (local/host/README.md, "Loading").
import '../local/demo/standIn';
import { ALL_BOUND_CASES, rolloutAgainstBound } from '../test/e2e/boundCases';

/** Real time a case may take: the 30-node ones take minutes on a shared 2-core machine (the figures are virtual time). */
const LIMITS = { maxRealMs: 900_000 };

async function main(): Promise<void> {
  let failed = 0;
  console.log('| scenario | concurrency | rollout (s) | bound (s) | over | limited by |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, concurrency, scenario] of ALL_BOUND_CASES) {
    const { outcome, seconds, bound } = await rolloutAgainstBound(scenario(), concurrency, LIMITS);
    const over = `${((seconds / bound.seconds - 1) * 100).toFixed(1)} %`;
    console.log(`| ${name} | ${concurrency} | ${seconds} | ${bound.seconds} | ${over} | ${bound.limitedBy} |`);
    if (outcome !== 'completed' || seconds < bound.seconds) {
      failed++;
      console.error(`  ${name} at concurrency ${concurrency}: ${outcome !== 'completed' ? `the run ended ${outcome}` : 'the rollout beat the bound'}`);
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}

void main();
