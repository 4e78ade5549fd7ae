// Crash while nodes overlap (docs/reliability.md, "Crash at every history event"): the whole seed
// at REBOOT_CONCURRENCY=3, where the system nodes are disrupted beside java-app's line and nodes
// in recovery beside new ones (ADR 0019). Each run crashes once where the run hands a node over
// while another node instance is in flight — it creates a node instance, or sees one end, with at
// least two in flight — or at a seeded sample of the rest, and resumes from the file store; it
// must end as the clean run did. bench/crashSweepConcurrent.bench.ts runs every point.
import { beforeAll, describe, expect, it } from 'vitest';
import { CONCURRENT_SEED_SETTINGS, crashEach, dryRun, type Ending, type NamedPoint, overlapPoints, problems, seededSample, seedScenario } from './crashSweep';

const SEED = 20261207;
const RANDOM_POINTS = 4;

describe('crash while nodes overlap: the seed at REBOOT_CONCURRENCY=3, resumed from the file store', () => {
  let clean: Ending;
  let points: NamedPoint[];
  let overlaps: NamedPoint[];
  beforeAll(async () => {
    ({ ending: clean, points } = await dryRun(seedScenario(), CONCURRENT_SEED_SETTINGS));
    overlaps = overlapPoints(points);
  }, 60_000);

  it('the clean run reboots the six nodes once and hands nodes over while others are in flight', () => {
    expect(clean.outcome).toBe('completed');
    expect(Object.values(clean.nodes)).toEqual(Array(6).fill('rebooted'));
    expect(Object.values(clean.reboots)).toEqual(Array(6).fill(1));
    expect(clean).toMatchObject({ pdbViolations: 0, leftCordoned: [], leftLocked: [], leftHelperPods: [], leaseHolder: '', restarts: 0 });
    // the simulator saw two nodes disrupted at once (the system nodes beside java-app's line)
    expect(clean.maxNodesDisrupted).toBe(2);
    // starts and ends of node instances with another one in flight, on both sides
    expect(overlaps.length).toBeGreaterThanOrEqual(10);
    for (const type of ['SubOrchestrationInstanceCreated', 'SubOrchestrationInstanceCompleted']) expect(overlaps.some((p) => p.key.endsWith(type)), type).toBe(true);
  });

  it('a run that disrupted more nodes at once than REBOOT_CONCURRENCY ends differently, whatever else held', () => {
    expect(problems(clean, clean, 3)).toEqual([]);
    expect(problems(clean, { ...clean, maxNodesDisrupted: 4 }, 3)).toEqual(['4 nodes disrupted at once, over REBOOT_CONCURRENCY=3']);
    expect(problems(clean, clean, 1)).toEqual(['2 nodes disrupted at once, over REBOOT_CONCURRENCY=1']);
  });

  it('nodes ending in another order than in the clean run is no difference; another outcome is', () => {
    const reversed = Object.fromEntries(Object.entries(clean.nodes).reverse());
    expect(Object.keys(reversed)).not.toEqual(Object.keys(clean.nodes));
    expect(problems(clean, { ...clean, nodes: reversed }, 3)).toEqual([]);
    const [first] = Object.keys(clean.nodes);
    expect(problems(clean, { ...clean, nodes: { ...reversed, [first!]: 'failed' } }, 3)).toHaveLength(1);
  });

  it('after a crash at each hand-off with nodes in flight, and at a seeded sample, the run ends as the clean run did', async () => {
    const sample = [...overlaps, ...seededSample(points, RANDOM_POINTS, SEED, new Set(overlaps.map((p) => p.key)))];
    const { failures, restarts } = await crashEach(seedScenario, sample, clean, CONCURRENT_SEED_SETTINGS);
    expect(failures).toEqual([]);
    expect(restarts).toBe(sample.length);
  }, 400_000);
});
