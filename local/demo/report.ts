// The demo's report (docs/design.md#reports-and-their-fields): what the run did to each node, what the cluster's
// workloads went through, the invariants, the cost in API requests and history events, and
// the verdict that sets the exit code. Pure: the facts gathered by run.ts in, JSON out.
import type { NodeOutcome, NodeResult, RunOutput } from '../../core/runTypes';
import type { RecorderSummary, TimelineEvent } from '../aks/recorder';
import { type NodeProgress, type RunProgress, type SpanPhase } from './tracker';

export type ReportNodeOutcome = NodeOutcome | 'not-reached';

export interface ReportNode {
  name: string;
  pool: string;
  zone: string;
  rebootCount: number;
  outcome: ReportNodeOutcome;
  /** The step that failed or was cut short. */
  step?: string;
  reason?: string;
  leftCordoned: boolean;
  evicted: number;
  startedAt?: string;
  finishedAt?: string;
  seconds: NodeResult['seconds'];
  /** The node's steps over time, in seconds from the start of the run (the timeline's bars). */
  phases: { phase: SpanPhase; start: number; end: number }[];
  historyEvents: number;
}

export interface ReportWorkload {
  namespace: string;
  name: string;
  kind: string;
  replicas: number;
  minReady: number;
  minReadyAtSeconds: number;
  maxUnavailable: number;
  /** Ready pods its PDB wants (status.desiredHealthy); absent without a PDB. */
  desiredHealthy?: number;
  secondsBelowDesired: number;
  /** [seconds from the start, ready replicas]: every change, for the timeline's lines. */
  ready: [number, number][];
}

export interface DemoReport {
  scenario: string;
  scenarioFile?: string;
  cluster: { name: string; nodes: number; pools: number; zones: number };
  outcome: RunOutput['outcome'] | 'failed';
  reason?: string;
  runId?: string;
  startedAt: string;
  finishedAt: string;
  virtualSeconds: number;
  /** The critical-path bound (local/aks/lowerBound.ts) over the nodes the run rebooted: no schedule beats it. */
  criticalPathBoundSeconds: number;
  /** What sets the bound: `nodes` (their disruptions) or a workload's budget (`PDB shop/java-app-pdb`). */
  boundLimitedBy: string;
  /** virtualSeconds over the critical-path bound, as a fraction (0.05 = 5% longer). */
  overCriticalPathBound: number;
  concurrency: number;
  /** The settings the demo set on top of the app's defaults; secret ones are not shown. */
  settings: Record<string, string>;
  /** The maintenance window: whether it was open just before the run started, and where it opened or closed during the run (seconds from the start). */
  window: { describe: string; openBefore: boolean; edges: { at: number; opens: boolean }[] };
  nodes: ReportNode[];
  workloads: ReportWorkload[];
  invariants: {
    maxNodesDisrupted: number;
    /** Nodes cordoned or NotReady before the run started (they count in maxNodesDisrupted). */
    nodesDisruptedAtStart: number;
    nodesLeftCordoned: string[];
    pdbViolations: { namespace: string; pdb: string; action: string; pods: string[]; node?: string; atSeconds: number }[];
    workloadsBelowBudget: { name: string; minReady: number; desiredHealthy: number }[];
  };
  apiRequests: { kube: number; arm: number; kubeErrors: number; armErrors: number; kubeByRequest: Record<string, number>; armByOperation: Record<string, number> };
  history: { events: number; lock: number; run: number; perNode: Record<string, number>; instances: number };
  /** Why the exit code is not 0 (empty when the run completed and every invariant held). */
  problems: string[];
}

