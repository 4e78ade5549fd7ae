// Crash at every history event of the real app: one clean run lists every crash point the local
// host offers (each appended history event, each activity that ran before its completion was
// recorded, each episode whose messages were sent before its history was written); then one run
// per point crashes there once and resumes from a JSON-lines file store, and the cluster must end
// as after the clean run. Shared by test/reliability/crashEveryEvent.test.ts (a seeded sample)
// and the benchmarks bench/crashSweep*.bench.ts (every point).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunOutput } from '../../core/runTypes';
import { activities, orchestrators } from '../../orchestrations/names';
import { loadScenario, type Scenario } from '../../local/aks/scenario';
import { LEASES } from '../../local/aks/cluster/resourceNames';
import { type CrashPoint, FileHistoryStore } from '../../local/host';
import { eventTypeName } from '../../local/host/history';
import { runScheduledRollout, SEED_SCENARIO, startStack, type Stack } from '../../local/stack';

/** The seed with two nodes needing a reboot: clusterLock → clusterReboot → two nodeReboots. */
export function twoNodeSeed(): Scenario {
  const scenario = structuredClone(loadScenario(SEED_SCENARIO));
  scenario.rebootRequired = { count: 2 };
  return loadScenario(scenario);
}

export const seedScenario = (): Scenario => loadScenario(SEED_SCENARIO);

/** App settings a sweep runs with on top of the stack's (e.g. `REBOOT_CONCURRENCY`); none: the defaults. */
export type SweepSettings = Readonly<Record<string, string>>;

/** The seed at `REBOOT_CONCURRENCY=3`: system nodes overlap java-app's line, so crashes land with several nodes in flight. */
export const CONCURRENT_SEED_SETTINGS: SweepSettings = { REBOOT_CONCURRENCY: '3' };

/** A crash point named so that it can be found again in another run (instance ids are deterministic in virtual time). */
export interface NamedPoint {
  key: string;
  point: CrashPoint;
}

/** What must hold after every run, crashed or not. */
export interface Ending {
  outcome: string;
  /** node → its outcome in the run's results. */
  nodes: Record<string, string>;
  /** node → rebootCount, as the simulator counted. */
  reboots: Record<string, number>;
  pdbViolations: number;
  /** The most nodes the simulator saw disrupted at once. */
  maxNodesDisrupted: number;
  leftCordoned: string[];
  /** Nodes still carrying the app's in-progress annotation. */
  leftLocked: string[];
  /** Pods left in the helper namespace (check pods, reboot helpers). */
  leftHelperPods: string[];
  leaseHolder: string;
  restarts: number;
}

const IN_PROGRESS = 'aks-reboot-orchestrator/in-progress';
const HELPER_NAMESPACE = 'aks-reboot-orchestrator';
const LIMITS = { maxRealMs: 240_000 };

function baseKey(p: CrashPoint): string {
  if (p.kind === 'appended') return `appended ${p.instanceId} #${p.eventNumber} ${eventTypeName(p.event.EventType) ?? p.event.EventType}`;
  if (p.kind === 'activityRan') return `activityRan ${p.instanceId} ${p.name}#${p.taskId}`;
  return `messagesSent ${p.instanceId} ${p.activities.map((a) => `${a.name}#${a.taskId}`).join(',')}`;
}

/** Names points by kind, instance, position and occurrence (continueAsNew restarts event numbers). */
function namer(): (p: CrashPoint) => string {
  const seen = new Map<string, number>();
  return (p) => {
    const base = baseKey(p);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  };
}

function leaseHolderOf(stack: Stack): string {
  const lease = stack.sim.cluster.store.get(LEASES, HELPER_NAMESPACE, 'aks-reboot-orchestrator') as { spec?: { holderIdentity?: string } } | undefined;
  return lease?.spec?.holderIdentity ?? '';
}

