// One HTTP request to a URL that is a secret (a webhook URL, a Prometheus URL with basic-auth
// credentials), through Node's global fetch, with a bounded time. Whatever fails, the error
// names the URL only as scheme://host: never its credentials, path or query (which carry the
// webhook's token or signature). Shared by the notify and Prometheus adapters.

import { redactUrl } from '../../core/notifyMessages';

export const DEFAULT_TIMEOUT_MS = 5_000;

export interface SecretFetchOptions {
  /** Bound on the whole exchange, body included. */
  timeoutMs?: number;
  /** Node's global fetch unless given (tests may pass another). */
  fetch?: typeof fetch;
}

/** A failed request, described without the secret parts of its URL. */
export class SecretUrlError extends Error {
  constructor(
    /** scheme://host[:port] */
    readonly target: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${target}: ${message}`);
    this.name = 'SecretUrlError';
  }
}

/** Removes every secret part of `url` from `text` (for error messages and response bodies). */
export function scrubUrl(text: string, url: URL): string {
  // Long path segments are tokens and ids (Slack's T…/B…/secret, a workflow's id).
  const tokens = url.pathname.split('/').filter((segment) => segment.length >= 16);
  const parts = [url.href, `${url.pathname}${url.search}`, url.pathname, url.search, url.username, url.password, ...url.searchParams.values(), ...tokens];
  const secrets = [...new Set(parts.flatMap((s) => [s, decodeSafely(s)]))]
    // A path of "/" or a one-letter value is no secret, and scrubbing it would garble the text.
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Moves `user:password@` from the URL into a Basic Authorization header (fetch refuses them). */
function splitCredentials(url: URL): { url: URL; authorization?: string } {
  if (url.username === '' && url.password === '') return { url };
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  const userinfo = `${decodeSafely(url.username)}:${decodeSafely(url.password)}`;
  return { url: bare, authorization: `Basic ${Buffer.from(userinfo, 'utf8').toString('base64')}` };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  // undici: TypeError("fetch failed") with the socket error as its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  return `request failed (${code ?? message})`;
}

/**
 * Sends one request. Redirects are not followed (a redirect could carry the body elsewhere):
 * a 3xx comes back as the response. Throws SecretUrlError on a network failure or timeout.
 */
export async function fetchSecretUrl(rawUrl: string, init: RequestInit, options: SecretFetchOptions = {}): Promise<Response> {
  const target = redactUrl(rawUrl);
  const parsed = URL.parse(rawUrl);
  if (!parsed) throw new SecretUrlError(target, 'is not a URL');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { url, authorization } = splitCredentials(parsed);
  const headers = new Headers(init.headers);
  if (authorization !== undefined && !headers.has('authorization')) headers.set('authorization', authorization);
  try {
    return await (options.fetch ?? fetch)(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new SecretUrlError(target, scrubUrl(describeFailure(error, timeoutMs), parsed));
  }
}

/**
 * Describes an answer that was not what we asked for by its status and content type only: its
 * body comes from outside (a proxy's error page, whatever the URL points at) and is never
 * echoed into runs, plans, notifications or logs. The body is discarded.
 */
export async function describeAnswer(response: Response): Promise<string> {
  await response.body?.cancel().catch(() => undefined);
  return `HTTP ${response.status} (${mediaTypeOf(response.headers.get('content-type'))})`;
}

/** The media type of a Content-Type header when it has the usual shape, else a placeholder. */
export function mediaTypeOf(header: string | null): string {
  const media = header?.split(';')[0]?.trim().toLowerCase() ?? '';
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/.test(media) ? media : 'no usable content type';
}
