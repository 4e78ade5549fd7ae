// HTTPS on 127.0.0.1 for one API surface: turns Node requests into SimRequests, authenticates
// them (a bearer token for the surface's audience, or a client certificate where the surface
// takes them), and writes SimResponses (JSON bodies or streams).
import { createServer, type Server } from 'node:https';
import { type TLSSocket } from 'node:tls';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type SimHandler, type SimRequest, type SimResponse } from './contracts';
import { bearerToken, type Audience, type TokenAuthority, type TokenCheck } from './auth';
import { type SimulatorTls } from './tls';

/** The subject of a client certificate that chains to the simulator's CA. */
export interface PeerIdentity {
  commonName: string;
  organizations: string[];
}

/** Decides who a request is from: the request to hand on (with `client`, `user`), or the refusal. */
export type Authenticate = (req: SimRequest, peer: PeerIdentity | undefined) => { ok: true; req: SimRequest } | { ok: false; response: SimResponse };

export interface HttpsSurfaceOptions {
  tls: SimulatorTls;
  handler: SimHandler;
  authenticate: Authenticate;
  /** Ask clients for a certificate (the kube-apiserver's x509 authenticator); unverified ones are ignored. */
  requestClientCertificates?: boolean;
  /** Answers a request whose handler threw. */
  internalError: (error: unknown) => SimResponse;
}

/** Bearer tokens only, for `audience` (ARM, and the kube API of an Entra cluster). */
export function bearerAuthenticator(authority: TokenAuthority, audience: Audience, unauthorized: (check: Exclude<TokenCheck, { ok: true }>) => SimResponse): Authenticate {
  return (req) => {
    const check = authority.verify(bearerToken(req.headers.authorization), audience);
    if (!check.ok) return { ok: false, response: unauthorized(check) };
    return { ok: true, req: { ...req, client: req.client ?? clientOf(req.headers['user-agent'], check.claims.subject) } };
  };
}

export interface RunningSurface {
  /** `https://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/** Hands on only what `authenticate` accepts; `peer` is what the TLS layer verified, if anything. */
export function requireAuthentication(authenticate: Authenticate, inner: SimHandler, peer?: PeerIdentity): SimHandler {
  return async (req) => {
    const decision = authenticate(req, peer);
    return decision.ok ? inner(decision.req) : decision.response;
  };
}

/** The recorder's name for a caller: kubectl by its user agent, else who the credential names. */
export function clientOf(userAgent: string | undefined, subject: string): string {
  return userAgent?.startsWith('kubectl/') ? 'kubectl' : subject;
}

export async function startHttpsSurface(options: HttpsSurfaceOptions): Promise<RunningSurface> {
  const server = createServer({
    key: options.tls.keyPem,
    cert: options.tls.certPem,
    ...(options.requestClientCertificates && { requestCert: true, rejectUnauthorized: false, ca: options.tls.caPem }),
  }, (req, res) => {
    void serve(req, res, requireAuthentication(options.authenticate, options.handler, verifiedPeer(req)), options.internalError);
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    stop: () => close(server),
  };
}

/** The client certificate's subject, only when it chains to our CA (`socket.authorized`). */
function verifiedPeer(req: IncomingMessage): PeerIdentity | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const subject = socket.getPeerCertificate().subject as Record<string, string | string[] | undefined> | undefined;
  const commonName = subject?.CN;
  if (typeof commonName !== 'string') return undefined;
  const o = subject?.O;
  return { commonName, organizations: o === undefined ? [] : Array.isArray(o) ? o : [o] };
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