export interface ReportFacts {
  scenario: string;
  scenarioFile?: string;
  cluster: DemoReport['cluster'];
  settings: Record<string, string>;
  concurrency: number;
  window: DemoReport['window'];
  startMs: number;
  endMs: number;
  bound: { seconds: number; limitedBy: string };
  run: RunProgress;
  nodes: readonly NodeProgress[];
  recorder: RecorderSummary;
  timeline: readonly TimelineEvent[];
  /** Seconds from the cluster's start to the timer (the timeline's zero). */
  timelineOffsetSeconds: number;
  desiredHealthy: Record<string, number | undefined>;
  nodesDisruptedAtStart: number;
  /** The nodes that needed a reboot as the run started. */
  neededReboot: readonly string[];
  historyEvents: (instanceId: string) => number;
  lockInstanceId: string;
  instanceIds: readonly string[];
}

const ZERO = { delay: 0, gate: 0, drain: 0, reboot: 0, recovery: 0 };
const round = (n: number) => Math.round(n * 10) / 10;
/** A failure's message without the stack trace the host appends on the next lines. */
const firstLine = (text: string) => text.split('\n')[0]!.trim().slice(0, 500);

/**
 * The rollout against its bound in words: `+1.3%` for a completed run; a run that ended otherwise
 * is not compared, since the bound counts every node it was to reboot, the ones it never reached too.
 */
export function overBoundText(report: Pick<DemoReport, 'outcome' | 'overCriticalPathBound'>): string {
  if (report.outcome !== 'completed') return `not compared: the run ended ${report.outcome} before its last node`;
  const over = report.overCriticalPathBound * 100;
  return `${over >= 0 ? '+' : ''}${over.toFixed(1)}%`;
}

/** Why the run skipped the node: named itself, or its pool (Windows, Spot, Upgrading, excluded…). */
export function skipOf(output: RunOutput | undefined, node: { name: string; pool: string }): { reason: string } | undefined {
  const own = output?.skipped.find((s) => s.node === node.name);
  if (own) return own;
  const pool = output?.skipped.find((s) => s.node === undefined && s.pool !== undefined && s.pool === node.pool);
  return pool && { reason: `pool ${pool.pool}: ${pool.reason}` };
}

function reportNode(facts: ReportFacts, n: NodeProgress, output: RunOutput | undefined, rebootCount: number): ReportNode {
  const result = n.result ?? output?.results.find((r) => r.node === n.name);
  const skipped = result ? undefined : skipOf(output, n);
  const outcome: ReportNodeOutcome = result?.outcome ?? (skipped ? 'skipped' : 'not-reached');
  const reason = result?.reason ?? skipped?.reason ?? (outcome === 'not-reached' && facts.run.output ? `not reached: the run ended ${facts.run.output.outcome}` : undefined);
  const toSeconds = (ms: number) => round((ms - facts.startMs) / 1000);
  return {
    name: n.name,
    pool: n.pool || result?.pool || '',
    zone: n.zone || result?.zone || '',
    rebootCount,
    outcome,
    ...(result?.step ? { step: result.step } : {}),
    ...(reason ? { reason } : {}),
    leftCordoned: result?.leftCordoned ?? false,
    evicted: result?.evicted ?? 0,
    ...(result?.startedAt ? { startedAt: result.startedAt } : {}),
    ...(result?.finishedAt ? { finishedAt: result.finishedAt } : {}),
    seconds: result?.seconds ?? { ...ZERO },
    phases: n.spans.map((s) => ({ phase: s.phase, start: toSeconds(s.start), end: toSeconds(s.end ?? facts.endMs) })),
    historyEvents: n.instanceId ? facts.historyEvents(n.instanceId) : 0,
  };
}

function readySeries(facts: ReportFacts, namespace: string, name: string, startReady: number): [number, number][] {
  const points: [number, number][] = [[0, startReady]];
  for (const e of facts.timeline) {
    if (e.kind !== 'ready' || e.namespace !== namespace || e.workload !== name) continue;
    const t = Math.max(0, round(e.t - facts.timelineOffsetSeconds));
    const last = points[points.length - 1]!;
    if (last[1] === e.ready) continue;
    if (last[0] === t) last[1] = e.ready;
    else points.push([t, e.ready]);
  }
  return points;
}

