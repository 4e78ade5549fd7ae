// The HTTP API tried as an attacker would: thousands of generated requests over every route the
// app registers (taken from the local host's registrations, so a new route is covered without
// editing this test): wrong types, deep nesting, huge bodies, unknown and duplicate fields,
// hostile names, malformed escapes and UTF-8, wrong methods. Whatever comes in: never a 5xx,
// a 4xx from the app names the field at fault, an answer never grows with the request, no run
// starts from a refused request, and no refused string reaches the cluster (every object the
// simulator stored during the fuzz, and every path, query, write body and run-command — command
// and manifests — in its request log, is searched for the marker the hostile strings carry).
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredFunction } from '../../local/host/host';
import { startStack, type Stack } from '../e2e/stack';
import { seedWith } from '../e2e/support';

const REQUESTS = 2_000;
const PARALLEL = 6;
/** Carried by every hostile string, so that it can be searched for in what the cluster stored. */
const MARK = 'zq9mark';
const MAX_ANSWER_BYTES = 16 * 1024;

interface FuzzRequest {
  route: RegisteredFunction;
  method: string;
  path: string;
  body?: Uint8Array;
  contentType?: string;
  /** Whether the app itself answers (a registered route and method), rather than the host's router. */
  reachesApp: boolean;
  /** A body the start route must refuse (anything but none or `{}`: no generated body is valid). */
  invalidStart: boolean;
}

const hostileText = fc.oneof(
  fc.constantFrom(
    `${MARK}`, `../${MARK}`, `${MARK};reboot`, `$(${MARK})`, `\`${MARK}\``, `${MARK}\n`, `${MARK}\u0085`, `${MARK}\u2028`,
    `\u202e${MARK}`, `${MARK}\ud800`, `${MARK}"'<>`, `${MARK}${'a'.repeat(300)}`, `${MARK.toUpperCase()}`, `${MARK}%00`, `${MARK} x`,
  ),
  fc.string({ maxLength: 40 }).map((s) => `${MARK}${s}`),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => `${MARK}${s}`),
);

/** Percent-encodes every byte but the unreserved ones (a lone surrogate becomes U+FFFD's bytes). */
const encodePart = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** A path parameter: sometimes a value the route accepts, mostly not. */
const paramValue = (name: string): fc.Arbitrary<string> => {
  const valid: Record<string, string[]> = {
    alias: ['seed'],
    runId: ['20260105T020000Z-ab12'],
    planId: ['20260105T020000Z-ab12'],
    action: ['pause', 'resume', 'cancel'],
  };
  return fc.oneof(
    { arbitrary: fc.constantFrom(...(valid[name] ?? ['x'])), weight: name === 'alias' ? 6 : 2 },
    { arbitrary: hostileText.map(encodePart), weight: 3 },
    { arbitrary: fc.constantFrom(`%ZZ${MARK}`, `${MARK}%E0%A4`, `%ED%A0%80${MARK}`, `${MARK}%2F..%2F`, `${MARK}%25`), weight: 1 },
  );
};

/** Bodies past the 64 KiB cap (the 2.3 MB one once gave a 52 MB answer), built once: the generator picks them over a hundred times. */
const OVERSIZED_BODIES = [70_000, 2_300_000].map((size) => JSON.stringify({ reason: `${MARK}${'x'.repeat(size)}` }));

const jsonBodies: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '{}', 'null', '[]', '0', 'true', '"reboot"', '{', '{"nodes":', '{"reason":"\\x"}', '{"reason":"\\ud800"}', `{"a":1,"a":2,"${MARK}":3}`),
  fc.record({
    nodes: fc.option(fc.oneof(fc.array(hostileText, { maxLength: 5 }), hostileText, fc.integer(), fc.constant([])), { nil: undefined }),
    pools: fc.option(fc.oneof(fc.array(hostileText, { maxLength: 3 }), fc.boolean()), { nil: undefined }),
    ignoreWindow: fc.option(fc.oneof(fc.boolean(), hostileText, fc.integer()), { nil: undefined }),
    reason: fc.option(fc.oneof(hostileText, fc.integer(), fc.array(fc.integer())), { nil: undefined }),
    extra: fc.option(hostileText, { nil: undefined }),
  }).map((o) => JSON.stringify(o)),
  fc.constantFrom('nodes', 'reason', 'pools').map((key) => `{"${key}":["${MARK}"],"${key}":["ok"]}`),
  fc.integer({ min: 33, max: 6000 }).map((depth) => `{"nodes":${'['.repeat(depth)}"${MARK}"${']'.repeat(depth)}}`),
  fc.constantFrom(...OVERSIZED_BODIES),
  fc.constantFrom(500, 1_000).map((n) => JSON.stringify({ nodes: Array.from({ length: n }, (_, i) => `${MARK}_${i}`) })),
);

