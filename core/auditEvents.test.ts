import { describe, expect, it } from 'vitest';
import { auditEvents, nodeResultEvents, runEndEvents } from './auditEvents';
import type { NodeResult } from './runTypes';

const where = { cluster: 'prod', runId: '20261206T040000Z-ab12' };
const result = (node: string, outcome: NodeResult['outcome'], leftCordoned = false): NodeResult => ({
  node, pool: 'user', zone: '1', outcome, step: outcome === 'rebooted' ? undefined : 'waiting-ready', reason: outcome === 'failed' ? 'did not come back' : undefined,
  startedAt: '2026-12-06T04:00:00Z', finishedAt: '2026-12-06T04:10:00Z', seconds: { delay: 0, gate: 0, drain: 0, reboot: 0, recovery: 0 }, evicted: 0, leftCordoned, warnings: [],
});

describe('audit events', () => {
  it('names each event once, in PascalCase (the alert rules match the message prefix)', () => {
    const names = Object.values(auditEvents);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
  });

  it('raises RebootFailed for each failed node, and NodeLeftCordoned when it was left cordoned', () => {
    const events = nodeResultEvents(where, [result('a', 'rebooted'), result('b', 'failed'), result('c', 'failed', true), result('d', 'skipped')]);
    expect(events.map((e) => [e.name, e.fields.node])).toEqual([
      ['RebootFailed', 'b'],
      ['RebootFailed', 'c'],
      ['NodeLeftCordoned', 'c'],
    ]);
    expect(events[0]!.fields).toEqual({ ...where, node: 'b', step: 'waiting-ready', reason: 'did not come back' });
  });

  it.each([
    ['completed', ['RunEnded']],
    ['halted', ['RunEnded', 'RunHalted']],
    ['blocked', ['RunEnded', 'RunBlocked']],
    ['window-closed', ['RunEnded']],
    ['cancelled', ['RunEnded']],
  ] as const)('ends a %s run with %j', (outcome, names) => {
    const events = runEndEvents(where, outcome, undefined, { rebooted: 1, failed: 0, remaining: 2 });
    expect(events.map((e) => e.name)).toEqual(names);
    expect(events[0]!.fields).toEqual({ ...where, outcome, reason: outcome, rebooted: 1, failed: 0, remaining: 2 });
  });
});
