// Two starts of one cluster at the same virtual instant — the maintenance timer and an operator's
// HTTP call. On Azure Storage both starts are accepted and only the first input runs: each caller
// reports "started" only when the lock echoes its own start nonce.
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack';

describe('two starts of one cluster at once', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it.each(['azureStorage', 'azureManaged'] as const)('%s: the timer and the API start together; one run, the loser told who won', async (backend) => {
    const logs: string[] = [];
    stack = await startStack({ backend, settings: { REBOOT_START_TIME: '00:00', REBOOT_END_TIME: '23:59' }, onLog: (log) => log.functionName === 'rebootSchedule' && logs.push(log.message) });
    const startedAt = stack.clock.now();
    const [, answer] = await Promise.all([stack.host.fireTimer('rebootSchedule'), stack.api('POST', 'clusters/seed/reboots', { reason: 'race' })]);
    expect(stack.host.events.filter((e) => e.type === 'instanceStarted' && e.instanceId === 'reboot-seed')).toHaveLength(1);
    if (backend === 'azureStorage') expect(stack.host.events.filter((e) => e.type === 'startDiscarded' && e.instanceId === 'reboot-seed')).toHaveLength(1);

    const lock = stack.host.getStatus('reboot-seed')!;
    const input = lock.input as { trigger: string; startNonce: string };
    expect((lock.customStatus as { startNonce: string }).startNonce).toBe(input.startNonce);
    const timerSays = logs.find((l) => /run started|another start won/.test(l)) ?? '';
    if (input.trigger === 'manual') {
      expect(answer.status).toBe(202);
      expect(answer.body.runId).toBe((lock.customStatus as { runId: string }).runId);
      expect(timerSays).toMatch(/another start won/);
    } else {
      expect(timerSays).toMatch(/run started/);
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ error: { code: 'RunInProgress' }, run: { trigger: 'schedule', requestedBy: 'timer' } });
    }
    expect(stack.clock.now() - startedAt).toBeLessThan(60_000);
  }, 240_000);

  it('a start the lock does not confirm within the wait answers 202 with the Location of the current run, which then shows it', async () => {
    // A worker that takes 45 s to start (scale from zero): the lock's first episode, which echoes
    // the start nonce, comes after the API's 30 s confirmation wait.
    stack = await startStack({ latency: { seed: 1, maxPollingIntervalMs: 0, minColdStartMs: 45_000, maxColdStartMs: 45_000 } });
    const startedAt = stack.clock.now();
    const answer = await stack.api('POST', 'clusters/seed/reboots', { reason: 'slow start' });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ cluster: 'seed', pending: 'start', links: { current: '/api/clusters/seed/reboots' } });
    expect(answer.body.runId).toBeUndefined();
    expect(answer.location).toBe('/api/clusters/seed/reboots');
    expect(stack.clock.now() - startedAt).toBeGreaterThanOrEqual(30_000);
    expect(stack.clock.now() - startedAt).toBeLessThan(45_000);
    const runId = (): string | undefined => (stack!.host.getStatus('reboot-seed')?.customStatus as { runId?: string } | undefined)?.runId;
    await stack.host.runUntil(() => !!runId() && stack!.host.getStatus(`reboot-seed-${runId()!}`)?.customStatus !== undefined, { maxRealMs: 60_000, maxVirtualMs: 120_000 });
    const current = await stack.api('GET', answer.location!.slice('/api/'.length));
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ runId: runId(), trigger: 'manual', request: { reason: 'slow start' } });
    expect(stack.host.events.filter((e) => e.type === 'instanceStarted' && e.instanceId === 'reboot-seed')).toHaveLength(1);
  }, 240_000);
});
