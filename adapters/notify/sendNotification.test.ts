import { type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, type LoopbackServer, startLoopbackServer } from '../../test/support/loopback';
import { buildNotification } from '../../core/notifyMessages';
import { type NotifyLogger, sendNotification } from './sendNotification';

// A webhook receiver on loopback: records every request; the path decides the answer.
interface Received {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

const SECRET = 'T0000SECRET/B0000SECRET/xoxbSECRETtoken1234';
let server: LoopbackServer;
let base: string;
let received: Received[] = [];

beforeAll(async () => {
  server = await startLoopbackServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', method: req.method ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined });
      const path = req.url ?? '';
      if (path.startsWith('/slow')) return; // never answers: the sender's timeout must end it
      if (path.startsWith('/fail')) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`workflow ${path} failed: invalid_payload`);
      } else if (path.startsWith('/moved')) {
        res.writeHead(302, { location: `${base}/ok/elsewhere` }).end();
      } else if (path.startsWith('/accepted')) {
        res.writeHead(202).end();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
    });
  });
  base = server.base;
});

afterAll(() => server.close());

beforeEach(() => {
  received = [];
});

const logs: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
const logger: NotifyLogger = {
  info: (message, fields) => logs.push({ level: 'info', message, fields }),
  warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
};
// Generous: a loaded machine must not turn a good receiver into a timeout. Only the timeout
// test uses a short bound, on a receiver that never answers.
const options = { allowInsecureHttp: true, timeoutMs: 10_000, logger };

const NODE = 'aks-user-12345678-vmss000001';
const failed = buildNotification({
  event: 'node-failed',
  cluster: 'prod-weu',
  runId: '20260301T020000Z-ab12',
  at: '2026-03-01T02:30:00.000Z',
  node: NODE,
  step: 'drain',
  reason: 'PDB apps/web <allows> no disruption & timed out',
});

