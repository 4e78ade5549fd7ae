// The maintenance timer starts nothing, and says why, when the kill switch is off or a setting
// is invalid; otherwise it starts one run per cluster and none while one is alive.
import { afterEach, describe, expect, it } from 'vitest';
import { reloadSettings } from '../../functions/settings';
import { startStack, type Stack } from './stack';

describe('the maintenance timer', () => {
  let stack: Stack | undefined;
  const logs: string[] = [];
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    logs.length = 0;
  });

  const start = (settings: Record<string, string> = {}) => startStack({ settings, onLog: (log) => logs.push(`${log.level} ${log.message}`) });

  it('starts nothing when REBOOT_ENABLED is false (the kill switch), and the API refuses starts', async () => {
    stack = await start({ REBOOT_ENABLED: 'false' });
    await stack.host.fireTimer('rebootSchedule');
    await stack.host.settle();
    expect(stack.host.getStatus('reboot-seed')).toBeUndefined();
    expect(logs.join('\n')).toMatch(/no run started: REBOOT_ENABLED is false/);
    const refused = await stack.api('POST', 'clusters/seed/reboots', {});
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'Disabled' } } });
  }, 60_000);

  it('starts nothing with an invalid setting, logs every problem, and the API answers 500 with them (secrets never shown)', async () => {
    stack = await start();
    process.env.REBOOT_DRAIN_TIMEOUT = '5 minutes';
    process.env.REBOOT_NOTIFY_URL = 'ftp://user:hunter2@hooks.example.com/x';
    try {
      reloadSettings();
      await stack.host.fireTimer('rebootSchedule');
      await stack.host.settle();
      expect(stack.host.getStatus('reboot-seed')).toBeUndefined();
      const logged = logs.join('\n');
      expect(logged).toMatch(/no run started: Invalid settings \(2 problems\)/);
      expect(logged).toMatch(/REBOOT_DRAIN_TIMEOUT: "5 minutes" is not a duration/);
      expect(logged).toMatch(/REBOOT_NOTIFY_URL/);
      expect(logged).not.toContain('hunter2');
      const answer = await stack.api('GET', 'clusters');
      expect(answer.status).toBe(500);
      expect(answer.body.error.code).toBe('InvalidSettings');
      expect(answer.body.error.message).toMatch(/REBOOT_DRAIN_TIMEOUT/);
      expect(JSON.stringify(answer.body)).not.toContain('hunter2');
    } finally {
      delete process.env.REBOOT_DRAIN_TIMEOUT;
      delete process.env.REBOOT_NOTIFY_URL;
      reloadSettings();
    }
  }, 60_000);

  it('does not start a second run while one is alive', async () => {
    stack = await start();
    await stack.host.fireTimer('rebootSchedule');
    await stack.host.settle();
    const first = stack.host.getStatus('reboot-seed');
    expect(first?.runtimeStatus).toBe('Running');
    await stack.host.fireTimer('rebootSchedule');
    expect(logs.join('\n')).toMatch(/a run is already alive; none started/);
    expect(stack.host.getStatus('reboot-seed')?.createdTime).toEqual(first?.createdTime);
  }, 60_000);
});
