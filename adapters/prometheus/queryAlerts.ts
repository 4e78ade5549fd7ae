// Prometheus HTTP API client for the alert blocker: the `ALERTS` instant query that kured's
// Prometheus blocker runs (GET /api/v1/query), bounded in time. Errors surface so that the
// blocker fails closed; they name the server as scheme://host only (the URL may carry
// basic-auth credentials). Nothing of an unexpected answer is echoed: errors say what was
// wrong with it (its status, content type, shape), never what it contained.

import { type AlertSample, type Fact } from '../../core/blockers';
import { redactUrl } from '../../core/notifyMessages';
import { DEFAULT_TIMEOUT_MS, describeAnswer, fetchSecretUrl, mediaTypeOf, SecretUrlError } from '../notify/secretFetch';

export interface QueryAlertsOptions {
  /** Evaluation time, epoch milliseconds (the query's `time`). */
  now: number;
  /** Bound on the whole exchange; default 5 s. */
  timeoutMs?: number;
  /** Extra headers, e.g. `authorization: Bearer …` for Azure Monitor managed Prometheus. */
  headers?: Record<string, string>;
  /** Node's global fetch unless given. */
  fetch?: typeof fetch;
}

// The Prometheus API: { status: "success", data: { resultType: "vector", result: [{ metric, value: [t, "v"] }] } }.
interface ApiBody {
  status?: unknown;
  errorType?: unknown;
  error?: unknown;
  data?: { resultType?: unknown; result?: unknown };
}

// The error types and result types of the Prometheus HTTP API (prometheus/web/api/v1/api.go);
// anything else is named as unknown rather than repeated.
const ERROR_TYPES = new Set(['timeout', 'canceled', 'execution', 'bad_data', 'internal', 'unavailable', 'not_found', 'not_acceptable']);
const RESULT_TYPES = new Set(['matrix', 'vector', 'scalar', 'string']);

/** Prometheus sample values are strings; Go's model also reads these spellings of infinity. */
function sampleValue(text: unknown): number {
  if (typeof text !== 'string') throw new Error('a sample value is not a string');
  const infinity = /^([+-]?)inf$/i.exec(text);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  const value = text.toLowerCase() === 'nan' ? Number.NaN : Number(text);
  if (Number.isNaN(value) && text.toLowerCase() !== 'nan') throw new Error('a sample value is not a number');
  return value;
}

function labelsOf(metric: unknown): Record<string, string> {
  if (typeof metric !== 'object' || metric === null) throw new Error('sample has no metric labels');
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(metric)) {
    if (typeof value !== 'string') throw new Error('a label value is not a string');
    labels[name] = value;
  }
  return labels;
}

/** Reads an instant-query answer; anything but a vector is an error (as in kured). */
export function parseAlertsResponse(body: unknown): AlertSample[] {
  const api = (typeof body === 'object' && body !== null ? body : {}) as ApiBody;
  if (api.status !== 'success') {
    const errorType = typeof api.errorType === 'string' && ERROR_TYPES.has(api.errorType) ? api.errorType : 'an unknown error type';
    throw new Error(`query failed (${errorType})`);
  }
  if (api.data?.resultType !== 'vector') {
    const resultType = typeof api.data?.resultType === 'string' && RESULT_TYPES.has(api.data.resultType) ? api.data.resultType : 'unknown';
    throw new Error(`unexpected result type ${resultType} (expected vector)`);
  }
  const result = api.data.result;
  if (!Array.isArray(result)) throw new Error('vector result is not a list');
  return result.map((sample: unknown) => {
    const s = (typeof sample === 'object' && sample !== null ? sample : {}) as { metric?: unknown; value?: unknown };
    if (!Array.isArray(s.value) || s.value.length !== 2) throw new Error('sample has no [time, value] pair');
    return { labels: labelsOf(s.metric), value: sampleValue(s.value[1]) };
  });
}

function queryUrl(base: string, now: number): string {
  const url = new URL(base);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
  // Keep a path prefix (Prometheus behind a proxy at /prometheus), as client_golang does.
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  url.searchParams.set('query', 'ALERTS');
  url.searchParams.set('time', (now / 1000).toFixed(3));
  return url.href;
}

/**
 * Runs the `ALERTS` instant query at `now`. Throws SecretUrlError (message
 * `scheme://host: …`) when Prometheus cannot be reached, answers an error or something that is
 * not a vector.
 */
export async function queryAlerts(prometheusUrl: string, options: QueryAlertsOptions): Promise<AlertSample[]> {
  const target = redactUrl(prometheusUrl);
  let url: string;
  try {
    url = queryUrl(prometheusUrl, options.now);
  } catch {
    throw new SecretUrlError(target, 'is not an http:// or https:// URL');
  }
  const response = await fetchSecretUrl(
    url,
    { method: 'GET', headers: { accept: 'application/json', ...options.headers } },
    { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(options.fetch ? { fetch: options.fetch } : {}) },
  );
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new SecretUrlError(target, `HTTP ${response.status} (redirects are not followed: configure the final URL)`, response.status);
  }
  const mediaType = mediaTypeOf(response.headers.get('content-type'));
  if (!/[/+]json$/.test(mediaType)) {
    throw new SecretUrlError(target, `${await describeAnswer(response)}: not a Prometheus API answer`, response.status);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new SecretUrlError(target, `HTTP ${response.status}: the answer could not be read (${(error as Error).name})`, response.status);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SecretUrlError(target, `HTTP ${response.status} (${mediaType}): not a Prometheus API answer (not JSON)`, response.status);
  }
  try {
    const samples = parseAlertsResponse(body);
    if (!response.ok) throw new Error('an error status with a success body');
    return samples;
  } catch (error) {
    throw new SecretUrlError(target, `HTTP ${response.status}: ${(error as Error).message}`, response.status);
  }
}

/** The blocker's fact: the samples, or the reason they could not be had (never throws). */
export async function fetchAlertsFact(prometheusUrl: string, options: QueryAlertsOptions): Promise<Fact<AlertSample[]>> {
  try {
    return { ok: true, value: await queryAlerts(prometheusUrl, options) };
  } catch (error) {
    const message = error instanceof SecretUrlError ? error.message : `${redactUrl(prometheusUrl)}: ${(error as Error).name}`;
    return { ok: false, error: message };
  }
}
