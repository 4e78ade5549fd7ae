// The custom status of a run: what the portal and the status API show while it runs. Its
// size must stay far below the 16 KB the extension allows, whatever the cluster size, so
// lists are cut to a few entries and long strings are shortened.
import type { ControlState, NodeResult, NodeStep, PlannedNode } from './runTypes';

export const STATUS_LIST_LIMIT = 10;
const TEXT_LIMIT = 200;

export interface RunStatusInput {
  runId: string;
  phase: string;
  window: { open: boolean; nextOpening?: string };
  control: ControlState;
  total: number;
  results: NodeResult[];
  current: Array<{ node: string; step: NodeStep; since: string }>;
  next: PlannedNode[];
  blockedBy?: string[];
  /** Nodes still to start and why each waits (core/criticalPathSchedule waitReason), in queue order. */
  waiting?: Array<{ node: string; reason: string }>;
}

export interface RunStatus {
  runId: string;
  phase: string;
  window: { open: boolean; nextOpening?: string };
  control: ControlState;
  counts: { total: number; done: number; failed: number; remaining: number };
  current: Array<{ node: string; step: NodeStep; since: string }>;
  recent: Array<{ node: string; outcome: string; step?: string; reason?: string }>;
  next: string[];
  blockedBy?: string[];
  waiting?: Array<{ node: string; reason: string }>;
}

function shorten(text: string): string {
  return text.length <= TEXT_LIMIT ? text : `${text.slice(0, TEXT_LIMIT - 1)}…`;
}

export function buildRunStatus(input: RunStatusInput): RunStatus {
  const failed = input.results.filter((r) => r.outcome === 'failed').length;
  const done = input.results.length - failed;
  const status: RunStatus = {
    runId: input.runId,
    phase: input.phase,
    window: input.window,
    control: { ...input.control, acknowledged: input.control.acknowledged.slice(-STATUS_LIST_LIMIT) },
    counts: { total: input.total, done, failed, remaining: Math.max(0, input.total - input.results.length - input.current.length) },
    current: input.current.slice(0, STATUS_LIST_LIMIT),
    recent: input.results.slice(-STATUS_LIST_LIMIT).map((r) => ({
      node: r.node,
      outcome: r.outcome,
      ...(r.step && r.outcome !== 'rebooted' ? { step: r.step } : {}),
      ...(r.reason ? { reason: shorten(r.reason) } : {}),
    })),
    next: input.next.slice(0, STATUS_LIST_LIMIT).map((n) => n.node),
  };
  if (input.blockedBy?.length) status.blockedBy = input.blockedBy.slice(0, STATUS_LIST_LIMIT).map(shorten);
  if (input.waiting?.length) status.waiting = input.waiting.slice(0, STATUS_LIST_LIMIT).map((w) => ({ node: w.node, reason: shorten(w.reason) }));
  return status;
}
