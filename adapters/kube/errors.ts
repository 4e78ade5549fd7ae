// How a Kubernetes API failure reaches the activities: a TransientError (5xx, 429 outside
// eviction, the connection) for the orchestrator's retry policy, a KubeApiError with the
// apiserver's Status for anything else; the statuses that are expected outcomes (404 on a
// delete, 409 on a create, 429 on an eviction) are read with `statusOf` and turned into values.

import { ApiException } from '@kubernetes/client-node';
import { grantHint, isAuthorizationRefusal } from '../../core/kubePermissions';
import { isNetworkError, isTransientStatus, retryAfterSeconds, TransientError } from '../azure/errors';

export { TransientError };

/** The apiserver refused a request, and asking again unchanged will not help. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Status.reason: `NotFound`, `AlreadyExists`, `Conflict`, `Forbidden`, `Invalid`… */
    readonly reason: string | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'KubeApiError';
  }
}

/** The parts of a `Status` body we read. */
export interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }> };
}

export function statusOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  if (err instanceof KubeApiError || err instanceof TransientError) return err.status;
  return undefined;
}

/** The apiserver's Status from an ApiException body (a JSON string, an object, or nothing on 401). */
export function statusBody(err: unknown): StatusBody {
  if (!(err instanceof ApiException)) return {};
  const body: unknown = err.body;
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : { message: body };
    } catch {
      return { message: body.slice(0, 500) };
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
}

/** Wraps what the client threw while doing `what`: transient or not, with the apiserver's message. */
export function kubeFailure(what: string, err: unknown): Error {
  if (err instanceof TransientError || err instanceof KubeApiError) return err;
  if (err instanceof ApiException) {
    const status = statusBody(err);
    // An authorizer's 403 says what was refused; add where to grant it.
    const hint = err.code === 403 && status.message && isAuthorizationRefusal(status.message) ? `; ${grantHint(status.message)}` : '';
    const text = `${what}: HTTP ${err.code}${status.reason ? ` ${status.reason}` : ''}${status.message ? ` (${status.message})` : ''}${hint}`;
    if (isTransientStatus(err.code)) {
      const after = retryAfterSeconds(err.headers);
      return new TransientError(text, { cause: err, status: err.code, ...(after !== undefined && { retryAfterSeconds: after }) });
    }
    return new KubeApiError(text, err.code, status.reason, { cause: err });
  }
  if (isNetworkError(err)) return new TransientError(`${what}: no answer from the API server`, { cause: err });
  return new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** Runs one API call, naming what it was doing in any error. */
export async function kubeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw kubeFailure(what, err);
  }
}

/** Runs one API call where some statuses are expected outcomes, which `onStatus` turns into values. */
export async function kubeCallExpecting<T, E>(what: string, call: () => Promise<T>, onStatus: Partial<Record<number, (err: ApiException<unknown>) => E>>): Promise<T | E> {
  try {
    return await call();
  } catch (err) {
    const handler = err instanceof ApiException ? onStatus[err.code] : undefined;
    if (handler) return handler(err as ApiException<unknown>);
    throw kubeFailure(what, err);
  }
}
