import { afterEach, describe, expect, it } from 'vitest';
import type { LocalHost } from './host';
import { brief, fixtureHost, T0 } from './testSupport';
import { executions } from './fixtures/app';

let host: LocalHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('local host engine: histories as the extension writes them', () => {
  it('runs three activities in sequence, one episode each', async () => {
    ({ host } = await fixtureHost());
    const id = host.startNew('sequence', { instanceId: 'seq-1' });
    const status = await host.waitFor(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['a-done', 'b-done', 'c-done']);
    expect(brief(host.getHistory(id))).toEqual([
      'OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled#0 step', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TaskCompleted->0', 'TaskScheduled#1 step', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TaskCompleted->1', 'TaskScheduled#2 step', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TaskCompleted->2', 'ExecutionCompleted', 'OrchestratorCompleted',
    ]);
    expect(host.stats(id)).toMatchObject({ historyEvents: 16, episodes: 4 });
  });
});
