// Crash at every history event of the real app (docs/reliability.md, "Crash at every history
// event"): the seed with two nodes needing a reboot, run through clusterLock → clusterReboot →
// nodeReboot on the local host in crash mode. Each run crashes once — after a history event was
// appended, after an activity ran and before its completion was recorded, or after an episode's
// messages were sent and before its history was written — and resumes from the file store. After
// each: the same outcome per node as the clean run, each node rebooted exactly once, no PDB
// violated, no node left cordoned or locked, no helper pod left, the Lease released. `npm test`
// runs every step boundary of nodeReboot, every reboot-check collection run twice (crashed
// after it ran, before its completion was recorded) and a seeded sample of the rest;
// bench/crashSweep.bench.ts runs them all.
import { beforeAll, describe, expect, it } from 'vitest';
import { crashEach, discoveryPoints, dryRun, type Ending, type NamedPoint, NODE_STEPS, seededSample, stepBoundaries, twoNodeSeed } from './crashSweep';

const SEED = 20261206;
const RANDOM_POINTS = 10;

describe('crash at every history event of the real app: 2-node seed, resumed from the file store', () => {
  let clean: Ending;
  let points: NamedPoint[];
  let boundaries: NamedPoint[];
  let discovery: NamedPoint[];
  beforeAll(async () => {
    ({ ending: clean, points } = await dryRun(twoNodeSeed()));
    boundaries = stepBoundaries(points);
    discovery = discoveryPoints(points);
  }, 60_000);

  it('the clean run reboots both nodes once and leaves nothing behind; it offers hundreds of crash points', () => {
    expect(clean.outcome).toBe('completed');
    expect(Object.values(clean.nodes)).toEqual(['rebooted', 'rebooted']);
    expect(Object.values(clean.reboots).filter((n) => n > 0)).toEqual([1, 1]);
    expect(clean).toMatchObject({ pdbViolations: 0, leftCordoned: [], leftLocked: [], leftHelperPods: [], leaseHolder: '', restarts: 0 });
    expect(points.length).toBeGreaterThan(300);
    for (const kind of ['appended', 'activityRan', 'messagesSent']) expect(points.some((p) => p.point.kind === kind), kind).toBe(true);
  });

  it('the sample covers every step boundary of nodeReboot', () => {
    const has = (test: (p: NamedPoint['point']) => boolean): boolean => boundaries.some((b) => test(b.point));
    const name = (p: NamedPoint['point']): string | undefined => (p.kind === 'appended' ? (p.event as { Name?: string }).Name : undefined);
    for (const step of NODE_STEPS) {
      const ran = boundaries.map((b) => b.point).filter((p) => p.kind === 'activityRan' && p.name === step);
      expect(ran.length, `${step} ran`).toBeGreaterThanOrEqual(1);
      expect(has((p) => name(p) === step), `${step} scheduled`).toBe(true);
      expect(has((p) => p.kind === 'messagesSent' && p.activities.some((a) => a.name === step)), `${step} sent`).toBe(true);
      for (const r of ran) {
        const taskId = r.kind === 'activityRan' ? r.taskId : -1;
        expect(has((p) => p.kind === 'appended' && p.instanceId === r.instanceId && (p.event as { TaskScheduledId?: number }).TaskScheduledId === taskId), `${step}#${taskId} recorded`).toBe(true);
      }
    }
    // and the event written just before each step is scheduled
    const index = new Map(points.map((p, i) => [p.key, i]));
    for (const b of boundaries.filter((x) => NODE_STEPS.includes(name(x.point) as never))) {
      const before = points.slice(0, index.get(b.key)).findLast((p) => p.point.kind === 'appended' && p.point.instanceId === b.point.instanceId);
      expect(boundaries.some((x) => x.key === before?.key), `before ${b.key}`).toBe(true);
    }
  });

  it('the sample runs every collection of the reboot checks, and their deletion, twice', () => {
    const names = discovery.map((d) => (d.point.kind === 'activityRan' ? d.point.name : ''));
    // the check pods take more than one collection (a first while they run) and one deletion
    expect(names.filter((n) => n === 'collectRebootChecks').length).toBeGreaterThanOrEqual(2);
    expect(names.filter((n) => n === 'deleteRebootChecks')).toEqual(['deleteRebootChecks']);
  });

  it('after a crash at each sampled point the run ends as the clean run did', async () => {
    const fixed = [...boundaries, ...discovery];
    const sample = [...fixed, ...seededSample(points, RANDOM_POINTS, SEED, new Set(fixed.map((b) => b.key)))];
    expect(sample.length).toBeGreaterThanOrEqual(30);
    const { failures, restarts } = await crashEach(twoNodeSeed, sample, clean);
    expect(failures).toEqual([]);
    expect(restarts).toBe(sample.length);
  }, 400_000);
});
