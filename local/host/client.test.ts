import { afterEach, describe, expect, it } from 'vitest';
import * as df from 'durable-functions';
import { InvocationContext } from '@azure/functions';
import type { LocalHost } from './host';
import { fixtureHost, T0 } from './testSupport';

let host: LocalHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

// The real durable-functions client, built from the binding value the host hands to client functions.
const clientOf = (h: LocalHost): df.DurableClient => {
  const input = df.input.durableClient();
  const context = new InvocationContext({ functionName: 'testClient', options: { extraInputs: [input] } });
  context.extraInputs.set(input, h.durableClient);
  return df.getClient(context);
};

describe('local host: the extension HTTP API through the real DurableClient', () => {
  it('starts through an HTTP function with a function key and answers createCheckStatusResponse; 401 without the key', async () => {
    ({ host } = await fixtureHost());
    const url = `${host.origin}/api/orchestrators/sequence?id=http-1`;
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${url}&code=${host.keys.system}`, { method: 'POST' })).status).toBe(401);
    const res = await fetch(url, { method: 'POST', headers: { 'x-functions-key': host.keys.function } });
    expect(res.status).toBe(202);
    const links = (await res.json()) as Record<string, string>;
    expect(links.id).toBe('http-1');
    expect(res.headers.get('location')).toBe(links.statusQueryGetUri);
    expect(links.statusQueryGetUri).toContain(`code=${host.keys.system}`);
    await host.waitFor('http-1');
    const status = await fetch(links.statusQueryGetUri!);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ instanceId: 'http-1', runtimeStatus: 'Completed', output: ['a-done', 'b-done', 'c-done'], createdTime: new Date(T0).toISOString().replace('.000', '') });
    const noKey = await fetch(links.statusQueryGetUri!.replace(/code=[^&]+/, 'code=wrong'));
    expect(noKey.status).toBe(401);
  });

  it('serves anonymous HTTP functions with route parameters; unknown routes are 404', async () => {
    ({ host } = await fixtureHost());
    expect(await (await fetch(`${host.origin}/api/hello/ada`)).json()).toEqual({ hello: 'ada' });
    expect(await (await fetch(`${host.origin}/api/hello`)).json()).toEqual({ hello: 'world' });
    expect((await fetch(`${host.origin}/api/hello`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${host.origin}/api/nope`)).status).toBe(404);
    // Path escapes as Kestrel decodes them (urlDecoder.ts): malformed ones and %2F kept, NUL refused.
    expect(await (await fetch(`${host.origin}/api/hello/a%20da`)).json()).toEqual({ hello: 'a da' });
    expect(await (await fetch(`${host.origin}/api/hello/%ZZ%ED%A0%80`)).json()).toEqual({ hello: '%ZZ%ED%A0%80' });
    expect(await (await fetch(`${host.origin}/api/hello/a%2Fb`)).json()).toEqual({ hello: 'a%2Fb' });
    expect((await fetch(`${host.origin}/api/hello/a%00`)).status).toBe(400);
  });

  it('getStatus with showHistory and showInput; 404 (a throw) for unknown ids', async () => {
    ({ host } = await fixtureHost());
    const client = clientOf(host);
    const id = await client.startNew('sequence', { instanceId: 'st-1', input: { x: 1 } });
    await host.waitFor(id);
    const status = await client.getStatus(id, { showHistory: true, showHistoryOutput: true, showInput: true });
    expect(status.input).toEqual({ x: 1 });
    expect(status.output).toEqual(['a-done', 'b-done', 'c-done']);
    // The extension names the field historyEvents; the SDK's DurableOrchestrationStatus reads
    // `history`, so through the client it stays undefined, as against Azure.
    expect(status.history).toBeUndefined();
    const raw = (await (await fetch(`${host.durableClient.rpcBaseUrl}instances/${id}?showHistory=true&showHistoryOutput=true`)).json()) as { historyEvents: unknown[] };
    const history = raw.historyEvents as { EventType: string; FunctionName?: string; Result?: unknown }[];
    expect(history.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'TaskCompleted', 'TaskCompleted', 'TaskCompleted', 'ExecutionCompleted']);
    expect(history[1]).toMatchObject({ FunctionName: 'step', Result: 'a-done' });
    // The v3 client only sends showInput when true; the extension's default is to show it.
    expect((await client.getStatus(id, { showInput: false })).input).toEqual({ x: 1 });
    expect(((await (await fetch(`${host.durableClient.rpcBaseUrl}instances/${id}?showInput=false`)).json()) as { input: unknown }).input).toBeNull();
    await expect(client.getStatus('nobody')).rejects.toThrow(/404/);
  });

  it('enforces the singleton rule: a start on a running id is rejected, after completion it is accepted', async () => {
    ({ host } = await fixtureHost());
    const client = clientOf(host);
    await client.startNew('waitsForGo', { instanceId: 'single' });
    await host.settle();
    await expect(client.startNew('waitsForGo', { instanceId: 'single' })).rejects.toThrow(/500.*An Orchestration instance with the status Running already exists/);
    await client.raiseEvent('single', 'go', 1);
    expect((await host.waitFor('single')).output).toEqual({ go: 1 });
    await client.startNew('waitsForGo', { instanceId: 'single' });
    await host.settle();
    expect((await client.getStatus('single')).runtimeStatus).toBe('Running');
    await expect(client.startNew('noSuchOrchestrator')).rejects.toThrow(/400/);
  });

  it('Azure Storage start race: two starts of one id at the same instant both answer 202 and only the first input runs', async () => {
    let clock;
    ({ host, clock } = await fixtureHost({ backend: 'azureStorage' }));
    const client = clientOf(host);
    await Promise.all([client.startNew('childEcho', { instanceId: 'race', input: 'first' }), client.startNew('childEcho', { instanceId: 'race', input: 'second' })]);
    expect(host.events.filter((e) => e.type === 'startDiscarded')).toEqual([expect.objectContaining({ instanceId: 'race', input: 'second' })]);
    await host.settle();
    // At the instant of the starts a client cannot read the instance yet: its row has not landed.
    await expect(client.getStatus('race')).rejects.toThrow(/404/);
    expect(host.getStatus('race')).toMatchObject({ runtimeStatus: 'Completed', output: 'first' });
    clock.advanceTo(T0 + 1);
    expect((await client.getStatus('race')).output).toBe('first');
    // A moment later the row is there: a start on the running id is refused as on any backend.
    await client.startNew('waitsForGo', { instanceId: 'race-2' });
    await host.settle();
    clock.advanceTo(T0 + 2);
    await expect(client.startNew('waitsForGo', { instanceId: 'race-2' })).rejects.toThrow(/500.*already exists/);
  });

  it('Durable Task Scheduler: of two overlapping starts of one id, the second is refused', async () => {
    ({ host } = await fixtureHost({ backend: 'azureManaged' }));
    const client = clientOf(host);
    const results = await Promise.allSettled([client.startNew('waitsForGo', { instanceId: 'dts', input: 'first' }), client.startNew('waitsForGo', { instanceId: 'dts', input: 'second' })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/500.*already exists/);
    expect(host.events.filter((e) => e.type === 'instanceStarted')).toHaveLength(1);
  });

  it('validates instance ids as the extension does: no / \\ # ? or control characters, no leading @, at most 256 characters (400)', async () => {
    ({ host } = await fixtureHost());
    const start = (id: string) => fetch(`${host!.durableClient.rpcBaseUrl}orchestrators/sequence/${encodeURIComponent(id)}`, { method: 'POST' });
    for (const bad of ['a/b', 'a\\b', 'a#b', 'a?b', 'a\u0007b', '@entity', 'x'.repeat(257)]) {
      const res = await start(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { ExceptionMessage: string }).ExceptionMessage).toMatch(/must not|must not exceed 256/);
    }
    expect((await start('x'.repeat(256))).status).toBe(202);
  });

  it('fires the timer with the status from before the fire: year 1 first, then the previous fire; past due when catching up', async () => {
    let clock;
    ({ host, clock } = await fixtureHost());
    type Fired = { started: boolean; scheduleStatus: { last: string; next: string; lastUpdated: string }; isPastDue: boolean };
    // T0 is 01:00; the schedule is 02:00 daily. No status yet (as after a deployment): last is year 1.
    const first = (await host.fireTimer('nightly')) as Fired;
    expect(first).toMatchObject({ started: true, isPastDue: false, scheduleStatus: { last: '0001-01-01T00:00:00', next: new Date(T0).toISOString(), lastUpdated: '0001-01-01T00:00:00' } });
    await host.settle();
    const second = (await host.fireTimer('nightly')) as Fired;
    expect(second).toMatchObject({ started: false, isPastDue: false, scheduleStatus: { last: new Date(T0).toISOString(), next: new Date(T0).toISOString() } });
    // The 02:00 occurrence the listener expected was missed: the next fire catches it up.
    clock.advanceTo(T0 + 5 * 3600_000);
    const late = (await host.fireTimer('nightly')) as Fired;
    expect(late).toMatchObject({ isPastDue: true, scheduleStatus: { last: new Date(T0).toISOString(), next: new Date(T0 + 5 * 3600_000).toISOString() } });
    expect(host.events.filter((e) => e.type === 'timerTriggered').map((e) => e.type === 'timerTriggered' && e.isPastDue)).toEqual([false, false, true]);
  });

  it('a client function holds virtual time still while it runs, however long its machine takes', async () => {
    let clock;
    ({ host, clock } = await fixtureHost());
    await clientOf(host).startNew('counter', { instanceId: 'held', input: 3 });
    await host.settle();
    const flag = globalThis as { slowClientStarted?: boolean };
    flag.slowClientStarted = false;
    const answered = fetch(`${host.origin}/api/slow`);
    for (let i = 0; i < 200 && !flag.slowClientStarted; i++) await new Promise((r) => setTimeout(r, 10));
    expect(flag.slowClientStarted).toBe(true);
    // The orchestration's one-minute timer is due; time may reach it only once the client is done.
    const driven = host.runUntilIdle();
    expect((await answered).status).toBe(200);
    expect(clock.now()).toBe(T0);
    await driven;
    expect(clock.now()).toBeGreaterThanOrEqual(T0 + 60_000);
  });

  it('raiseEvent: 202 while running, then 410 once finished; unknown instance rejects', async () => {
    ({ host } = await fixtureHost());
    const client = clientOf(host);
    await client.startNew('waitsForGo', { instanceId: 'ev-1' });
    await client.raiseEvent('ev-1', 'go', { ok: true });
    expect((await host.waitFor('ev-1')).output).toEqual({ go: { ok: true } });
    await expect(client.raiseEvent('ev-1', 'go', 2)).resolves.toBeUndefined(); // 410 is not an error for the client
    const gone = await fetch(`${host.durableClient.rpcBaseUrl}instances/ev-1/raiseEvent/go`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '2' });
    expect(gone.status).toBe(410);
    await expect(client.raiseEvent('nobody', 'go', 1)).rejects.toThrow(/No instance with ID 'nobody'/);
  });

  it('terminates a running instance', async () => {
    ({ host } = await fixtureHost());
    const client = clientOf(host);
    await client.startNew('waitsForGo', { instanceId: 'term-1' });
    await host.settle();
    await client.terminate('term-1', 'no longer needed');
    const status = await host.waitFor('term-1');
    expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'no longer needed' });
    expect(host.getHistory('term-1').map((e) => e.EventType)).toEqual([12, 0, 13, 12, 3, 1, 13]);
  });

  it('suspends (events are held) and resumes (they are processed)', async () => {
    ({ host } = await fixtureHost());
    const client = clientOf(host);
    await client.startNew('waitsForGo', { instanceId: 'sus-1' });
    await host.settle();
    await client.suspend('sus-1', 'maintenance');
    await host.settle();
    expect((await client.getStatus('sus-1')).runtimeStatus).toBe('Suspended');
    await client.raiseEvent('sus-1', 'go', 'while suspended');
    await host.settle();
    expect((await client.getStatus('sus-1')).runtimeStatus).toBe('Suspended');
    await client.resume('sus-1', 'done');
    const status = await host.waitFor('sus-1');
    expect(status.output).toEqual({ go: 'while suspended' });
    expect(host.getHistory('sus-1').map((e) => e.EventType)).toEqual([12, 0, 13, 12, 19, 13, 12, 20, 15, 1, 13]);
  });

  it('lists with status and time filters (and instanceIdPrefix over HTTP), and purges', async () => {
    let clock;
    ({ host, clock } = await fixtureHost());
    const client = clientOf(host);
    await client.startNew('sequence', { instanceId: 'list-a' });
    await host.waitFor('list-a');
    clock.advanceTo(T0 + 3600_000);
    await client.startNew('waitsForGo', { instanceId: 'list-b' });
    await host.settle();
    const running = await client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Running] });
    expect(running.map((s) => s.instanceId)).toEqual(['list-b']);
    const late = await client.getStatusBy({ createdTimeFrom: new Date(T0 + 1000) });
    expect(late.map((s) => s.instanceId)).toEqual(['list-b']);
    const byPrefix = (await (await fetch(`${host.durableClient.rpcBaseUrl}instances/?instanceIdPrefix=list-a`)).json()) as { instanceId: string }[];
    expect(byPrefix.map((s) => s.instanceId)).toEqual(['list-a']);
    expect(await client.purgeInstanceHistory('list-a')).toMatchObject({ instancesDeleted: 1 });
    await expect(client.getStatus('list-a')).rejects.toThrow(/404/);
    expect(await client.purgeInstanceHistoryBy({ createdTimeFrom: new Date(T0 - 1000), runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] })).toMatchObject({ instancesDeleted: 0 });
  });

  it('reads createdTime bounds as .NET DateTime.TryParse does: a year-0 cutoff is "now" for a purge, no bound for a list', async () => {
    let clock;
    ({ host, clock } = await fixtureHost());
    const client = clientOf(host);
    await client.startNew('sequence', { instanceId: 'old-a' });
    await host.waitFor('old-a');
    clock.advanceTo(T0 + 86_400_000);
    await client.startNew('sequence', { instanceId: 'new-b' });
    await host.waitFor('new-b');
    const base = host.durableClient.rpcBaseUrl;
    const listed = (await (await fetch(`${base}instances/?createdTimeFrom=0000-12-25T02:30:00.000Z`)).json()) as { instanceId: string }[];
    expect(listed.map((s) => s.instanceId).sort()).toEqual(['new-b', 'old-a']);
    expect((await fetch(`${base}instances/?createdTimeTo=2026-01-05T12:00:00Z`, { method: 'DELETE' })).status).toBe(400); // no createdTimeFrom
    // What the app's year-1 bug sent: the cutoff cannot be parsed, so the extension purges up to now.
    const yearOne = new Date(0);
    yearOne.setUTCFullYear(1, 0, 1);
    const purged = await client.purgeInstanceHistoryBy({ createdTimeFrom: new Date(0), createdTimeTo: new Date(yearOne.getTime() - 7 * 86_400_000) });
    expect(purged).toMatchObject({ instancesDeleted: 2 });
  });
});
