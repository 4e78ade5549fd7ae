// The retention timer purges finished instances older than REBOOT_HISTORY_RETENTION and keeps
// newer ones — also on its first fire after a deployment, when the host hands it a schedule
// status whose `last` is year 1 (a cutoff taken from it would purge the whole audit trail).
import { afterAll, describe, expect, it } from 'vitest';
import { runScheduledRollout, startStack, type Stack } from './stack';

describe('history retention', () => {
  let stack: Stack | undefined;
  afterAll(async () => stack?.close());

  it('purges runs older than the retention, keeps the recent ones, from its first fire on', async () => {
    const logs: string[] = [];
    stack = await startStack({ settings: { REBOOT_HISTORY_RETENTION: '7d' }, onLog: (log) => log.functionName === 'purgeHistory' && logs.push(`${log.level} ${log.message}`) });
    const old = await runScheduledRollout(stack);
    const oldRunId = (old.customStatus as { runId: string }).runId;
    expect(stack.host.getStatus(`reboot-seed-${oldRunId}`)).toBeDefined();

    stack.clock.advanceTo(stack.clock.now() + 8 * 86_400_000);
    const recent = await runScheduledRollout(stack);
    const recentRunId = (recent.customStatus as { runId: string }).runId;
    const firedAt = stack.clock.now();
    await stack.host.fireTimer('purgeHistory');

    // The first fire since the host started: no previous fire, as after a deployment on Azure;
    // past due, since the daily 02:30 occurrences of the last 8 days were never fired.
    const fires = stack.host.events.filter((e) => e.type === 'timerTriggered' && e.name === 'purgeHistory');
    expect(fires).toEqual([expect.objectContaining({ scheduleStatus: expect.objectContaining({ Last: '0001-01-01T00:00:00', Next: new Date(firedAt).toISOString() }), isPastDue: true })]);
    expect(logs.join('\n')).toMatch(new RegExp(`history purged.*${new Date(firedAt - 7 * 86_400_000).toISOString()}`));

    expect(stack.host.getStatus(`reboot-seed-${oldRunId}`)).toBeUndefined();
    const oldNode = `reboot-seed-${oldRunId}-${stack.sim.cluster.nodeNames('user')[0]}`;
    expect(stack.host.getStatus(oldNode)).toBeUndefined();
    expect(stack.host.getStatus(`reboot-seed-${recentRunId}`)).toBeDefined();
    expect(stack.host.getStatus('reboot-seed')).toBeDefined();

    await stack.host.fireTimer('purgeHistory');
    expect(stack.host.getStatus(`reboot-seed-${recentRunId}`)).toBeDefined();
  }, 240_000);
});
