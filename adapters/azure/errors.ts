// The one error class the orchestrator's retry policy is for: a failure that may pass if the
// same call is made again later (5xx, throttling, a dropped connection). Everything the
// activities must decide on (a blocked eviction, an existing pod, a held lease) is a value,
// and anything else thrown is a fault to report, not to retry.

export interface TransientErrorOptions {
  cause?: unknown;
  /** The HTTP status, when the server answered. */
  status?: number;
  /** The server's Retry-After, in seconds, when it sent one. */
  retryAfterSeconds?: number;
}

export class TransientError extends Error {
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: TransientErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'TransientError';
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * A Retry-After header in whole seconds, as client-go reads it (`retryAfterSeconds` in
 * rest/request.go: an integer; the HTTP-date form is ignored). A negative number is ignored too.
 */
export function retryAfterSeconds(headers: Readonly<Record<string, string>> | undefined): number | undefined {
  const entry = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after');
  return entry && /^\d{1,6}$/.test(entry[1].trim()) ? Number(entry[1].trim()) : undefined;
}

/** HTTP statuses that say "try again later". */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Node and undici codes of a connection that failed or dropped before an answer. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  'REQUEST_SEND_ERROR',
]);

/** True when `err` (or an error in its cause chain) is a network failure, not an answer. */
export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (e.name === 'TypeError' && e.message === 'fetch failed') return true;
  }
  return false;
}

/** A request Azure answered with an error that retrying will not fix (not found, forbidden, bad request). */
export class AzureRequestError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, options: { cause?: unknown; status?: number; code?: string }) {
    super(message, { cause: options.cause });
    this.name = 'AzureRequestError';
    this.status = options.status;
    this.code = options.code;
  }
}

/** Turns whatever the Azure SDK threw while doing `what` into a TransientError or an AzureRequestError. */
export function azureFailure(what: string, err: unknown): Error {
  if (err instanceof TransientError || err instanceof AzureRequestError) return err;
  const { statusCode, code, message } = (err ?? {}) as { statusCode?: unknown; code?: unknown; message?: unknown };
  const status = typeof statusCode === 'number' ? statusCode : undefined;
  const text = `${what}: ${status !== undefined ? `HTTP ${status}` : 'no answer'}${typeof code === 'string' ? ` ${code}` : ''}${typeof message === 'string' && message ? ` (${message})` : ''}`;
  if (status !== undefined ? isTransientStatus(status) : isNetworkError(err) || code === 'REQUEST_SEND_ERROR') {
    return new TransientError(text, { cause: err, ...(status !== undefined && { status }) });
  }
  return new AzureRequestError(text, { cause: err, ...(status !== undefined && { status }), ...(typeof code === 'string' && { code }) });
}

/** Runs one Azure call, naming what it was doing in any error. */
export async function azureCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw azureFailure(what, err);
  }
}