/** What the simulator itself counted for one node: reboots, and whether its sentinel is still there. */
export interface SimulatedNode {
  node: string;
  rebootCount: number;
  /** It needed a reboot when the run started. */
  neededReboot: boolean;
  /** It still needs one now. */
  stillNeedsReboot: boolean;
}

/**
 * Where the run's word and the simulator's count disagree: a node reported rebooted that the
 * simulator did not reboot exactly once, a node rebooted twice (or rebooted at all while
 * reported otherwise), a node that needed a reboot and still does while the run says completed.
 */
export function rebootProblems(report: Pick<DemoReport, 'outcome' | 'nodes'>, simulated: readonly SimulatedNode[]): string[] {
  const problems: string[] = [];
  const reported = new Map(report.nodes.map((n) => [n.name, n]));
  for (const sim of simulated) {
    const outcome = reported.get(sim.node)?.outcome;
    if (outcome === 'rebooted' && sim.rebootCount === 0) problems.push(`node ${sim.node} is reported rebooted, but the simulator saw no reboot`);
    else if (sim.rebootCount > 1) problems.push(`node ${sim.node} was rebooted ${sim.rebootCount} times by the simulator's count (exactly once expected)`);
    else if (sim.rebootCount === 1 && outcome !== 'rebooted' && outcome !== 'failed') problems.push(`node ${sim.node} was rebooted by the simulator's count, but the run reports it ${outcome ?? 'not at all'}`);
    if (report.outcome === 'completed' && sim.neededReboot && sim.stillNeedsReboot && outcome !== 'skipped') {
      problems.push(`node ${sim.node} needed a reboot and still needs one, yet the run says completed`);
    }
  }
  return problems;
}

/** Why the run is not a success: a failed or halted run, a broken invariant, or reboots the simulator counted otherwise. */
export function findProblems(report: Omit<DemoReport, 'problems'>, simulated: readonly SimulatedNode[] = []): string[] {
  const problems: string[] = [];
  if (report.outcome !== 'completed') problems.push(`the run ended ${report.outcome}${report.reason ? `: ${report.reason}` : ''}`);
  for (const n of report.nodes.filter((x) => x.outcome === 'failed')) problems.push(`node ${n.name} failed at step ${n.step ?? '?'}: ${n.reason ?? 'no reason given'}`);
  problems.push(...rebootProblems(report, simulated));
  const inv = report.invariants;
  if (inv.nodesLeftCordoned.length > 0) problems.push(`nodes left cordoned: ${inv.nodesLeftCordoned.join(', ')}`);
  for (const v of inv.pdbViolations) problems.push(`PDB ${v.namespace}/${v.pdb} violated by ${v.action} of ${v.pods.join(', ')} at T+${v.atSeconds}s`);
  for (const w of inv.workloadsBelowBudget) problems.push(`workload ${w.name} fell to ${w.minReady} ready replicas, below its PDB's desiredHealthy ${w.desiredHealthy}`);
  if (inv.maxNodesDisrupted > report.concurrency + inv.nodesDisruptedAtStart) {
    problems.push(`${inv.maxNodesDisrupted} nodes were disrupted at once, more than REBOOT_CONCURRENCY ${report.concurrency} (+${inv.nodesDisruptedAtStart} disrupted before the run)`);
  }
  return problems;
}

