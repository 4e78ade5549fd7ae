import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CrashPoint } from './engine';
import { executions } from './fixtures/app';
import type { LocalHost } from './host';
import { FileHistoryStore, MemoryHistoryStore } from './store';
import { brief, fixtureHost } from './testSupport';

let host: LocalHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const label = (p: CrashPoint): string =>
  p.kind === 'appended' ? `after event ${p.eventNumber} of ${p.instanceId}`
  : p.kind === 'activityRan' ? `after activity ${p.name}#${p.taskId} ran, before its completion was recorded`
  : `after ${p.activities.map((a) => `${a.name}#${a.taskId}`).join(', ')} were sent, before the episode's history was written`;

const runsOf = (run: string): number[] => ['a', 'b', 'c'].map((s) => executions.get(`${run}/${s}`) ?? 0);

/**
 * The activities sent by the episode that event `n` (1-based) belongs to: a crash while it writes
 * its history, or before its completion is settled, leaves them running in the dead host, and the
 * restarted host runs them again (their completions were not recorded).
 */
function sentByEpisodeOf(history: string[], n: number): number[] {
  const start = n < 2 ? 0 : history.lastIndexOf('OrchestratorCompleted', n - 2) + 1;
  const end = history.indexOf('OrchestratorCompleted', n - 1);
  return history.slice(start, end).flatMap((e) => /^TaskScheduled#(\d+)/.exec(e)?.slice(1).map(Number) ?? []);
}

describe('local host crash mode: restart from the store at every point', () => {
  it('a 3-activity orchestration completes with the same output whichever point the host crashes at', async () => {
    // Dry run: every crash point of a clean run.
    const points: CrashPoint[] = [];
    ({ host } = await fixtureHost({ crashAt: (p) => (points.push(p), false) }));
    const clean = await host.waitFor(host.startNew('sequence', { instanceId: 'clean' }));
    const cleanHistory = brief(host.getHistory('clean'));
    await host.close();
    host = undefined;
    expect(points.filter((p) => p.kind === 'appended')).toHaveLength(16);
    expect(points.filter((p) => p.kind === 'activityRan')).toHaveLength(3);
    expect(points.filter((p) => p.kind === 'messagesSent')).toHaveLength(3);

    for (let k = 1; k <= points.length; k++) {
      const run = `crash-${k}`;
      let seen = 0;
      let crashedAt: CrashPoint | undefined;
      ({ host } = await fixtureHost({ store: new MemoryHistoryStore(), crashAt: (p) => (++seen === k ? ((crashedAt = p), true) : false) }));
      const status = await host.waitFor(host.startNew('sequence', { instanceId: run }));
      expect(host.restarts, `run ${k}`).toBe(1);
      expect(status.output, label(crashedAt!)).toEqual(clean.output);
      expect(brief(host.getHistory(run)), label(crashedAt!)).toEqual(cleanHistory);
      // An activity that ran but whose completion was lost runs again, and so does one whose
      // message was sent by an episode whose history was lost (the redone episode sends it
      // again); no other re-runs.
      const expected = [1, 1, 1];
      if (crashedAt!.kind === 'activityRan') expected[crashedAt!.taskId] = 2;
      if (crashedAt!.kind === 'messagesSent') for (const a of crashedAt!.activities) expected[a.taskId] = 2;
      if (crashedAt!.kind === 'appended') for (const taskId of sentByEpisodeOf(cleanHistory, crashedAt!.eventNumber)) expected[taskId] = 2;
      expect(runsOf(run), label(crashedAt!)).toEqual(expected);
      await host.close();
      host = undefined;
    }
  });

  it('duplicate delivery: every activity runs twice at once, the orchestration sees each completion once', async () => {
    const copies: string[] = [];
    ({ host } = await fixtureHost({ duplicateDelivery: (a) => (copies.push(`${a.name}#${a.taskId}`), true) }));
    const status = await host.waitFor(host.startNew('sequence', { instanceId: 'twice' }));
    expect(status.output).toEqual(['a-done', 'b-done', 'c-done']);
    expect(copies).toEqual(['step#0', 'step#1', 'step#2']);
    expect(runsOf('twice')).toEqual([2, 2, 2]);
    expect(brief(host.getHistory('twice')).filter((e) => e.startsWith('TaskCompleted'))).toEqual(['TaskCompleted->0', 'TaskCompleted->1', 'TaskCompleted->2']);
    expect(host.events.filter((e) => e.type === 'activityCompleted' && e.duplicate)).toHaveLength(3);
  });

  it('resumes from a JSON-lines file store in a new host, as after a process restart', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'local-host-')), 'history.jsonl');
    const first = await fixtureHost({ store: new FileHistoryStore(file) });
    host = first.host;
    const id = host.startNew('retrying', { instanceId: 'file-run', input: 'file-run' });
    await host.settle();
    // The first attempt failed and a retry timer is pending: stop this host and start another on the file.
    expect(brief(host.getHistory(id)).slice(-3)).toEqual(['TaskFailed->0', 'TimerCreated#1', 'OrchestratorCompleted']);
    await host.close();
    ({ host } = await fixtureHost({ store: new FileHistoryStore(file), clock: first.clock }));
    const status = await host.waitFor(id);
    expect(status.output).toBe('ok after 3');
    expect(executions.get('flaky/file-run')).toBe(3);
    expect(brief(host.getHistory(id))).toHaveLength(24);
    const ops = new Set(fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { op: string }).op));
    expect([...ops].sort()).toEqual(['append', 'dequeue', 'enqueue', 'put']);
  });
});
