// The demo's pure parts: the tracker that rebuilds node phases from host events, the window's
// edges on the timeline, durations as the summary prints them.
import { describe, expect, it } from 'vitest';
import { createWindow } from '../../core/window';
import { formatDuration } from '../../local/demo/format';
import { ProgressTracker } from '../../local/demo/tracker';
import { windowEdges } from '../../local/demo/windowEdges';
import type { HostEvent } from '../../local/host';

const T0 = Date.UTC(2026, 0, 5, 2);

describe('windowEdges', () => {
  it.each([
    ['opens as the run starts, closes after 02:20:00 (its last second is inside)', '02:00:00', '02:20:00', T0, T0 + 3600_000, { openBefore: false, edges: [{ at: 0, opens: true }, { at: 1201, opens: false }] }],
    ['open all along', '00:00:00', '23:59:59', T0, T0 + 3600_000, { openBefore: true, edges: [] }],
    ['closed, then opens at 02:30:30', '02:30:30', '05:00:00', T0, T0 + 3600_000, { openBefore: false, edges: [{ at: 1830, opens: true }] }],
  ])('%s', (_name, start, end, from, to, expected) => {
    expect(windowEdges(createWindow({ days: [0, 1, 2, 3, 4, 5, 6], start, end, timeZone: 'UTC' }), from, to)).toEqual(expected);
  });
});

describe('formatDuration', () => {
  it.each([[0, '0s'], [45, '45s'], [190, '3m10s'], [3723, '1h02m03s'], [2 * 86400 + 3 * 3600 + 4 * 60, '2d03h04m']])('%d s is %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});

describe('ProgressTracker', () => {
  const lock = 'reboot-seed';
  const run = 'reboot-seed-20260105T020000Z-ab12';
  const nodeId = `${run}-node-a`;
  const at = (s: number) => T0 + s * 1000;
  const step = (s: number, name: string, extra: Record<string, unknown> = {}): HostEvent => ({ type: 'customStatusChanged', at: at(s), instanceId: nodeId, customStatus: { node: 'node-a', step: name, ...extra } });
  const events: HostEvent[] = [
    { type: 'instanceStarted', at: at(0), instanceId: lock, name: 'clusterLock' },
    { type: 'instanceStarted', at: at(0), instanceId: run, name: 'clusterReboot', parentInstanceId: lock },
    { type: 'customStatusChanged', at: at(5), instanceId: run, customStatus: { phase: 'rebooting', counts: { total: 2, done: 0, failed: 0, remaining: 1 } } },
    { type: 'instanceStarted', at: at(5), instanceId: nodeId, name: 'nodeReboot', parentInstanceId: run },
    step(5, 'lock'), step(5, 'delay'), step(65, 'gate'), step(65, 'cordon'), step(66, 'drain'), step(70, 'drain', { pass: 0, remaining: 1 }),
    step(100, 'reboot'), step(130, 'waiting-ready'), step(250, 'uncordon'), step(251, 'recovery', { waitingFor: ['java-app 3/4 ready'] }), step(500, 'done'),
    { type: 'instanceCompleted', at: at(500), instanceId: nodeId, output: { node: 'node-a', pool: 'user', zone: '1', outcome: 'rebooted' } },
  ];

  it('follows a node through its phases, one change per phase, and keeps its steps as spans', () => {
    const tracker = new ProgressTracker('seed', [{ name: 'node-a', pool: 'user', zone: '1', queued: true }, { name: 'node-b', pool: 'user', zone: '2', queued: true }, { name: 'node-c', pool: 'user', zone: '3', queued: false }]);
    const changes = events.flatMap((e) => tracker.onHostEvent(e));
    expect(changes.filter((c) => c.kind === 'node').map((c) => c.phase)).toEqual(['starting', 'delay', 'gate', 'draining', 'rebooting', 'waiting-ready', 'recovering', 'done']);
    expect(changes.find((c) => c.kind === 'run')).toMatchObject({ phase: 'rebooting' });
    const a = tracker.nodes.get('node-a')!;
    expect(a.spans.map((s) => [s.phase, (s.start - T0) / 1000, (s.end! - T0) / 1000])).toEqual([
      ['lock', 5, 5], ['delay', 5, 65], ['gate', 65, 65], ['drain', 65, 100], ['reboot', 100, 130], ['waiting-ready', 130, 250], ['recovery', 250, 500],
    ]);
    expect(tracker.nodes.get('node-b')!.phase).toBe('queued');
    expect(tracker.nodes.has('node-c')).toBe(false);
    expect(tracker.run).toMatchObject({ runId: '20260105T020000Z-ab12', counts: { total: 2 } });
    expect(tracker.nodeOfInstance(nodeId)).toBe('node-a');
    expect(tracker.finished).toBe(false);
    tracker.onHostEvent({ type: 'instanceCompleted', at: at(501), instanceId: lock, output: { runId: '20260105T020000Z-ab12', outcome: 'completed', results: [] } });
    expect(tracker.finished).toBe(true);
    expect(tracker.run.phase).toBe('completed');
  });

  it('shows a failed node with its reason', () => {
    const tracker = new ProgressTracker('seed', [{ name: 'node-a', pool: 'user', zone: '1', queued: true }]);
    for (const e of events.slice(0, 12)) tracker.onHostEvent(e);
    const changes = tracker.onHostEvent({ type: 'instanceCompleted', at: at(1000), instanceId: nodeId, output: { node: 'node-a', outcome: 'failed', step: 'waiting-ready', reason: 'the node did not come back' } });
    expect(changes).toEqual([{ kind: 'node', at: at(1000), node: 'node-a', phase: 'failed', detail: 'the node did not come back' }]);
    expect(tracker.nodes.get('node-a')!.spans.at(-1)).toMatchObject({ phase: 'waiting-ready', end: at(1000) });
  });
});
