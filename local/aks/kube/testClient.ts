// A tiny client for tests that drive the kube handler directly, the way an HTTP client would.
import type { SimHandler, SimResponse } from '../contracts';

export interface CallOptions {
  body?: unknown;
  contentType?: string;
  accept?: string;
  client?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the handler answered
export async function call(handler: SimHandler, method: string, url: string, options: CallOptions = {}): Promise<SimResponse & { json: any }> {
  const u = new URL(url, 'https://127.0.0.1');
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  const res = await handler({
    method,
    path: u.pathname,
    query: u.searchParams,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...(options.accept ? { accept: options.accept } : {}),
    },
    body,
    client: options.client ?? 'test',
  });
  return { ...res, json: res.body };
}