const utf8 = new TextEncoder();

/** The body with 0xFF 0xFE (bytes UTF-8 never uses) put before its last byte. */
function withInvalidUtf8(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length + 2);
  out.set(bytes.subarray(0, -1));
  out.set([0xff, 0xfe, bytes[bytes.length - 1]!], bytes.length - 1);
  return out;
}

function requestFor(routes: readonly RegisteredFunction[]): fc.Arbitrary<FuzzRequest> {
  // Every route, and the one that takes a body four times as often.
  const weighted = [...routes, ...routes.filter((r) => (r.methods ?? []).includes('POST') && !r.route!.includes('{action}')).flatMap((r) => [r, r, r])];
  return fc.constantFrom(...weighted).chain((route) => {
    const names = [...route.route!.matchAll(/\{(\w+)\??\}/g)].map((m) => m[1]!);
    return fc.record({
      params: fc.tuple(...names.map(paramValue)),
      wrongMethod: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      otherMethod: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'GET', 'POST'),
      body: fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: jsonBodies, weight: 4 }),
      invalidUtf8: fc.boolean(),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined),
      query: fc.option(hostileText.map((t) => `?q=${encodePart(t)}`), { nil: undefined }),
    }).map(({ params, wrongMethod, otherMethod, body, invalidUtf8, contentType, query }) => {
      let i = 0;
      const routePath = route.route!.replace(/\{(\w+)\??\}/g, () => params[i++]!);
      const path = routePath + (query ?? '');
      const methods = route.methods ?? [];
      const method = wrongMethod && !methods.includes(otherMethod) ? otherMethod : (methods[0] ?? 'GET');
      let bytes = body === undefined ? undefined : utf8.encode(body);
      const corrupted = bytes !== undefined && invalidUtf8 && bytes.length > 2;
      if (corrupted) bytes = withInvalidUtf8(bytes!);
      // A path escaping a NUL is refused by the server (Kestrel) before any function runs.
      const reachesApp = methods.includes(method) && !routePath.includes('%00');
      return {
        route, method, path, reachesApp,
        ...(bytes ? { body: bytes } : {}),
        ...(contentType ? { contentType } : {}),
        invalidStart: bytes !== undefined && (corrupted || !/^\s*(\{\s*\})?\s*$/.test(body ?? '')),
      };
    });
  });
}

