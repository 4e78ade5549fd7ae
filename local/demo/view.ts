// The live progress as text: a frame for a terminal (redrawn in place by the TTY view) and one
// line per change for logs and CI. Pure: the model in, strings out.
import pc from 'picocolors';
import type { WorkloadReadiness } from './clusterFacts';
import { fit, formatClock, formatDuration, plural, progressBar } from './format';
import type { NodePhase, NodeProgress, ProgressChange, RunProgress } from './tracker';

export interface ProgressModel {
  cluster: string;
  /** Clock ms now, and when the timer fired. */
  now: number;
  startMs: number;
  run: RunProgress;
  nodes: readonly NodeProgress[];
  /** Pods still to move off a node that is draining. */
  podsLeft(node: string): number;
  workloads: readonly WorkloadReadiness[];
}

type Colors = ReturnType<typeof pc.createColors>;

const ACTIVE: ReadonlySet<NodePhase> = new Set(['starting', 'delay', 'gate', 'draining', 'rebooting', 'waiting-ready', 'recovering']);

export function phaseLabel(node: NodeProgress, podsLeft: number): string {
  switch (node.phase) {
    case 'draining':
      return `draining ${plural(podsLeft, 'pod')}`;
    case 'waiting-ready':
      return 'waiting Ready';
    case 'gate':
      return 'gate (pre-drain)';
    case 'starting':
      return 'locking';
    default:
      return node.phase;
  }
}

function colorPhase(c: Colors, phase: NodePhase, text: string): string {
  if (phase === 'done') return c.green(text);
  if (phase === 'failed') return c.red(text);
  if (phase === 'skipped' || phase === 'cancelled') return c.yellow(text);
  if (phase === 'queued') return c.dim(text);
  return c.cyan(text);
}

function elapsedOf(node: NodeProgress, now: number): string {
  if (node.startedAt === undefined) return '';
  return formatDuration(((node.finishedAt ?? now) - node.startedAt) / 1000);
}

/** Nodes worth a line when they do not all fit: working ones, then finished, then queued. */
function visibleNodes(nodes: readonly NodeProgress[], rows: number): { shown: NodeProgress[]; hidden: number } {
  if (nodes.length <= rows) return { shown: [...nodes], hidden: 0 };
  const rank = (n: NodeProgress) => (ACTIVE.has(n.phase) ? 0 : n.phase === 'failed' ? 1 : n.phase === 'queued' ? 3 : 2);
  const picked = [...nodes].map((n, i) => ({ n, i })).sort((a, b) => rank(a.n) - rank(b.n) || (rank(a.n) === 2 ? (b.n.finishedAt ?? 0) - (a.n.finishedAt ?? 0) : a.i - b.i)).slice(0, Math.max(1, rows - 1));
  const shown = picked.sort((a, b) => a.i - b.i).map((x) => x.n);
  return { shown, hidden: nodes.length - shown.length };
}

export function renderFrame(model: ProgressModel, size: { columns: number; rows: number }, colors = true): string {
  const c = pc.createColors(colors);
  const width = Math.max(60, Math.min(size.columns, 120));
  const total = model.run.counts?.total ?? model.nodes.length;
  const finished = model.nodes.filter((n) => n.result).length;
  const failed = model.nodes.filter((n) => n.phase === 'failed').length;
  const elapsed = formatDuration((model.now - model.startMs) / 1000);
  const lines: string[] = [];
  lines.push(`${c.bold(model.cluster)}  ${c.dim(model.run.runId ? `run ${model.run.runId}` : '')}  ${model.run.phase}`);
  lines.push(`virtual clock ${c.bold(formatClock(model.now))} UTC   T+${elapsed}`);
  const barWidth = Math.max(10, width - 40);
  lines.push(`${c.green(progressBar(total ? finished / total : 0, barWidth))}  ${finished}/${total} nodes${failed ? c.red(`, ${failed} failed`) : ''}`);
  if (model.run.blockedBy?.length) lines.push(c.yellow(`blocked by: ${model.run.blockedBy.join('; ')}`));
  lines.push('');
  const nameWidth = Math.min(40, Math.max(4, ...model.nodes.map((n) => n.name.length)));
  lines.push(c.dim(`${fit('NODE', nameWidth)}  ${fit('POOL', 8)} ${fit('ZONE', 4)} ${fit('PHASE', 20)} ELAPSED  WAITING FOR`));
  const workloadRows = Math.min(model.workloads.length, 8);
  const { shown, hidden } = visibleNodes(model.nodes, Math.max(3, size.rows - lines.length - workloadRows - 4));
  for (const n of shown) {
    const label = phaseLabel(n, n.phase === 'draining' ? model.podsLeft(n.name) : 0);
    const waiting = ACTIVE.has(n.phase) || n.phase === 'failed' ? (n.waitingFor ?? '') : '';
    const line = `${fit(n.name, nameWidth)}  ${fit(n.pool, 8)} ${fit(n.zone, 4)} ${colorPhase(c, n.phase, fit(label, 20))} ${fit(elapsedOf(n, model.now), 8)} `;
    lines.push(line + c.dim(fit(waiting, Math.max(0, width - nameWidth - 47))));
  }
  if (hidden > 0) lines.push(c.dim(`… ${plural(hidden, 'more node')}`));
  lines.push('');
  const below = [...model.workloads].sort((a, b) => a.ready / Math.max(1, a.desired) - b.ready / Math.max(1, b.desired));
  const workloads = model.workloads.length <= workloadRows ? model.workloads : below.slice(0, workloadRows);
  const wWidth = Math.min(40, Math.max(8, ...workloads.map((w) => w.namespace.length + w.name.length + 1)));
  lines.push(c.dim(`${fit('WORKLOAD', wWidth)}  READY`));
  for (const w of workloads) {
    const ok = w.ready >= w.desired;
    const count = `${w.ready}/${w.desired}`;
    lines.push(`${fit(`${w.namespace}/${w.name}`, wWidth)}  ${ok ? c.green(count.padEnd(7)) : c.yellow(count.padEnd(7))} ${c.dim(progressBar(w.desired ? w.ready / w.desired : 1, Math.min(20, Math.max(1, w.desired))))}`);
  }
  if (model.workloads.length > workloads.length) lines.push(c.dim(`… ${plural(model.workloads.length - workloads.length, 'more workload')}, all shown in the summary`));
  return lines.join('\n');
}

/** One line of plain output for a change: `[02:03:10 T+3m10s] node  phase  (detail)`. */
export function plainLine(change: ProgressChange, startMs: number, podsLeft: (node: string) => number): string {
  const stamp = `[${formatClock(change.at)} T+${formatDuration((change.at - startMs) / 1000)}]`;
  const detail = change.detail ? `  (${change.detail})` : '';
  if (change.kind === 'run') return `${stamp} run ${change.phase}${detail}`;
  const label = change.phase === 'draining' ? `draining ${plural(podsLeft(change.node), 'pod')}` : change.phase === 'waiting-ready' ? 'waiting Ready' : change.phase;
  return `${stamp} ${change.node}  ${label}${detail}`;
}

/** One plain line for a workload whose ready count changed. */
export function plainWorkloadLine(w: WorkloadReadiness, at: number, startMs: number): string {
  return `[${formatClock(at)} T+${formatDuration((at - startMs) / 1000)}] ${w.namespace}/${w.name} ready ${w.ready}/${w.desired}`;
}
