// Reading a request body from a stranger: at most MAX_BODY_BYTES (read as a stream and cut off
// there, so a large body costs no more than that), UTF-8, strict JSON (no duplicate keys, bounded
// nesting: core/strictJson). Every refusal is a 4xx that says what was wrong and what is
// accepted, and never repeats the body.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { parseStrictJson } from '../core/strictJson';
import { badRequest, problem } from './httpResponses';

/** A start request is a few names and a reason: 64 KiB is far more than the largest valid one. */
export const MAX_BODY_BYTES = 64 * 1024;

export type BodyResult = { ok: true; value: unknown } | { ok: false; response: HttpResponseInit };

const EXAMPLE = 'send a JSON object such as {"nodes":["aks-user-12345678-vmss000000"],"ignoreWindow":true}';

/** The body as JSON (`undefined` when there is none), or the answer that refuses it. */
export async function readJsonBody(request: HttpRequest, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
  const tooLarge = (): BodyResult => ({
    ok: false,
    response: problem(413, 'PayloadTooLarge', `the body is larger than ${maxBytes} bytes; ${EXAMPLE}`, [{ field: 'body', message: `more than ${maxBytes} bytes` }]),
  });
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  const bytes = await readAtMost(request, maxBytes);
  if (bytes === undefined) return tooLarge();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse('is not UTF-8 text');
  }
  if (text.trim() === '') return { ok: true, value: undefined };
  const parsed = parseStrictJson(text);
  return parsed.ok ? { ok: true, value: parsed.value } : refuse(parsed.problem);
}

function refuse(why: string): BodyResult {
  return { ok: false, response: badRequest(`the body ${why}; ${EXAMPLE}`, [{ field: 'body', message: why }]) };
}

/** The body's bytes, or undefined as soon as there are more than `maxBytes`. */
async function readAtMost(request: HttpRequest, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return undefined;
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
