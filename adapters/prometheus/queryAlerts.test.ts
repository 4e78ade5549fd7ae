import { type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, type LoopbackServer, startLoopbackServer } from '../../test/support/loopback';
import { type AlertFilter, type AlertNameMatcher, compileAlertFilterRegexp, prometheusBlocker } from '../../core/blockers';
import { fetchAlertsFact, parseAlertsResponse, queryAlerts } from './queryAlerts';

// A Prometheus stub on loopback. /prom answers ALERTS with firing and pending alerts (kured's
// own test fixture plus a zero-valued series and a duplicate name); other paths misbehave.
const sample = (alertname: string, alertstate: string, value = '1', extra: Record<string, string> = {}) => ({
  metric: { __name__: 'ALERTS', alertname, alertstate, ...extra },
  value: [1772330400, value],
});
const ALERTS = {
  status: 'success',
  data: {
    resultType: 'vector',
    result: [
      sample('GatekeeperViolations', 'firing', '1', { severity: 'warning' }),
      sample('PodCrashing-dev', 'firing', '1', { namespace: 'dev' }),
      sample('PodRestart-dev', 'firing', '1', { namespace: 'qa' }),
      sample('PrometheusTargetDown', 'firing'),
      sample('ScheduledRebootFailing', 'pending'),
      sample('KubeNodeNotReady', 'pending', '1', { node: 'a' }),
      sample('KubeNodeNotReady', 'firing', '1', { node: 'b' }),
      sample('Silenced', 'firing', '0'),
    ],
  },
};

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
}
let server: LoopbackServer;
let base: string;
let seen: Seen[] = [];

beforeAll(async () => {
  server = await startLoopbackServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    seen.push({ path: req.url ?? '', headers: req.headers });
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/prom/api/v1/query' && url.searchParams.get('query') === 'ALERTS') return json(200, ALERTS);
    if (url.pathname === '/down/api/v1/query') return json(503, { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' });
    if (url.pathname === '/html/api/v1/query') return res.writeHead(500, { 'content-type': 'text/html' }).end(`<h1>500</h1> proxy error for ${req.url}`);
    if (url.pathname === '/broken/api/v1/query') return res.writeHead(200, { 'content-type': 'application/json' }).end('ECHO <script>alert(1)</script>');
    if (url.pathname === '/odd/api/v1/query') return json(500, { status: 'error', errorType: 'weird ECHO type', error: 'ECHO this back' });
    if (url.pathname === '/matrix/api/v1/query') return json(200, { status: 'success', data: { resultType: 'matrix', result: [] } });
    if (url.pathname === '/moved/api/v1/query') return res.writeHead(301, { location: '/prom/api/v1/query' }).end();
    if (url.pathname === '/slow/api/v1/query') return; // never answers
    json(404, { status: 'error', errorType: 'not_found', error: 'no such path' });
  });
  base = server.base;
});

afterAll(() => server.close());

beforeEach(() => {
  seen = [];
});

const NOW = Date.parse('2026-03-01T02:00:00.250Z');
// Generous: only the timeout test wants a short bound.
const TIMEOUT = 10_000;

const re = (source: string): AlertNameMatcher => {
  const compiled = compileAlertFilterRegexp(source);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.regexp;
};

