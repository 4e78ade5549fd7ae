// Crash at every history event of the real app, every point: the seed with two nodes needing a
// reboot (run: `npm run bench -- bench/crashSweep.bench.ts`, or `npx tsx bench/crashSweep.bench.ts
// [stride] [offset]`). test/reliability/crashEveryEvent.test.ts runs a sample of the same in `npm test`.
import '../local/demo/standIn';
import { twoNodeSeed } from '../test/reliability/crashSweep';
import { sweep } from './crashSweepRun';

sweep('2-node seed', twoNodeSeed).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
