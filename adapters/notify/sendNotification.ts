// Posts one notification to every REBOOT_NOTIFY_URL entry, in parallel, each bounded in time.
// A webhook that fails never fails the rollout: this never throws, it returns and logs one
// outcome per URL. URLs are secrets: outcomes and logs show them as scheme://host only.

import { type Notification, parseNotifyTarget, redactUrl, type WebhookKind } from '../../core/notifyMessages';
import { payloadFor } from './payloads';
import { DEFAULT_TIMEOUT_MS, describeAnswer, fetchSecretUrl, SecretUrlError } from './secretFetch';

export interface NotifyOutcome {
  /** Position of the URL in the list given (0-based). */
  index: number;
  /** scheme://host[:port] of the URL. */
  target: string;
  /** Absent when the entry is not a usable URL. */
  kind?: WebhookKind;
  ok: boolean;
  /** The HTTP status, when the receiver answered. */
  status?: number;
  error?: string;
}

export interface NotifyLogger {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

export interface SendNotificationOptions {
  /** Per URL, the whole exchange; default 5 s. */
  timeoutMs?: number;
  /** Accept http:// URLs (loopback test receivers only). */
  allowInsecureHttp?: boolean;
  logger?: NotifyLogger;
  /** Node's global fetch unless given. */
  fetch?: typeof fetch;
}

const consoleLogger: NotifyLogger = {
  info: (message, fields) => console.info(message, fields),
  warn: (message, fields) => console.warn(message, fields),
};

async function sendOne(index: number, raw: string, n: Notification, options: SendNotificationOptions): Promise<NotifyOutcome> {
  const parsed = parseNotifyTarget(raw, { allowInsecureHttp: options.allowInsecureHttp ?? false });
  if (!parsed.ok) return { index, target: redactUrl(raw), ok: false, error: `notify URL ${index + 1} ${parsed.error}` };
  const { kind, url, redacted } = parsed.target;
  try {
    const response = await fetchSecretUrl(
      url,
      // Idempotency-Key (IETF httpapi draft): the same on every delivery of one notification.
      { method: 'POST', headers: { 'content-type': 'application/json', ...(n.idempotencyKey ? { 'idempotency-key': n.idempotencyKey } : {}) }, body: JSON.stringify(payloadFor(kind, n)) },
      { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(options.fetch ? { fetch: options.fetch } : {}) },
    );
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel();
      return { index, target: redacted, kind, ok: true, status: response.status };
    }
    return { index, target: redacted, kind, ok: false, status: response.status, error: await describeAnswer(response) };
  } catch (error) {
    const message = error instanceof SecretUrlError ? error.message : `${redacted}: could not send (${(error as Error).name})`;
    return { index, target: redacted, kind, ok: false, error: message };
  }
}

/** Sends `n` to each URL; resolves with one outcome per URL, in the order given. */
export async function sendNotification(urls: readonly string[], n: Notification, options: SendNotificationOptions = {}): Promise<NotifyOutcome[]> {
  const logger = options.logger ?? consoleLogger;
  const outcomes = await Promise.all(urls.map((raw, index) => sendOne(index, raw, n, options)));
  for (const o of outcomes) {
    const fields = { cluster: n.cluster, runId: n.runId, node: n.node, step: n.step, event: n.event, target: o.target, kind: o.kind, status: o.status };
    if (o.ok) logger.info('notification sent', fields);
    else logger.warn('notification failed', { ...fields, error: o.error });
  }
  return outcomes;
}
