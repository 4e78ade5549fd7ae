// The retention timer purges finished instances older than REBOOT_HISTORY_RETENTION and keeps
// newer ones.
import { afterAll, describe, expect, it } from 'vitest';
import { runScheduledRollout, startStack, type Stack } from './stack';

describe('history retention', () => {
  let stack: Stack | undefined;
  afterAll(async () => stack?.close());

  it('purges runs older than the retention, keeps the recent ones', async () => {
    stack = await startStack({ settings: { REBOOT_HISTORY_RETENTION: '7d' } });
    const old = await runScheduledRollout(stack);
    const oldRunId = (old.customStatus as { runId: string }).runId;
    expect(stack.host.getStatus(`reboot-seed-${oldRunId}`)).toBeDefined();

    stack.clock.advanceTo(stack.clock.now() + 8 * 86_400_000);
    const recent = await runScheduledRollout(stack);
    const recentRunId = (recent.customStatus as { runId: string }).runId;
    await stack.host.fireTimer('purgeHistory');

    expect(stack.host.getStatus(`reboot-seed-${oldRunId}`)).toBeUndefined();
    const oldNode = `reboot-seed-${oldRunId}-${stack.sim.cluster.nodeNames('user')[0]}`;
    expect(stack.host.getStatus(oldNode)).toBeUndefined();
    expect(stack.host.getStatus(`reboot-seed-${recentRunId}`)).toBeDefined();
    expect(stack.host.getStatus('reboot-seed')).toBeDefined();

    await stack.host.fireTimer('purgeHistory');
    expect(stack.host.getStatus(`reboot-seed-${recentRunId}`)).toBeDefined();
  }, 240_000);
});
