// A new version deployed while a run is in flight replays the run's history with the new code.
// The histories this release recorded mid-rollout (fixtures/in-flight-histories.json, written by
// `npm run fixtures:histories`) must replay against the code as it stands without a
// non-determinism error; when a change cannot (an activity added, removed or reordered before a
// point a history already passed), this test fails, the fixtures are recorded anew and the
// release is deployed drain-first (docs/operations.md, "Deploying a new version"). And the check
// itself can fail: a history that disagrees with the code is reported, as the extension reports it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../local/host';
import { startStack, type Stack } from '../e2e/stack';
import { readRecordedHistories, type RecordedInstance } from './inFlightHistories';

const recorded = readRecordedHistories();

describe('histories recorded by this release, replayed by the code as it stands', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => stack?.close());

  it('were recorded in flight: every orchestrator, mid-step and at the end', () => {
    const names = new Set(recorded.instances.map((i) => i.name));
    expect([...names].sort()).toEqual(['clusterLock', 'clusterReboot', 'nodeReboot']);
    expect(recorded.instances.filter((i) => i.moment !== 'completed').length).toBeGreaterThanOrEqual(5);
  });

  it.each(recorded.instances.map((i) => [`${i.name} at ${i.moment}`, i] as const))('%s replays without a non-determinism error', async (_what, instance: RecordedInstance) => {
    const check = await stack.host.replayCheck(instance.name, instance.instanceId, instance.input, instance.history);
    expect(check.nonDeterminism, `${instance.instanceId}: this change cannot replay the histories of runs in flight. Record them anew (npm run fixtures:histories) and deploy this release drain-first (docs/operations.md)`).toBeUndefined();
    expect(check.failed).toBeUndefined();
    if (instance.moment === 'completed') expect(check.done).toBe(true);
    else expect(check.done || check.decisions.length > 0 || hasOpenWait(instance)).toBe(true);
  });

  it('reports a history that disagrees with the code (an activity the code no longer calls there)', async () => {
    const node = recorded.instances.find((i) => i.name === 'nodeReboot' && i.moment === 'node 1 waiting-ready')!;
    const history = structuredClone(node.history);
    const scheduled = history.find((e) => e.EventType === EventType.TaskScheduled)!;
    scheduled.Name = `${String(scheduled.Name)}FromAnOlderRelease`;
    const check = await stack.host.replayCheck(node.name, node.instanceId, node.input, history);
    expect(check.nonDeterminism).toMatch(/FromAnOlderRelease/);
  });
});

/** An instance mid-step waits on a timer, an activity or a sub-orchestration it already scheduled. */
function hasOpenWait(instance: RecordedInstance): boolean {
  const done = new Set(instance.history.filter((e) => [EventType.TaskCompleted, EventType.TaskFailed, EventType.SubOrchestrationInstanceCompleted, EventType.SubOrchestrationInstanceFailed].includes(e.EventType as never)).map((e) => e.TaskScheduledId));
  const fired = new Set(instance.history.filter((e) => e.EventType === EventType.TimerFired).map((e) => e.TimerId));
  return instance.history.some((e) =>
    ((e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated) && !done.has(e.EventId)) ||
    (e.EventType === EventType.TimerCreated && !fired.has(e.EventId)));
}
