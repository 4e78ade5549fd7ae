// Crash while the run reads stale terms in a window (ADR 0027): a generated cluster of one pool
// (System mode, every workload on it) of more nodes than the window of each pool's queue whose stale terms are read again (8),
// at REBOOT_CONCURRENCY=3: as nodes start, stale nodes further on enter the window and the run
// reads them. Each run crashes once where such a read is scheduled, runs or returns, and resumes
// from the file store; it must end as the clean run did.
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedWithApp } from '../e2e/boundCases';
import { reReadWindow } from '../../core/termsRefresh';
import { crashEach, dryRun, type Ending, type NamedPoint, windowEntryReadPoints } from './crashSweep';

const CONCURRENCY = 3;
const SETTINGS = { REBOOT_CONCURRENCY: String(CONCURRENCY) };
const NODES = 24;
/** The points of the first such reads: enough to cross each kind, inside the suite's time. */
const POINTS = 5;
const scenario = () => generatedWithApp(NODES, 1);

describe('crash while the run reads stale terms in a window: 24 nodes in one pool at REBOOT_CONCURRENCY=3, resumed from the file store', () => {
  let clean: Ending;
  let reads: NamedPoint[];
  beforeAll(async () => {
    let points: NamedPoint[];
    ({ ending: clean, points } = await dryRun(scenario(), SETTINGS));
    // (one pool: `generatedWithApp(n, 1)` puts every node and workload in one System-mode pool; 2 spare)
    reads = windowEntryReadPoints(points, { nodes: NODES, window: reReadWindow(CONCURRENCY), concurrency: CONCURRENCY, otherPools: 2 });
  }, 120_000);

  it('the clean run reboots every node once and reads the stale nodes entering the window', () => {
    expect(clean.outcome).toBe('completed');
    expect(Object.values(clean.reboots)).toEqual(Array(NODES).fill(1));
    expect(clean).toMatchObject({ pdbViolations: 0, leftCordoned: [], leftLocked: [], leftHelperPods: [], leaseHolder: '' });
    // each read: scheduled, run, its result appended
    expect(reads.length).toBeGreaterThanOrEqual(2 * 3);
    expect(reads.map((p) => p.point.kind)).toContain('activityRan');
  });

  it('after a crash at each point of the first such reads, the run ends as the clean run did', async () => {
    const sample = reads.slice(0, POINTS);
    expect(sample.length).toBe(POINTS);
    const { failures, restarts } = await crashEach(scenario, sample, clean, SETTINGS);
    expect(failures).toEqual([]);
    expect(restarts).toBe(sample.length);
  }, 400_000);
});
