// The HTTPS surface: TLS with the generated CA, bearer tokens per audience, JSON and streams.
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from '../clock';
import { type SimRequest } from './contracts';
import { armUnauthorized, kubeUnauthorized, TokenAuthority } from './auth';
import { bearerAuthenticator, startHttpsSurface, type RunningSurface } from './server';
import { createSimulatorTls, type SimulatorTls } from './tls';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function call(url: string, ca: string | undefined, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, ca, headers, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('HTTPS surfaces', () => {
  const clock = createVirtualClock(Date.UTC(2026, 0, 1));
  const authority = new TokenAuthority(clock);
  const seen: SimRequest[] = [];
  let tls: SimulatorTls;
  let kube: RunningSurface;
  let arm: RunningSurface;

  beforeAll(async () => {
    tls = await createSimulatorTls();
    kube = await startHttpsSurface({
      tls, authenticate: bearerAuthenticator(authority, 'aks', kubeUnauthorized),
      internalError: () => ({ status: 500, body: { kind: 'Status', code: 500 } }),
      handler: async (req) => {
        seen.push(req);
        if (req.path === '/watch') {
          return { status: 200, stream: (async function* () { yield '{"type":"ADDED"}\n'; yield '{"type":"MODIFIED"}\n'; })() };
        }
        if (req.path === '/boom') throw new Error('boom');
        return { status: 200, body: { path: req.path, selector: req.query.get('labelSelector'), body: req.body.toString('utf8'), client: req.client } };
      },
    });
    arm = await startHttpsSurface({
      tls, authenticate: bearerAuthenticator(authority, 'arm', (check) => armUnauthorized(check, clock.now())),
      internalError: () => ({ status: 500, body: {} }),
      handler: async () => ({ status: 204 }),
    });
  });
  afterAll(async () => {
    await kube.stop();
    await arm.stop();
  });

  it('listens on 127.0.0.1 with an ephemeral port and a certificate the CA verifies', async () => {
    expect(kube.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kube.url).not.toBe(arm.url);
    await expect(call(kube.url, undefined, '/')).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    const ok = await call(kube.url, tls.caPem, '/api/v1/nodes?labelSelector=a%3Db', { authorization: `Bearer ${authority.mint('aks', 'product').token}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ path: '/api/v1/nodes', selector: 'a=b', body: '', client: 'product' });
  });

  it('passes the body and names kubectl from its user agent', async () => {
    const answer = await call(kube.url, tls.caPem, '/x', { authorization: `Bearer ${authority.mint('aks', 'me').token}`, 'user-agent': 'kubectl/v1.32.4 (linux/amd64)' }, 'POST', '{"a":1}');
    expect(JSON.parse(answer.text)).toMatchObject({ body: '{"a":1}', client: 'kubectl' });
  });

  it.each([
    ['no token', {}],
    ['a garbage token', { authorization: 'Bearer abc.def' }],
    ['an ARM token', { authorization: `Bearer ${authority.mint('arm', 'product').token}` }],
    ['an expired token', { authorization: `Bearer ${authority.mint('aks', 'product', 0).token}` }],
  ])('kube: %s gets 401 with an Unauthorized Status', async (_what, headers) => {
    const answer = await call(kube.url, tls.caPem, '/api/v1/nodes', headers);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it.each([
    ['no token', {}, 'AuthenticationFailed'],
    ['a token with a bad signature', { authorization: `Bearer ${new TokenAuthority(clock).mint('arm', 'x').token}` }, 'InvalidAuthenticationToken'],
    ['an AKS token', { authorization: `Bearer ${authority.mint('aks', 'x').token}` }, 'InvalidAuthenticationToken'],
    ['an expired token', { authorization: `Bearer ${authority.mint('arm', 'x', -5).token}` }, 'ExpiredAuthenticationToken'],
  ])('ARM: %s gets 401 with an ARM error body and a Bearer challenge', async (_what, headers, code) => {
    const answer = await call(arm.url, tls.caPem, '/subscriptions', headers);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text).error.code).toBe(code);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer authorization_uri=/);
  });

  it('streams chunks (watch) and turns a handler crash into the surface\'s 500', async () => {
    const auth = { authorization: `Bearer ${authority.mint('aks', 'product').token}` };
    const watch = await call(kube.url, tls.caPem, '/watch', auth);
    expect(watch.text).toBe('{"type":"ADDED"}\n{"type":"MODIFIED"}\n');
    const boom = await call(kube.url, tls.caPem, '/boom', auth);
    expect(boom.status).toBe(500);
  });
});