describe('queryAlerts against a Prometheus stub', () => {
  it('runs the ALERTS instant query at `now` under the URL path prefix', async () => {
    const samples = await queryAlerts(`${base}/prom/`, { now: NOW, timeoutMs: TIMEOUT });
    expect(samples).toHaveLength(8);
    expect(samples[0]).toEqual({ labels: { __name__: 'ALERTS', alertname: 'GatekeeperViolations', alertstate: 'firing', severity: 'warning' }, value: 1 });
    expect(samples[7]!.value).toBe(0);
    const query = new URL(seen[0]!.path, base);
    expect(query.pathname).toBe('/prom/api/v1/query');
    expect(query.searchParams.get('query')).toBe('ALERTS');
    expect(query.searchParams.get('time')).toBe('1772330400.250');
  });

  // Every filter option of kured and their combinations, end to end through the stub.
  const FIRING = ['GatekeeperViolations', 'KubeNodeNotReady', 'PodCrashing-dev', 'PodRestart-dev', 'PrometheusTargetDown'];
  it.each<[string, AlertFilter, string[]]>([
    ['no filter: firing and pending alerts block, zero-valued ones do not', { matchOnly: false, firingOnly: false }, [...FIRING, 'ScheduledRebootFailing']],
    ['firing-only', { matchOnly: false, firingOnly: true }, FIRING],
    ['regexp ignores matching alerts', { regexp: re('^Pod|Gatekeeper'), matchOnly: false, firingOnly: false }, ['KubeNodeNotReady', 'PrometheusTargetDown', 'ScheduledRebootFailing']],
    ['regexp + firing-only', { regexp: re('^Pod|Gatekeeper'), matchOnly: false, firingOnly: true }, ['KubeNodeNotReady', 'PrometheusTargetDown']],
    ['match-only: only matching alerts block', { regexp: re('^(KubeNodeNotReady|ScheduledRebootFailing)$'), matchOnly: true, firingOnly: false }, ['KubeNodeNotReady', 'ScheduledRebootFailing']],
    ['match-only + firing-only: the pending one drops, the firing series of a name keeps it', { regexp: re('^(KubeNodeNotReady|ScheduledRebootFailing)$'), matchOnly: true, firingOnly: true }, ['KubeNodeNotReady']],
    ['match-only without a regexp: every alert', { matchOnly: true, firingOnly: false }, [...FIRING, 'ScheduledRebootFailing']],
    ['match-only with nothing matching: clear', { regexp: re('NoSuchAlert'), matchOnly: true, firingOnly: false }, []],
    ['a regexp that ignores everything: clear', { regexp: re('.'), matchOnly: false, firingOnly: false }, []],
  ])('%s', async (_why, filter, names) => {
    const alerts = await fetchAlertsFact(`${base}/prom`, { now: NOW, timeoutMs: TIMEOUT });
    const verdict = prometheusBlocker({ alerts, filter });
    expect(verdict.blocked).toBe(names.length > 0);
    if (names.length > 0) expect(verdict.reason).toBe(`${names.length} active Prometheus alert${names.length === 1 ? '' : 's'}: ${names.join(', ')}`);
  });

  it('sends basic-auth credentials from the URL as a header, and extra headers', async () => {
    const url = base.replace('http://', 'http://reader:s3cr%40t@') + '/prom';
    await queryAlerts(url, { now: NOW, timeoutMs: TIMEOUT, headers: { 'x-scope-orgid': 'tenant-1' } });
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('reader:s3cr@t').toString('base64')}`);
    expect(seen[0]!.headers['x-scope-orgid']).toBe('tenant-1');
  });
});

describe('a Prometheus that cannot answer blocks (fail closed), without leaking credentials', () => {
  const withAuth = (path: string) => base.replace('http://', 'http://reader:topsecret@') + path;
  it.each([
    ['an error status', '/down', 'HTTP 503: query failed (unavailable)'],
    ['a 500 that is not the API', '/html', 'HTTP 500 (text/html): not a Prometheus API answer'],
    ['a result that is not a vector', '/matrix', 'HTTP 200: unexpected result type matrix (expected vector)'],
    ['JSON that is not JSON', '/broken', 'HTTP 200 (application/json): not a Prometheus API answer (not JSON)'],
    ['an error of a type Prometheus does not have', '/odd', 'HTTP 500: query failed (an unknown error type)'],
    ['a redirect', '/moved', 'HTTP 301 (redirects are not followed: configure the final URL)'],
  ])('%s', async (_why, path, error) => {
    const alerts = await fetchAlertsFact(withAuth(path), { now: NOW, timeoutMs: TIMEOUT });
    expect(alerts.ok).toBe(false);
    const verdict = prometheusBlocker({ alerts, filter: { matchOnly: false, firingOnly: false } });
    expect(verdict.blocked).toBe(true);
    expect(verdict.reason).toContain(`could not query Prometheus alerts: ${base}: ${error}`);
    expect(verdict.reason).not.toMatch(/topsecret|reader/);
    // Nothing of what the server answered is repeated: only status, content type and shape.
    expect(verdict.reason).not.toMatch(/TSDB|proxy error|<h1>|ECHO|weird/);
  });

  it('an unreachable Prometheus', async () => {
    const port = await closedPort();
    const alerts = await fetchAlertsFact(`http://reader:topsecret@127.0.0.1:${port}/`, { now: NOW, timeoutMs: TIMEOUT });
    expect(alerts).toEqual({ ok: false, error: `http://127.0.0.1:${port}: request failed (ECONNREFUSED)` });
    expect(prometheusBlocker({ alerts, filter: { matchOnly: false, firingOnly: false } }).blocked).toBe(true);
  });

  it('a Prometheus that never answers, within the bound', async () => {
    const alerts = await fetchAlertsFact(withAuth('/slow'), { now: NOW, timeoutMs: 200 });
    expect(alerts).toEqual({ ok: false, error: `${base}: no answer within 200 ms` });
  });

  it.each(['prometheus:9090', 'not a url'])('a URL that is not one: %j', async (url) => {
    await expect(queryAlerts(url, { now: NOW })).rejects.toThrow('(not a URL): is not an http:// or https:// URL');
  });
});

describe('parseAlertsResponse', () => {
  it.each([
    [{ status: 'success', data: { resultType: 'vector', result: [{ metric: { alertname: 'A' }, value: [1, '+Inf'] }] } }, Infinity],
    [{ status: 'success', data: { resultType: 'vector', result: [{ metric: { alertname: 'A' }, value: [1, 'NaN'] }] } }, Number.NaN],
    [{ status: 'success', data: { resultType: 'vector', result: [{ metric: { alertname: 'A' }, value: [1, '2.5'] }] } }, 2.5],
  ])('reads sample values as Prometheus writes them', (body, value) => {
    expect(parseAlertsResponse(body)[0]!.value).toBe(value);
  });
  it.each([
    [{ status: 'success', data: { resultType: 'vector', result: [{ metric: { alertname: 'A' }, value: [1, 'one'] }] } }, /^a sample value is not a number$/],
    [{ status: 'success', data: { resultType: 'vector', result: [{ metric: { alertname: 7 }, value: [1, '1'] }] } }, /^a label value is not a string$/],
    [{ status: 'success', data: { resultType: '<b>x</b>', result: [] } }, /^unexpected result type unknown \(expected vector\)$/],
    [{ status: 'success', data: { resultType: 'vector', result: [{ metric: {} }] } }, /no \[time, value\] pair/],
    [{ status: 'success', data: { resultType: 'vector', result: {} } }, /not a list/],
    ['nonsense', /query failed/],
  ])('rejects a malformed answer %#', (body, error) => {
    expect(() => parseAlertsResponse(body)).toThrow(error);
  });
});
