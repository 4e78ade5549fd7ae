// The full crash sweep shared by bench/crashSweep.bench.ts (2-node seed) and
// bench/crashSweepSeed.bench.ts (the whole seed): one run per crash point of the clean run, each
// crashing once there and resuming from the file store (test/reliability/crashSweep.ts). Prints
// the counts docs/reliability.md reports; exits 1 when any run ends differently from the clean run.
// Arguments: [stride] [offset] [from] [to] — every stride-th point from offset (default 1 0:
// every point), only those with an index in [from, to) (default: all), so that runs on several
// processes can each take a range of one sweep.
import type { Scenario } from '../local/aks/scenario';
import { concurrencyOf, crashOnceAt, dryRun, problems, type SweepSettings } from '../test/reliability/crashSweep';

export async function sweep(label: string, scenario: () => Scenario, argv: string[] = process.argv.slice(2), settings?: SweepSettings): Promise<void> {
  const stride = Number(argv[0] ?? 1);
  const offset = Number(argv[1] ?? 0);
  if (!Number.isInteger(stride) || stride < 1) throw new Error(`stride must be a positive integer, got ${argv[0]}`);
  if (!Number.isInteger(offset) || offset < 0 || offset >= stride) throw new Error(`offset must be an integer in [0, stride), got ${argv[1]}`);
  const from = Number(argv[2] ?? 0);
  if (!Number.isInteger(from) || from < 0) throw new Error(`from must be a non-negative integer (the first point's index), got ${argv[2]}`);
  const to = argv[3] === undefined ? Infinity : Number(argv[3]);
  if (!(Number.isInteger(to) && to > from) && to !== Infinity) throw new Error(`to must be an integer above from (the index after the last point), got ${argv[3]}`);
  const started = performance.now();
  const { ending: clean, points } = await dryRun(scenario(), settings);
  const dryS = (performance.now() - started) / 1000;
  const rebootedNodes = Object.entries(clean.reboots).filter(([, n]) => n > 0).length;
  console.log(`${label}: clean run ${clean.outcome}, ${rebootedNodes} nodes rebooted, ${points.length} crash points (${dryS.toFixed(1)} s)`);
  const chosen = points.filter((_, i) => i % stride === offset && i >= from && i < to);
  // A sharded sweep of a few dozen slow points still shows how far it got.
  const progressEvery = Math.max(1, Math.min(50, Math.ceil(chosen.length / 10)));
  const byKind: Record<string, number> = {};
  const failures: string[] = [];
  let rebootedTwice = 0;
  let leftCordoned = 0;
  let leftLocked = 0;
  let notReached = 0;
  for (const [i, { key, point }] of chosen.entries()) {
    const { crashed, ending } = await crashOnceAt(scenario(), key, settings);
    byKind[point.kind] = (byKind[point.kind] ?? 0) + 1;
    if (!crashed) notReached++;
    rebootedTwice += Object.values(ending.reboots).filter((n) => n > 1).length;
    leftCordoned += ending.leftCordoned.length;
    leftLocked += ending.leftLocked.length;
    const wrong = problems(clean, ending, concurrencyOf(settings));
    if (!crashed) wrong.push('the run never reached this point');
    if (wrong.length > 0) {
      failures.push(`${key}: ${wrong.join('; ')}`);
      console.log(`FAIL ${key}: ${wrong.join('; ')}`);
    }
    if ((i + 1) % progressEvery === 0) console.log(`  ${i + 1}/${chosen.length} points, ${failures.length} failures, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const wall = (performance.now() - started) / 1000;
  const rows = [
    ['crash points in the clean run', String(points.length)],
    ['crash points tried', `${chosen.length}${from > 0 || to !== Infinity ? ` of indexes [${from}, ${Math.min(to, points.length)})` : ''} (${Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ')})`],
    ['runs that ended differently', String(failures.length)],
    ['points never reached', String(notReached)],
    ['nodes rebooted twice', String(rebootedTwice)],
    ['nodes left cordoned', String(leftCordoned)],
    ['nodes left locked', String(leftLocked)],
    ['wall time', `${wall.toFixed(0)} s (${(wall / Math.max(1, chosen.length)).toFixed(2)} s per point)`],
  ];
  const width = Math.max(...rows.map((r) => r[0]!.length));
  for (const [k, v] of rows) console.log(`${k!.padEnd(width)}  ${v}`);
  if (failures.length > 0) process.exitCode = 1;
}
