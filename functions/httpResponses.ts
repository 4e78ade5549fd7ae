// The shapes of our HTTP answers: JSON everywhere, errors as { error: { code, message } }
// that name the field at fault, and never a stack trace or a durable system key.
import type { HttpResponseInit } from '@azure/functions';
import type { FieldError } from '../core/manualRequest';

export function json(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } };
}

export function problem(status: number, code: string, message: string, fields?: FieldError[]): HttpResponseInit {
  return json(status, { error: { code, message, ...(fields ? { fields } : {}) } });
}

export const badRequest = (message: string, fields?: FieldError[]) => problem(400, 'BadRequest', message, fields);
export const notFound = (message: string) => problem(404, 'NotFound', message);

/** What a caller sees when something unexpected broke: a reference to find the logs, not the error. */
export function internalError(invocationId: string): HttpResponseInit {
  return problem(500, 'InternalError', `the request failed; look for invocation ${invocationId} in the app's logs`);
}

/** Links to our own routes for a cluster's run (never the durable webhook URLs, which carry the system key). */
export function runLinks(alias: string, runId?: string): Record<string, string> {
  const base = `/api/clusters/${encodeURIComponent(alias)}`;
  return {
    status: runId ? `${base}/reboots/${encodeURIComponent(runId)}` : `${base}/reboots`,
    current: `${base}/reboots`,
    pause: `${base}/reboots/current/pause`,
    resume: `${base}/reboots/current/resume`,
    cancel: `${base}/reboots/current/cancel`,
  };
}