describe('the HTTP API under generated hostile requests', () => {
  let stack: Stack;
  const stored: string[] = [];
  let stopWatching: () => void = () => undefined;
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  let sent = 0;
  let startsAccepted = 0;
  let invalidStartsAccepted = 0;
  let manualLockStarts = 0;

  beforeAll(async () => {
    // Nothing needs a reboot: a run that starts ends at once, so waits stay short.
    stack = await startStack({ scenario: seedWith((s) => { s.rebootRequired = 'none'; }), autoAdvance: true });
    const stopStore = stack.sim.cluster.store.subscribe((event) => stored.push(JSON.stringify(event)));
    // Runs started through the API (the maintenance timer starts runs too, as time skips).
    const stopHost = stack.host.on((event) => {
      if (event.type !== 'instanceStarted' || event.name !== 'clusterLock') return;
      const input = stack.host.getStatus(event.instanceId)?.input as { trigger?: string } | undefined;
      if (input?.trigger === 'manual') manualLockStarts++;
    });
    stopWatching = () => { stopStore(); stopHost(); };
  }, 60_000);
  afterAll(async () => {
    stopWatching();
    await stack?.close();
  });

  it(`answers ${REQUESTS} requests over every registered route without a 5xx, naming the field`, async () => {
    const routes = stack.host.functions.filter((f) => f.kind === 'http');
    expect(routes.map((r) => r.name).sort()).toEqual(expect.arrayContaining(['apiStartRun', 'apiPlan', 'apiControlRun']));
    const requests = fc.sample(requestFor(routes), { numRuns: REQUESTS, seed: 20261206 });

    const send = async (r: FuzzRequest): Promise<void> => {
      const headers: Record<string, string> = { 'x-functions-key': stack.host.keys.function };
      if (r.contentType) headers['content-type'] = r.contentType;
      const response = await rawRequest(`${stack.host.origin}/api/${r.path}`, r.method, headers, r.body);
      const text = response.text;
      sent++;
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      const what = `${r.method} /api/${r.path.slice(0, 120)} → ${response.status}: ${text.slice(0, 300)}`;
      if (response.status >= 500) failures.push(`5xx: ${what}`);
      if (text.length > MAX_ANSWER_BYTES) failures.push(`answer of ${text.length} bytes: ${what.slice(0, 200)}`);
      if (r.reachesApp && response.status >= 400 && response.status < 500) {
        const error = parseError(text);
        if (!error) failures.push(`4xx without { error: { code, message } }: ${what}`);
        else if (response.status === 400 && !(error.fields?.length && error.fields.every((f) => typeof f.field === 'string' && f.field !== ''))) failures.push(`400 without the fields at fault: ${what}`);
      }
      // A start answer, whichever route the generator aimed at (a POST to …/reboots/ with an
      // empty run id is a start too): count it, and whether its body was one to refuse.
      if (response.status === 202 && isStartAnswer(text)) {
        startsAccepted++;
        if (r.invalidStart) invalidStartsAccepted++;
      }
    };
    for (let i = 0; i < requests.length; i += PARALLEL) await Promise.all(requests.slice(i, i + PARALLEL).map(send));
    await stack.host.runUntilIdle({ maxRealMs: 60_000 });

    console.info(`API fuzz: ${sent} requests, by status ${JSON.stringify(statuses)}, ${startsAccepted} runs started`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(sent).toBe(REQUESTS);
    expect(invalidStartsAccepted).toBe(0);
    // Every run started through the API came from an accepted start.
    expect(manualLockStarts).toBe(startsAccepted);
    // Both sides were exercised: many refusals, and valid requests answered too.
    expect(statuses['400']).toBeGreaterThan(300);
    expect(statuses['404']).toBeGreaterThan(200);
    expect(statuses['413']).toBeGreaterThan(5);
    expect(statuses['200'] ?? 0).toBeGreaterThan(100);
  }, 300_000);

  it('never let a refused string reach the cluster', () => {
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((s) => s.includes(MARK)).slice(0, 3)).toEqual([]);
  });

  it('never built a path, query, body, command or manifest from a refused string (the simulator\'s request log)', () => {
    const log = stack.sim.recorder.requests();
    // The log holds what the accepted plans and runs sent: paths for every request, bodies of writes.
    expect(log.filter((r) => r.target !== undefined).length).toBeGreaterThan(100);
    expect(log.filter((r) => r.body !== undefined).length).toBeGreaterThan(10);
    const texts = log.map((r) => [r.target, r.body, r.runCommand?.command, ...Object.values(r.runCommand?.files ?? {})].filter((t) => t !== undefined).join('\n'));
    // Case-insensitive: one hostile string is the marker in capitals.
    expect(texts.filter((t) => t.toLowerCase().includes(MARK)).slice(0, 3)).toEqual([]);
  });
});

/** One request as sent on the wire (a GET may carry a body, as an attacker's would). */
function rawRequest(url: string, method: string, headers: Record<string, string>, body?: Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.setTimeout(120_000, () => request.destroy(new Error(`no answer within 120 s: ${method} ${url.slice(0, 120)}`)));
    request.on('error', reject);
    request.end(body ? Buffer.from(body) : undefined);
  });
}

function isStartAnswer(text: string): boolean {
  try {
    const body = JSON.parse(text) as { runId?: unknown; requestedBy?: unknown; request?: unknown };
    return body.requestedBy !== undefined && body.request !== undefined;
  } catch {
    return false;
  }
}

function parseError(text: string): { code: string; message: string; fields?: Array<{ field: unknown }> } | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; fields?: Array<{ field: unknown }> } };
    const e = body.error;
    return e && typeof e.code === 'string' && typeof e.message === 'string' && e.message !== '' ? (e as { code: string; message: string; fields?: Array<{ field: unknown }> }) : undefined;
  } catch {
    return undefined;
  }
}