function endingOf(stack: Stack, output: RunOutput): Ending {
  const summary = stack.sim.recorder.summary();
  return {
    outcome: output.outcome,
    nodes: Object.fromEntries(output.results.map((r) => [r.node, r.outcome])),
    reboots: Object.fromEntries(summary.nodes.reboots.map((r) => [r.node, r.rebootCount])),
    pdbViolations: summary.invariants.pdbViolations.length,
    maxNodesDisrupted: summary.invariants.maxNodesDisrupted,
    leftCordoned: summary.invariants.nodesLeftCordoned,
    leftLocked: stack.sim.cluster.nodeNames().filter((n) => stack.sim.cluster.node(n)?.metadata.annotations?.[IN_PROGRESS] !== undefined),
    leftHelperPods: stack.sim.cluster.pods(HELPER_NAMESPACE).map((p) => p.metadata.name).sort(),
    leaseHolder: leaseHolderOf(stack),
    restarts: stack.host.restarts,
  };
}

function tempStore(): { store: FileHistoryStore; dispose(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-sweep-'));
  return { store: new FileHistoryStore(path.join(dir, 'history.jsonl')), dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The clean run: its ending and every crash point it passed, in order. */
export async function dryRun(scenario: Scenario, settings?: SweepSettings): Promise<{ ending: Ending; points: NamedPoint[] }> {
  const points: NamedPoint[] = [];
  const name = namer();
  const { store, dispose } = tempStore();
  const stack = await startStack({ scenario, store, ...(settings ? { settings: { ...settings } } : {}), crashAt: (p) => (points.push({ key: name(p), point: p }), false) });
  try {
    const output = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    return { ending: endingOf(stack, output), points };
  } finally {
    await stack.close();
    dispose();
  }
}

/** One run that crashes once, at the point named `key`, and resumes from the file store. */
export async function crashOnceAt(scenario: Scenario, key: string, settings?: SweepSettings): Promise<{ crashed: boolean; ending: Ending }> {
  const name = namer();
  let crashed = false;
  const { store, dispose } = tempStore();
  const stack = await startStack({
    scenario,
    store,
    ...(settings ? { settings: { ...settings } } : {}),
    crashAt: (p) => {
      const hit = !crashed && name(p) === key;
      if (hit) crashed = true;
      return hit;
    },
  });
  try {
    const output = (await runScheduledRollout(stack, LIMITS)).output as RunOutput;
    return { crashed, ending: endingOf(stack, output) };
  } finally {
    await stack.close();
    dispose();
  }
}

/** One crashed run per point, each against the clean run: what went wrong (none: []) and how many restarts the host made. */
export async function crashEach(scenario: () => Scenario, sample: readonly NamedPoint[], clean: Ending, settings?: SweepSettings): Promise<{ failures: string[]; restarts: number }> {
  const failures: string[] = [];
  let restarts = 0;
  for (const { key } of sample) {
    const { crashed, ending } = await crashOnceAt(scenario(), key, settings);
    restarts += ending.restarts;
    if (!crashed) failures.push(`${key}: the run never reached this point`);
    const wrong = problems(clean, ending, concurrencyOf(settings));
    if (wrong.length > 0) failures.push(`${key}: ${wrong.join('; ')}`);
  }
  return { failures, restarts };
}

/** The REBOOT_CONCURRENCY a sweep runs at (the app's default: 1). */
export function concurrencyOf(settings?: SweepSettings): number {
  return Number(settings?.REBOOT_CONCURRENCY ?? 1);
}

/** A record's entries sorted by key: the same content in any order compares equal as JSON. */
function sortedEntries(record: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What differs from the clean run's ending, or from a safe ending at all ([] when none); `concurrency`: the REBOOT_CONCURRENCY of both runs. */
export function problems(clean: Ending, got: Ending, concurrency = 1): string[] {
  const out: string[] = [];
  if (got.maxNodesDisrupted > concurrency) out.push(`${got.maxNodesDisrupted} nodes disrupted at once, over REBOOT_CONCURRENCY=${concurrency}`);
  // Per node, whatever the order: a crash shifts the timing, so nodes in flight together may end
  // in another order than in the clean run (seen with 24 nodes at REBOOT_CONCURRENCY=3).
  const same = (a: Record<string, unknown>, b: Record<string, unknown>): boolean => JSON.stringify(sortedEntries(a)) === JSON.stringify(sortedEntries(b));
  if (got.outcome !== clean.outcome) out.push(`outcome ${got.outcome}, clean run ${clean.outcome}`);
  if (!same(got.nodes, clean.nodes)) out.push(`node outcomes ${JSON.stringify(got.nodes)}, clean run ${JSON.stringify(clean.nodes)}`);
  const twice = Object.entries(got.reboots).filter(([, n]) => n > 1);
  if (twice.length > 0) out.push(`rebooted more than once: ${twice.map(([node, n]) => `${node} ×${n}`).join(', ')}`);
  if (!same(got.reboots, clean.reboots)) out.push(`reboot counts ${JSON.stringify(got.reboots)}, clean run ${JSON.stringify(clean.reboots)}`);
  if (got.pdbViolations > 0) out.push(`${got.pdbViolations} PDB violations`);
  if (got.leftCordoned.length > 0) out.push(`left cordoned: ${got.leftCordoned.join(', ')}`);
  if (got.leftLocked.length > 0) out.push(`left locked: ${got.leftLocked.join(', ')}`);
  if (got.leftHelperPods.length > 0) out.push(`helper pods left: ${got.leftHelperPods.join(', ')}`);
  if (got.leaseHolder !== '') out.push(`Lease still held by ${got.leaseHolder}`);
  return out;
}

/**
 * The crash points on either side of each step of nodeReboot: before an activity is scheduled
 * (after the event that precedes its TaskScheduled, after the TaskScheduled itself, and after its
 * message was sent but before the episode's history was written) and after
 * it ran (before and after its completion is recorded), for its first and last call (evictPods
 * is polled), for the first node.
 */
export const NODE_STEPS = ['lockNode', 'cordonNode', 'evictPods', 'startReboot', 'uncordonNode'] as const;

export function stepBoundaries(points: readonly NamedPoint[]): NamedPoint[] {
  const picked = new Map<string, NamedPoint>();
  const add = (p: NamedPoint | undefined): void => {
    if (p) picked.set(p.key, p);
  };
  const first = points.find((p) => p.point.kind === 'activityRan' && p.point.name === NODE_STEPS[0]);
  if (!first) return [];
  // The node's instance and its recovery part (`<node instance>-Recovery`, ADR 0019).
  const node = first.point.instanceId;
  const mine = points.filter((p) => p.point.instanceId === node || p.point.instanceId === `${node}-Recovery`);
  for (const step of NODE_STEPS) {
    const scheduled = mine
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => p.point.kind === 'appended' && eventTypeName(p.point.event.EventType) === 'TaskScheduled' && (p.point.event as { Name?: string }).Name === step);
    const ran = mine.map((p, i) => ({ p, i })).filter(({ p }) => p.point.kind === 'activityRan' && p.point.name === step);
    for (const s of [scheduled[0], scheduled.at(-1)]) {
      if (!s) continue;
      // the last event of this instance written before the TaskScheduled
      for (let i = s.i - 1; i >= 0; i--) {
        const q = mine[i]!;
        if (q.point.kind === 'appended' && q.point.instanceId === s.p.point.instanceId) {
          add(q);
          break;
        }
      }
      add(s.p);
      // its message sent, the episode's history not yet written
      const taskId = (s.p.point as { event: { EventId: number } }).event.EventId;
      add(mine.find((q) => q.point.kind === 'messagesSent' && q.point.instanceId === s.p.point.instanceId && q.point.activities.some((a) => a.name === step && a.taskId === taskId)));
    }
    for (const r of [ran[0], ran.at(-1)]) {
      if (!r) continue;
      add(r.p);
      const { taskId } = r.p.point as { taskId: number };
      const completed = mine.find((q) => q.point.kind === 'appended' && q.point.instanceId === r.p.point.instanceId && /^Task(Completed|Failed)$/.test(eventTypeName(q.point.event.EventType) ?? '') && (q.point.event as { TaskScheduledId?: number }).TaskScheduledId === taskId);
      add(completed);
    }
  }
  return [...picked.values()];
}

/**
 * The discovery steps that must survive running twice: every collection of the reboot checks
 * and their deletion, each crashed after it ran and before its completion was recorded (a
 * collection that deleted the pods it read once left a repeated one finding none).
 */
export const DISCOVERY_STEPS = ['collectRebootChecks', 'deleteRebootChecks'] as const;

export function discoveryPoints(points: readonly NamedPoint[]): NamedPoint[] {
  return points.filter((p) => p.point.kind === 'activityRan' && (DISCOVERY_STEPS as readonly string[]).includes(p.point.name));
}

/** A deterministic pseudo-random sample (mulberry32) of `count` points not already chosen. */
export function seededSample(points: readonly NamedPoint[], count: number, seed: number, exclude: ReadonlySet<string>): NamedPoint[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pool = points.filter((p) => !exclude.has(p.key));
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

/**
 * The run's own hand-offs while another node instance is in flight (ADR 0019: nodes overlap): each
 * `nodeReboot` instance the run creates, and each it sees end, when at least two are in flight
 * at that event. Counted from the clean run's history events, not from what the run says.
 */
export function overlapPoints(points: readonly NamedPoint[]): NamedPoint[] {
  const inFlight = new Set<string>(); // `${parent} ${eventId}` of each node instance created and not ended
  const picked: NamedPoint[] = [];
  for (const p of points) {
    if (p.point.kind !== 'appended') continue;
    const event = p.point.event as { EventType: number; EventId?: number; Name?: string; TaskScheduledId?: number };
    const type = eventTypeName(event.EventType);
    if (type === 'SubOrchestrationInstanceCreated' && event.Name === orchestrators.nodeReboot) {
      inFlight.add(`${p.point.instanceId} ${event.EventId}`);
      if (inFlight.size >= 2) picked.push(p);
    } else if (type === 'SubOrchestrationInstanceCompleted' || type === 'SubOrchestrationInstanceFailed') {
      const key = `${p.point.instanceId} ${event.TaskScheduledId}`;
      if (!inFlight.has(key)) continue;
      if (inFlight.size >= 2) picked.push(p);
      inFlight.delete(key);
    }
  }
  return picked;
}

/**
 * The run's reads of the stale nodes that entered a pool's window of terms read again (ADR 0027)
 * while more nodes than the window (plus `otherPools`' nodes) are still to start: a
 * `scheduleTerms` call, not the first, for at most `concurrency` nodes (a read after a disruption
 * asks for the whole window). For each, the points where it is scheduled, where it runs and
 * where its result is appended.
 */
export function windowEntryReadPoints(points: readonly NamedPoint[], run: { nodes: number; window: number; concurrency: number; otherPools: number }): NamedPoint[] {
  const picked: NamedPoint[] = [];
  const reads = new Set<string>(); // `${instance} ${eventId}` of each such read scheduled
  let started = 0;
  let firstRead = true;
  for (const p of points) {
    if (p.point.kind === 'activityRan') {
      if (reads.has(`${p.point.instanceId} ${p.point.taskId}`)) picked.push(p);
      continue;
    }
    if (p.point.kind !== 'appended') continue;
    const event = p.point.event as { EventType: number; EventId?: number; Name?: string; Input?: string; InstanceId?: string; TaskScheduledId?: number };
    const type = eventTypeName(event.EventType);
    if (type === 'SubOrchestrationInstanceCreated' && event.Name === orchestrators.nodeReboot && partOf(event.Input) === 'disruption') {
      started++;
    } else if (type === 'TaskScheduled' && event.Name === activities.scheduleTerms) {
      const asked = (JSON.parse(event.Input ?? '{}') as { candidates?: unknown[] }).candidates?.length ?? 0;
      if (!firstRead && asked <= run.concurrency && run.nodes - started > run.window + run.otherPools) {
        reads.add(`${p.point.instanceId} ${event.EventId}`);
        picked.push(p);
      }
      firstRead = false;
    } else if (type === 'TaskCompleted' && reads.has(`${p.point.instanceId} ${event.TaskScheduledId}`)) {
      picked.push(p);
    }
  }
  return picked;
}

/** Which part of a node a nodeReboot instance runs, from its input (NodeRebootInput.part). */
function partOf(input: string | undefined): unknown {
  return (JSON.parse(input ?? '{}') as { part?: unknown }).part;
}