export function buildReport(facts: ReportFacts): DemoReport {
  const output = facts.run.output;
  const rebootCounts = new Map(facts.recorder.nodes.reboots.map((r) => [r.node, r.rebootCount]));
  const nodes = facts.nodes.map((n) => reportNode(facts, n, output, rebootCounts.get(n.name) ?? 0));
  const workloads: ReportWorkload[] = facts.recorder.workloads.map((w) => {
    const key = `${w.namespace}/${w.name}`;
    const before = facts.timeline.filter((e) => e.kind === 'ready' && e.namespace === w.namespace && e.workload === w.name && e.t <= facts.timelineOffsetSeconds);
    const atStart = before[before.length - 1];
    const startReady = atStart?.kind === 'ready' ? atStart.ready : w.replicas;
    return {
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      replicas: w.replicas,
      minReady: w.minReady,
      minReadyAtSeconds: round(w.minReadyAtSeconds - facts.timelineOffsetSeconds),
      maxUnavailable: w.maxUnavailable,
      ...(facts.desiredHealthy[key] !== undefined ? { desiredHealthy: facts.desiredHealthy[key] } : {}),
      secondsBelowDesired: round(w.secondsBelowDesired),
      ready: readySeries(facts, w.namespace, w.name, startReady),
    };
  });
  const perNode: Record<string, number> = {};
  for (const n of nodes) if (n.historyEvents > 0) perNode[n.name] = n.historyEvents;
  const runId = facts.run.runInstanceId;
  const lock = facts.historyEvents(facts.lockInstanceId);
  const run = runId ? facts.historyEvents(runId) : 0;
  const virtualSeconds = round((facts.endMs - facts.startMs) / 1000);
  const inv = facts.recorder.invariants;
  const partial: Omit<DemoReport, 'problems'> = {
    scenario: facts.scenario,
    ...(facts.scenarioFile ? { scenarioFile: facts.scenarioFile } : {}),
    cluster: facts.cluster,
    outcome: output?.outcome ?? 'failed',
    ...(output?.reason ?? facts.run.error ? { reason: firstLine(output?.reason ?? facts.run.error ?? '') } : {}),
    ...(output?.runId ?? facts.run.runId ? { runId: output?.runId ?? facts.run.runId } : {}),
    startedAt: new Date(facts.startMs).toISOString(),
    finishedAt: new Date(facts.endMs).toISOString(),
    virtualSeconds,
    criticalPathBoundSeconds: facts.bound.seconds,
    boundLimitedBy: facts.bound.limitedBy,
    overCriticalPathBound: facts.bound.seconds > 0 ? Math.round((virtualSeconds / facts.bound.seconds - 1) * 1000) / 1000 : 0,
    concurrency: facts.concurrency,
    settings: facts.settings,
    window: facts.window,
    nodes,
    workloads,
    invariants: {
      maxNodesDisrupted: inv.maxNodesDisrupted,
      nodesDisruptedAtStart: facts.nodesDisruptedAtStart,
      nodesLeftCordoned: inv.nodesLeftCordoned,
      pdbViolations: inv.pdbViolations.map((v) => ({ namespace: v.namespace, pdb: v.pdb, action: v.action, pods: v.pods, ...(v.node ? { node: v.node } : {}), atSeconds: round(v.atSeconds - facts.timelineOffsetSeconds) })),
      workloadsBelowBudget: workloads
        .filter((w) => w.desiredHealthy !== undefined && w.minReady < w.desiredHealthy)
        .map((w) => ({ name: `${w.namespace}/${w.name}`, minReady: w.minReady, desiredHealthy: w.desiredHealthy! })),
    },
    apiRequests: {
      kube: facts.recorder.apiRequests.kube.total,
      arm: facts.recorder.apiRequests.arm.total,
      kubeErrors: facts.recorder.apiRequests.kube.errors,
      armErrors: facts.recorder.apiRequests.arm.errors,
      kubeByRequest: facts.recorder.apiRequests.kube.byVerbAndResource,
      armByOperation: facts.recorder.apiRequests.arm.byResource,
    },
    history: {
      events: facts.instanceIds.reduce((sum, id) => sum + facts.historyEvents(id), 0),
      lock,
      run,
      perNode,
      instances: facts.instanceIds.length,
    },
  };
  const simulated: SimulatedNode[] = facts.recorder.nodes.reboots.map((r) => ({
    node: r.node, rebootCount: r.rebootCount, neededReboot: facts.neededReboot.includes(r.node), stillNeedsReboot: r.rebootRequired,
  }));
  return { ...partial, problems: findProblems(partial, simulated) };
}
