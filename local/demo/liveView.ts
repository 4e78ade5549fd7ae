// Where the progress goes while the run lasts: on a terminal, one frame redrawn in place
// (log-update) a few times a second; otherwise (a pipe, a log, CI) one line per change, in
// time order, node steps and workloads' ready counts interleaved.
import { createLogUpdate } from 'log-update';
import type { TimelineEvent } from '../aks/recorder';
import type { WorkloadReadiness } from './clusterFacts';
import type { ProgressChange } from './tracker';
import { plainLine, plainWorkloadLine, type ProgressModel, renderFrame } from './view';

export interface LiveView {
  /** Changes from the tracker, as they happen. */
  push(changes: readonly ProgressChange[]): void;
  /** Draws or prints what is left, and stops redrawing. */
  stop(): void;
}

const FRAME_MS = 100;

export function createTtyView(stream: NodeJS.WriteStream, model: () => ProgressModel): LiveView {
  const log = createLogUpdate(stream, { showCursor: false });
  const draw = () => log(renderFrame(model(), { columns: stream.columns || 100, rows: stream.rows || 40 }, true));
  draw();
  const timer = setInterval(draw, FRAME_MS);
  return {
    push() {},
    stop() {
      clearInterval(timer);
      draw();
      log.done();
    },
  };
}

export interface PlainSources {
  /** The recorder's timeline (its `ready` events are the workloads' changes). */
  timeline(): readonly TimelineEvent[];
  /** Clock ms of the cluster's start (the timeline's zero). */
  clusterStartMs: number;
  startMs: number;
  podsLeft(node: string): number;
}

export function createPlainView(write: (line: string) => void, sources: PlainSources): LiveView {
  let pending: { at: number; text: string }[] = [];
  let seen = sources.timeline().length;
  const flush = () => {
    const timeline = sources.timeline();
    const ready = timeline.slice(seen).flatMap((e) => (e.kind === 'ready' ? [e] : []));
    seen = timeline.length;
    const lines: { at: number; order: number; text: string }[] = [];
    pending.forEach((c, i) => lines.push({ ...c, order: i }));
    ready.forEach((e, i) => {
      const at = sources.clusterStartMs + e.t * 1000;
      const w: WorkloadReadiness = { namespace: e.namespace, name: e.workload, kind: '', ready: e.ready, desired: e.desired };
      lines.push({ at, order: pending.length + i, text: plainWorkloadLine(w, at, sources.startMs) });
    });
    pending = [];
    lines.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const l of lines) write(l.text);
  };
  const timer = setInterval(flush, FRAME_MS);
  return {
    push(changes) {
      // Worded now: a draining node's pod count is the cluster's at this instant.
      for (const c of changes) pending.push({ at: c.at, text: plainLine(c, sources.startMs, sources.podsLeft) });
    },
    stop() {
      clearInterval(timer);
      flush();
    },
  };
}
