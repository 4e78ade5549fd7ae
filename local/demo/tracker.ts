// What the rollout is doing, rebuilt from the local host's event stream the way an operator
// reads the portal: the lock's and the run's custom status, and one node instance per node
// with its step (core/runTypes NodeStep). Keeps each node's steps as time spans for the HTML
// timeline. Pure: events in, state and changes out; the cluster's side is read elsewhere.
import type { NodeResult, NodeStep, RunOutput } from '../../core/runTypes';
import type { HostEvent } from '../host';

/** What the progress view shows for a node. */
/** The suffix of a node's recovery part (orchestrations/names.ts recoveryInstanceId, ADR 0019). */
const RECOVERY_SUFFIX = '-Recovery';

export type NodePhase = 'queued' | 'starting' | 'delay' | 'gate' | 'draining' | 'rebooting' | 'waiting-ready' | 'recovering' | 'done' | 'failed' | 'skipped' | 'cancelled';

/** The bars of the timeline: the node's steps, folded into the ones a person tells apart. */
export type SpanPhase = 'lock' | 'delay' | 'gate' | 'drain' | 'reboot' | 'waiting-ready' | 'recovery';

export const SPAN_PHASES: readonly SpanPhase[] = ['lock', 'delay', 'gate', 'drain', 'reboot', 'waiting-ready', 'recovery'];

const SPAN_OF: Record<NodeStep, SpanPhase | undefined> = {
  queued: undefined,
  lock: 'lock',
  delay: 'delay',
  gate: 'gate',
  cordon: 'drain',
  drain: 'drain',
  reboot: 'reboot',
  'waiting-ready': 'waiting-ready',
  uncordon: 'recovery',
  recovery: 'recovery',
  'post-delay': 'recovery',
  done: undefined,
};

const PHASE_OF: Record<NodeStep, NodePhase> = {
  queued: 'queued',
  lock: 'starting',
  delay: 'delay',
  gate: 'gate',
  cordon: 'draining',
  drain: 'draining',
  reboot: 'rebooting',
  'waiting-ready': 'waiting-ready',
  uncordon: 'recovering',
  recovery: 'recovering',
  'post-delay': 'recovering',
  done: 'done',
};

export interface PhaseSpan {
  phase: SpanPhase;
  /** Clock ms. */
  start: number;
  end?: number;
}

export interface NodeProgress {
  name: string;
  pool: string;
  zone: string;
  phase: NodePhase;
  step?: NodeStep;
  instanceId?: string;
  startedAt?: number;
  finishedAt?: number;
  /** What the node waits for (gate reasons, pods left to drain), from its custom status. */
  waitingFor?: string;
  result?: NodeResult;
  spans: PhaseSpan[];
}

export interface RunProgress {
  lockInstanceId: string;
  runInstanceId?: string;
  runId?: string;
  phase: string;
  startedAt?: number;
  finishedAt?: number;
  counts?: { total: number; done: number; failed: number; remaining: number };
  blockedBy?: string[];
  /** The lock instance's output once it finished (a RunOutput), or why it failed. */
  output?: RunOutput;
  error?: string;
}

/** A change worth a line of plain output. */
export type ProgressChange =
  | { kind: 'node'; at: number; node: string; phase: NodePhase; detail?: string }
  | { kind: 'run'; at: number; phase: string; detail?: string };

export interface NodeInfo {
  name: string;
  pool: string;
  zone: string;
  /** Whether the node needs a reboot as the run starts (shown as queued). */
  queued: boolean;
}

type InstanceKind = { kind: 'lock' } | { kind: 'run' } | { kind: 'node'; node: string };

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function waitingFor(status: Record<string, unknown>): string | undefined {
  if (Array.isArray(status.waitingFor) && status.waitingFor.length > 0) return status.waitingFor.map(String).join('; ');
  if (typeof status.remaining === 'number') return `${status.remaining} pod${status.remaining === 1 ? '' : 's'} left`;
  return text(status.reason);
}

export class ProgressTracker {
  readonly nodes = new Map<string, NodeProgress>();
  readonly run: RunProgress;
  private readonly instances = new Map<string, InstanceKind>();

  constructor(alias: string, nodes: readonly NodeInfo[]) {
    this.run = { lockInstanceId: `reboot-${alias}`, phase: 'waiting for the timer' };
    this.instances.set(this.run.lockInstanceId, { kind: 'lock' });
    for (const n of nodes) if (n.queued) this.nodes.set(n.name, { name: n.name, pool: n.pool, zone: n.zone, phase: 'queued', spans: [] });
  }

  get finished(): boolean {
    return this.run.finishedAt !== undefined;
  }

  /** Every instance id the run started (lock, run, nodes), for history counts. */
  instanceIds(): string[] {
    return [...this.instances.keys()];
  }

  nodeOfInstance(instanceId: string): string | undefined {
    const kind = this.instances.get(instanceId);
    return kind?.kind === 'node' ? kind.node : undefined;
  }

  onHostEvent(e: HostEvent): ProgressChange[] {
    switch (e.type) {
      case 'instanceStarted':
        return this.started(e.instanceId, e.name, e.parentInstanceId, e.at);
      case 'customStatusChanged':
        return this.status(e.instanceId, e.customStatus, e.at);
      case 'instanceCompleted':
        return this.ended(e.instanceId, e.at, e.output);
      case 'instanceFailed':
        return this.ended(e.instanceId, e.at, undefined, e.error);
      case 'instanceTerminated':
        return this.ended(e.instanceId, e.at, undefined, `terminated: ${JSON.stringify(e.reason)}`);
      default:
        return [];
    }
  }

