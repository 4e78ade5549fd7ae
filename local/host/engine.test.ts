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

describe('local host engine: every action type', () => {
  it('retries an activity with the extension\'s retry timers and succeeds on the third attempt', async () => {
    ({ host } = await fixtureHost());
    const id = host.startNew('retrying', { instanceId: 'retry-1', input: 'retry-1' });
    const status = await host.waitFor(id);
    expect(status.output).toBe('ok after 3');
    expect(executions.get('flaky/retry-1')).toBe(3);
    const history = host.getHistory(id);
    expect(brief(history)).toEqual([
      'OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled#0 flaky', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TaskFailed->0', 'TimerCreated#1', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TimerFired->1', 'TaskScheduled#2 flaky', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TaskFailed->2', 'TimerCreated#3', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TimerFired->3', 'TaskScheduled#4 flaky', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TaskCompleted->4', 'ExecutionCompleted', 'OrchestratorCompleted',
    ]);
    // firstRetryInterval 1 s, backoff 1: each retry timer fires 1 s after the failure.
    expect(history.filter((e) => e.EventType === 10).map((e) => e.FireAt)).toEqual([new Date(T0 + 1000).toISOString(), new Date(T0 + 2000).toISOString()]);
    expect(String(history[5]!.Reason)).toContain('flaky failure 1');
  });

  it('whenAny of a timer and an external event: the event first', async () => {
    let clock;
    ({ host, clock } = await fixtureHost());
    const id = host.startNew('timerOrEvent', { instanceId: 'any-event' });
    await host.settle();
    host.raiseEvent(id, 'approve', 'yes');
    const status = await host.waitFor(id);
    expect(status.output).toEqual({ approved: 'yes' });
    expect(clock.now()).toBe(T0);
    expect(brief(host.getHistory(id))).toEqual([
      'OrchestratorStarted', 'ExecutionStarted', 'TimerCreated#0', 'OrchestratorCompleted',
      'OrchestratorStarted', 'EventRaised approve', 'ExecutionCompleted', 'OrchestratorCompleted',
    ]);
  });

  it('whenAny of a timer and an external event: the timer first', async () => {
    let clock;
    ({ host, clock } = await fixtureHost());
    const id = host.startNew('timerOrEvent', { instanceId: 'any-timer' });
    const status = await host.waitFor(id);
    expect(status.output).toEqual({ approved: false });
    expect(clock.now()).toBe(T0 + 3600_000);
    expect(brief(host.getHistory(id))).toEqual([
      'OrchestratorStarted', 'ExecutionStarted', 'TimerCreated#0', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TimerFired->0', 'ExecutionCompleted', 'OrchestratorCompleted',
    ]);
  });

  it('a failing sub-orchestration is caught by its parent', async () => {
    ({ host } = await fixtureHost());
    const id = host.startNew('parentCatches', { instanceId: 'parent-1' });
    const status = await host.waitFor(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect((status.output as { caught: string }).caught).toContain("Orchestrator function 'failingChild' failed: child broke");
    expect(brief(host.getHistory(id))).toEqual([
      'OrchestratorStarted', 'ExecutionStarted', 'SubOrchestrationInstanceCreated#0 failingChild', 'OrchestratorCompleted',
      'OrchestratorStarted', 'SubOrchestrationInstanceFailed->0', 'ExecutionCompleted', 'OrchestratorCompleted',
    ]);
    const child = host.getStatus('parent-1-child')!;
    expect(child.runtimeStatus).toBe('Failed');
    expect(child.input).toEqual({ from: 'parent' });
    expect(brief(host.getHistory('parent-1-child'))).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'ExecutionCompleted', 'OrchestratorCompleted']);
  });

  it('whenAll over activities and a sub-orchestration with an instance id', async () => {
    ({ host } = await fixtureHost());
    const id = host.startNew('fanOut', { instanceId: 'fan-1' });
    const status = await host.waitFor(id);
    expect(status.output).toEqual(['one', { two: 2 }, 'three']);
    const history = brief(host.getHistory(id));
    expect(history.slice(0, 6)).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled#0 echo', 'TaskScheduled#1 echo', 'SubOrchestrationInstanceCreated#2 childEcho', 'OrchestratorCompleted']);
    expect(history.filter((e) => e.includes('->')).sort()).toEqual(['SubOrchestrationInstanceCompleted->2', 'TaskCompleted->0', 'TaskCompleted->1']);
    expect(host.getStatus('fan-1-three')!.output).toBe('three');
  });

  it('retries a sub-orchestration (same instance id each attempt) and gives up after maxNumberOfAttempts', async () => {
    ({ host } = await fixtureHost());
    const id = host.startNew('subWithRetry', { instanceId: 'subretry' });
    const status = await host.waitFor(id);
    expect(status.output).toEqual({ gaveUp: true });
    expect(brief(host.getHistory(id))).toEqual([
      'OrchestratorStarted', 'ExecutionStarted', 'SubOrchestrationInstanceCreated#0 failingChild', 'OrchestratorCompleted',
      'OrchestratorStarted', 'SubOrchestrationInstanceFailed->0', 'TimerCreated#1', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TimerFired->1', 'SubOrchestrationInstanceCreated#2 failingChild', 'OrchestratorCompleted',
      'OrchestratorStarted', 'SubOrchestrationInstanceFailed->2', 'TimerCreated#3', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TimerFired->3', 'ExecutionCompleted', 'OrchestratorCompleted',
    ]);
    expect(host.getHistory(id).filter((e) => e.EventType === 7).map((e) => e.InstanceId)).toEqual(['subretry-retried', 'subretry-retried']);
  });

  it('continues as new three times; an event raised just before a continueAsNew is dropped', async () => {
    let clock;
    ({ host, clock } = await fixtureHost());
    const id = host.startNew('counter', { instanceId: 'counter-1', input: 0 });
    await host.settle();
    for (let minute = 1; minute <= 2; minute++) {
      clock.advanceTo(T0 + minute * 60_000);
      await host.settle();
    }
    // Generation 2 waits on its timer; the event lands in its history, unprocessed.
    host.raiseEvent(id, 'late', 'early bird');
    await host.settle();
    expect(brief(host.getHistory(id))).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'TimerCreated#0', 'OrchestratorCompleted', 'OrchestratorStarted', 'EventRaised late', 'OrchestratorCompleted']);
    clock.advanceTo(T0 + 3 * 60_000);
    await host.settle();
    // Generation 3: a fresh history without the event.
    expect(brief(host.getHistory(id))).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'TimerCreated#0', 'OrchestratorCompleted']);
    expect(host.getHistory(id)[1]!.Input).toBe('3');
    const status = await host.waitFor(id);
    expect(status.output).toEqual({ generation: 3, late: 'timed out' });
    expect(status.customStatus).toEqual({ generation: 3 });
    expect(host.events.filter((e) => e.type === 'continuedAsNew' && e.instanceId === id)).toHaveLength(3);
  });

  it('an event raised while the continue-as-new episode runs reaches the new execution (events target the instance)', async () => {
    let raised = false;
    ({ host } = await fixtureHost({
      onLog: (log) => {
        // The orchestrator logs inside the continue-as-new episode, after its batch was taken.
        if (log.message.includes('continuing as new') && !raised) {
          raised = true;
          host!.raiseEvent('ping-1', 'ping', 'during continueAsNew');
        }
      },
    }));
    host.startNew('pingAfterContinue', { instanceId: 'ping-1', input: 0 });
    const status = await host.waitFor('ping-1');
    expect(raised).toBe(true);
    expect(status.output).toEqual({ ping: 'during continueAsNew' });
    const history = brief(host.getHistory('ping-1'));
    expect(history.slice(0, 2)).toEqual(['OrchestratorStarted', 'ExecutionStarted']);
    expect(host.getHistory('ping-1')[1]!.Input).toBe('1'); // the new execution got the event
    expect(history).toContain('EventRaised ping');
  });

  it('refuses a sub-orchestration start on a live id (the parent\'s call fails; the live instance is untouched)', async () => {
    ({ host } = await fixtureHost());
    host.startNew('waitsForGo', { instanceId: 'p1-child' });
    await host.settle();
    const parent = await host.waitFor(host.startNew('parentCatches', { instanceId: 'p1' }));
    expect(parent.output).toEqual({ caught: expect.stringContaining('An Orchestration instance with the status Running already exists.') });
    expect(host.getStatus('p1-child')).toMatchObject({ name: 'waitsForGo', runtimeStatus: 'Running' });
  });

  it('resets createdTime at each continueAsNew (a new execution)', async () => {
    let clock;
    ({ host, clock } = await fixtureHost());
    const id = host.startNew('counter', { instanceId: 'created-1', input: 0 });
    await host.settle();
    expect(host.getStatus(id)!.createdTime).toBe(new Date(T0).toISOString().replace('.000', ''));
    clock.advanceTo(T0 + 60_000);
    await host.settle();
    expect(host.getStatus(id)!.createdTime).toBe(new Date(T0 + 60_000).toISOString().replace('.000', ''));
  });

  it('chunks a timer longer than 6 days into 3-day timers, as the extension does', async () => {
    let clock;
    ({ host, clock } = await fixtureHost());
    const id = host.startNew('longTimer', { instanceId: 'long-1' });
    const status = await host.waitFor(id);
    expect(status.output).toBe(new Date(T0 + 10 * 86400_000).toISOString());
    expect(clock.now()).toBe(T0 + 10 * 86400_000);
    const timers = host.getHistory(id).filter((e) => e.EventType === 10);
    expect(timers.map((e) => [e.EventId, e.FireAt])).toEqual([
      [0, new Date(T0 + 3 * 86400_000).toISOString()],
      [1, new Date(T0 + 6 * 86400_000).toISOString()],
      [2, new Date(T0 + 10 * 86400_000).toISOString()],
    ]);
  });

  it('catches an orchestrator that reads Date.now() with the determinism guard', async () => {
    ({ host } = await fixtureHost());
    const id = host.startNew('readsDateNow', { instanceId: 'now-1' });
    const status = await host.waitFor(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toMatch(/non-deterministic orchestrator 'readsDateNow'.*action #1 differs.*"functionName":"echo"/);
  });

  it('fails an orchestration whose custom status exceeds 16 KB, as the extension does', async () => {
    ({ host } = await fixtureHost());
    const id = host.startNew('bigStatus', { instanceId: 'big-1' });
    const status = await host.waitFor(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('must not exceed 16 KB');
  });

  it('runs activities with a real InvocationContext', async () => {
    ({ host } = await fixtureHost());
    const status = await host.waitFor(host.startNew('context'));
    expect(status.output).toEqual({ functionName: 'whoAmI', hasInvocationId: true });
  });

  it('reports history sizes and replay CPU time, and an event stream', async () => {
    ({ host } = await fixtureHost());
    const seen: string[] = [];
    host.on((e) => seen.push(e.type));
    const id = host.startNew('timerOrEvent', { instanceId: 'obs-1' });
    await host.waitFor(id);
    expect(seen).toEqual(['instanceStarted', 'timerCreated', 'timerFired', 'instanceCompleted']);
    expect(host.stats(id).historyEvents).toBe(8);
    expect(host.stats(id).replayCpuMs).toBeGreaterThan(0);
  });
});
