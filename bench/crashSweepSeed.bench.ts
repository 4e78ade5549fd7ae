// Crash at every history event of the real app, every point, on the whole seed (6 nodes; long:
// see docs/reliability.md for its count and duration). Run: `npm run bench --
// bench/crashSweepSeed.bench.ts`, or `npx tsx bench/crashSweepSeed.bench.ts [stride] [offset]`
// to run every stride-th point (shards on several machines, or a quicker pass).
import '../local/demo/standIn';
import { seedScenario } from '../test/reliability/crashSweep';
import { sweep } from './crashSweepRun';

sweep('seed', seedScenario).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
