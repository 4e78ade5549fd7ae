// HTTPS on 127.0.0.1 for one API surface: turns Node requests into SimRequests, checks the
// bearer token for the surface's audience, and writes SimResponses (JSON bodies or streams).
import { createServer, type Server } from 'node:https';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type SimHandler, type SimRequest, type SimResponse } from './contracts';
import { bearerToken, type Audience, type TokenAuthority, type TokenCheck } from './auth';
import { type SimulatorTls } from './tls';

export interface HttpsSurfaceOptions {
  tls: SimulatorTls;
  handler: SimHandler;
  /** Answers a request whose token is missing or not valid for this surface. */
  unauthorized: (check: Exclude<TokenCheck, { ok: true }>) => SimResponse;
  /** Answers a request whose handler threw. */
  internalError: (error: unknown) => SimResponse;
  authority: TokenAuthority;
  audience: Audience;
}

export interface RunningSurface {
  /** `https://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/** Rejects requests without a valid token for `audience`; names the caller for the recorder. */
export function requireBearer(authority: TokenAuthority, audience: Audience, unauthorized: HttpsSurfaceOptions['unauthorized'], inner: SimHandler): SimHandler {
  return async (req) => {
    const check = authority.verify(bearerToken(req.headers.authorization), audience);
    if (!check.ok) return unauthorized(check);
    return inner({ ...req, client: req.client ?? clientOf(req.headers['user-agent'], check.claims.subject) });
  };
}

function clientOf(userAgent: string | undefined, subject: string): string {
  return userAgent?.startsWith('kubectl/') ? 'kubectl' : subject;
}

export async function startHttpsSurface(options: HttpsSurfaceOptions): Promise<RunningSurface> {
  const guarded = requireBearer(options.authority, options.audience, options.unauthorized, options.handler);
  const server = createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, (req, res) => {
    void serve(req, res, guarded, options.internalError);
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    stop: () => close(server),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, handler: SimHandler, internalError: HttpsSurfaceOptions['internalError']): Promise<void> {
  let response: SimResponse;
  try {
    response = await handler(await toSimRequest(req));
  } catch (error) {
    response = internalError(error);
  }
  try {
    await write(res, response);
  } catch {
    res.destroy();
  }
}

async function toSimRequest(req: IncomingMessage): Promise<SimRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: Buffer.concat(chunks) };
}

async function write(res: ServerResponse, response: SimResponse): Promise<void> {
  const headers: Record<string, string> = { ...response.headers };
  if (response.stream) {
    headers['content-type'] ??= 'application/json';
    headers['transfer-encoding'] = 'chunked';
    res.writeHead(response.status, headers);
    res.flushHeaders();
    const iterator = response.stream[Symbol.asyncIterator]();
    let closed = false;
    res.on('close', () => {
      closed = true;
      void iterator.return?.();
    });
    for (let next = await iterator.next(); !next.done && !closed; next = await iterator.next()) {
      res.write(next.value);
    }
    res.end();
    return;
  }
  if (response.body === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = typeof response.body === 'string' || Buffer.isBuffer(response.body) ? response.body : JSON.stringify(response.body);
  headers['content-type'] ??= typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(response.status, headers);
  res.end(text);
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
