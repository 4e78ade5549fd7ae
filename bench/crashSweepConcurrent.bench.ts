// Crash at every history event of the real app, every point, on the whole seed at
// REBOOT_CONCURRENCY=3 (ADR 0019's overlap: system nodes disrupted beside java-app's line, nodes
// in recovery beside new ones), so crashes land with several node instances in flight. Run:
// `npx tsx bench/crashSweepConcurrent.bench.ts [stride] [offset] [from] [to]`
// (docs/reliability.md: its count and duration).
import '../local/demo/standIn';
import { CONCURRENT_SEED_SETTINGS, seedScenario } from '../test/reliability/crashSweep';
import { sweep } from './crashSweepRun';

sweep('seed at REBOOT_CONCURRENCY=3', seedScenario, process.argv.slice(2), CONCURRENT_SEED_SETTINGS).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