describe('sendNotification payloads', () => {
  it('carries the idempotency key in a header for every format and in the generic body', async () => {
    const keyed = { ...failed, idempotencyKey: `reboot-prod-weu-20260301T020000Z-ab12-${NODE}:node-failed` };
    await sendNotification([`slack+${base}/services/${SECRET}`, `generic+${base}/hook`], keyed, options);
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual([keyed.idempotencyKey, keyed.idempotencyKey]);
    expect(received.find((r) => r.path === '/hook')!.body).toMatchObject({ idempotencyKey: keyed.idempotencyKey });
  });

  it('posts a Slack incoming-webhook body: text plus blocks', async () => {
    const [outcome] = await sendNotification([`slack+${base}/services/${SECRET}`], failed, options);
    expect(outcome).toEqual({ index: 0, target: base, kind: 'slack', ok: true, status: 200 });
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.method).toBe('POST');
    expect(r.headers['content-type']).toBe('application/json');
    const body = r.body as { text: string; blocks: Array<{ type: string; text?: { type: string; text: string }; fields?: Array<{ type: string; text: string }> }> };
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toBe(failed.message.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'));
    expect(body.blocks[0]!.type).toBe('section');
    expect(body.blocks[0]!.text!.type).toBe('mrkdwn');
    expect(body.blocks[0]!.text!.text).toContain('*Node failed · prod-weu*');
    expect(body.blocks[0]!.text!.text).toContain('&lt;allows&gt; no disruption &amp; timed out');
    expect(body.blocks[1]!.fields).toContainEqual({ type: 'mrkdwn', text: `*Node*\n${NODE}` });
    expect(body.blocks[1]!.fields).toContainEqual({ type: 'mrkdwn', text: '*Step*\ndrain' });
  });

  it('posts a Teams Workflows body: a message with one Adaptive Card', async () => {
    const [outcome] = await sendNotification([`teams+${base}/accepted/workflows/x/triggers/manual/paths/invoke?sig=${SECRET}`], failed, options);
    expect(outcome).toMatchObject({ kind: 'teams', ok: true, status: 202 });
    const body = received[0]!.body as {
      type: string;
      attachments: Array<{ contentType: string; contentUrl: null; content: { type: string; version: string; body: Array<Record<string, unknown>> } }>;
    };
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    const card = body.attachments[0]!;
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.contentUrl).toBeNull();
    expect(card.content.type).toBe('AdaptiveCard');
    expect(card.content.version).toBe('1.4');
    expect(card.content.body[0]).toMatchObject({ type: 'TextBlock', text: 'Node failed · prod-weu', color: 'Attention', wrap: true });
    expect(card.content.body[1]).toMatchObject({ type: 'TextBlock', text: failed.message });
    expect(card.content.body[2]).toMatchObject({ type: 'FactSet' });
    expect(card.content.body[2]!['facts']).toContainEqual({ title: 'Reason', value: 'PDB apps/web <allows> no disruption & timed out' });
  });

  it('posts the generic JSON event to any other URL', async () => {
    const [outcome] = await sendNotification([`${base}/events`], failed, options);
    expect(outcome).toMatchObject({ kind: 'generic', ok: true });
    expect(received[0]!.body).toEqual({
      event: 'node-failed',
      cluster: 'prod-weu',
      runId: '20260301T020000Z-ab12',
      node: NODE,
      step: 'drain',
      reason: 'PDB apps/web <allows> no disruption & timed out',
      message: failed.message,
      at: '2026-03-01T02:30:00.000Z',
    });
  });

  it('sends basic-auth credentials as a header and shows none of them', async () => {
    const url = `${base}/events`.replace('http://', 'http://relay:pa%3Ass@');
    const [outcome] = await sendNotification([url], failed, options);
    expect(outcome).toMatchObject({ target: base, ok: true });
    expect(received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('relay:pa:ss').toString('base64')}`);
    expect(JSON.stringify(outcome)).not.toContain('relay');
  });
});

describe('sendNotification failures never throw', () => {
  it('reports each URL: 500, refused, redirect, invalid; the good one still goes out', async () => {
    // A port that was just free: nothing listens there.
    const refusedPort = await closedPort();

    logs.length = 0;
    const urls = [
      `slack+${base}/fail/${SECRET}`,
      `generic+http://127.0.0.1:${refusedPort}/${SECRET}`,
      `${base}/moved/${SECRET}`,
      `not a url ${SECRET}`,
      `slack+${base}/ok/${SECRET}`,
    ];
    const outcomes = await sendNotification(urls, failed, options);
    expect(outcomes.map((o) => [o.index, o.ok, o.status])).toEqual([
      [0, false, 500],
      [1, false, undefined],
      [2, false, 302],
      [3, false, undefined],
      [4, true, 200],
    ]);
    // The receiver's answer is not echoed, only its status and content type.
    expect(outcomes[0]!.error).toBe('HTTP 500 (text/plain)');
    expect(outcomes[1]!.error).toBe(`http://127.0.0.1:${refusedPort}: request failed (ECONNREFUSED)`);
    expect(outcomes[3]!.error).toMatch(/^notify URL 4 is not a URL/);
    // The redirect was not followed.
    expect(received.some((r) => r.path.startsWith('/ok/elsewhere'))).toBe(false);

    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(4);
    expect(logs.find((l) => l.level === 'info')!.fields).toMatchObject({ cluster: 'prod-weu', node: NODE, step: 'drain', event: 'node-failed', target: base });
    expect(JSON.stringify([outcomes, logs])).not.toContain('SECRET');
  });

  it('gives up on a receiver that never answers, within the bound', async () => {
    logs.length = 0;
    const outcomes = await sendNotification([`teams+${base}/slow/${SECRET}?sig=${SECRET}`], failed, { ...options, timeoutMs: 200 });
    expect(outcomes).toEqual([{ index: 0, target: base, kind: 'teams', ok: false, error: `${base}: no answer within 200 ms` }]);
    expect(received.map((r) => r.path)).toEqual([`/slow/${SECRET}?sig=${SECRET}`]);
    expect(JSON.stringify([outcomes, logs])).not.toContain('SECRET');
  });

  it('refuses http:// unless allowed, without sending', async () => {
    const [outcome] = await sendNotification([`${base}/events/${SECRET}`], failed, { logger });
    expect(outcome).toMatchObject({ ok: false, target: base });
    expect(outcome!.error).toMatch(/only https:\/\/ is accepted/);
    expect(outcome!.error).not.toContain('SECRET');
    expect(received).toHaveLength(0);
  });

  it('resolves with nothing for no URLs', async () => {
    expect(await sendNotification([], failed, options)).toEqual([]);
  });
});