  private started(instanceId: string, name: string, parent: string | undefined, at: number): ProgressChange[] {
    if (instanceId === this.run.lockInstanceId) {
      this.run.startedAt ??= at;
      return [];
    }
    if (name === 'clusterReboot' && parent === this.run.lockInstanceId) {
      this.instances.set(instanceId, { kind: 'run' });
      this.run.runInstanceId = instanceId;
      this.run.runId = instanceId.slice(this.run.lockInstanceId.length + 1);
      return [];
    }
    if (name === 'nodeReboot' && parent !== undefined && parent === this.run.runInstanceId && instanceId.endsWith(RECOVERY_SUFFIX)) {
      // The node's recovery part (ADR 0019): the same node, carried on from its disruption.
      const node = instanceId.slice(parent.length + 1, -RECOVERY_SUFFIX.length);
      this.instances.set(instanceId, { kind: 'node', node });
      this.nodeProgress(node).finishedAt = undefined;
      return [];
    }
    if (name === 'nodeReboot' && parent !== undefined && parent === this.run.runInstanceId) {
      const node = instanceId.slice(parent.length + 1);
      this.instances.set(instanceId, { kind: 'node', node });
      const progress = this.nodeProgress(node);
      progress.instanceId = instanceId;
      progress.startedAt = at;
      progress.finishedAt = undefined;
      progress.phase = 'starting';
      return [{ kind: 'node', at, node, phase: 'starting' }];
    }
    return [];
  }

  private nodeProgress(node: string): NodeProgress {
    let p = this.nodes.get(node);
    if (!p) {
      p = { name: node, pool: '', zone: '', phase: 'queued', spans: [] };
      this.nodes.set(node, p);
    }
    return p;
  }

  private status(instanceId: string, customStatus: unknown, at: number): ProgressChange[] {
    const kind = this.instances.get(instanceId);
    if (!kind || typeof customStatus !== 'object' || customStatus === null) return [];
    const status = customStatus as Record<string, unknown>;
    if (kind.kind === 'run') {
      const phase = text(status.phase) ?? this.run.phase;
      const counts = status.counts as RunProgress['counts'];
      if (counts) this.run.counts = counts;
      const blockedBy = Array.isArray(status.blockedBy) ? status.blockedBy.map(String) : undefined;
      const changed = phase !== this.run.phase || String(blockedBy) !== String(this.run.blockedBy);
      this.run.phase = phase;
      this.run.blockedBy = blockedBy;
      return changed ? [{ kind: 'run', at, phase, ...(blockedBy ? { detail: `blocked by ${blockedBy.join('; ')}` } : {}) }] : [];
    }
    if (kind.kind === 'lock') {
      // Once the run exists, its own status says more; the lock's last word comes with its end.
      const phase = text(status.phase);
      if (!phase || phase === 'running' || phase === this.run.phase || this.run.runInstanceId) return [];
      this.run.phase = phase;
      return [{ kind: 'run', at, phase, ...(text(status.reason) ? { detail: text(status.reason) } : {}) }];
    }
    const progress = this.nodeProgress(kind.node);
    const step = text(status.step) as NodeStep | undefined;
    if (!step || progress.result) return [];
    const detail = waitingFor(status);
    const stepChanged = step !== progress.step;
    progress.waitingFor = detail;
    if (!stepChanged) return [];
    progress.step = step;
    this.openSpan(progress, SPAN_OF[step], at);
    if (PHASE_OF[step] === progress.phase) return [];
    progress.phase = PHASE_OF[step];
    return [{ kind: 'node', at, node: kind.node, phase: progress.phase, ...(detail ? { detail } : {}) }];
  }

  private openSpan(progress: NodeProgress, phase: SpanPhase | undefined, at: number): void {
    const last = progress.spans[progress.spans.length - 1];
    if (last && last.end === undefined) {
      if (last.phase === phase) return;
      last.end = at;
    }
    if (phase) progress.spans.push({ phase, start: at });
  }

  private ended(instanceId: string, at: number, output: unknown, error?: string): ProgressChange[] {
    const kind = this.instances.get(instanceId);
    if (!kind) return [];
    if (kind.kind === 'lock') {
      this.run.finishedAt = at;
      if (error) this.run.error = error;
      else this.run.output = output as RunOutput;
      this.run.phase = this.run.output?.outcome ?? 'failed';
      return [{ kind: 'run', at, phase: `finished: ${this.run.phase}`, ...(this.run.output?.reason ?? error ? { detail: this.run.output?.reason ?? error } : {}) }];
    }
    if (kind.kind === 'run') return [];
    const progress = this.nodeProgress(kind.node);
    // A disruption that hands over to its recovery part is not the node's end.
    if (output && typeof output === 'object' && 'handOff' in output && !error) return [];
    progress.finishedAt = at;
    this.openSpan(progress, undefined, at);
    const result = output && typeof output === 'object' ? (output as NodeResult) : undefined;
    if (result) {
      progress.result = result;
      progress.pool ||= result.pool;
      progress.zone ||= result.zone;
    }
    const phase: NodePhase = result?.outcome === 'rebooted' ? 'done' : result?.outcome ?? 'failed';
    const detail = result?.reason ?? error;
    progress.waitingFor = detail;
    if (phase === progress.phase && !detail) return [];
    progress.phase = phase;
    return [{ kind: 'node', at, node: kind.node, phase, ...(detail ? { detail } : {}) }];
  }
}
