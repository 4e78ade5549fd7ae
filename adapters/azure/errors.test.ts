import { describe, expect, it } from 'vitest';
import { AzureRequestError, azureFailure, retryAfterSeconds, TransientError } from './errors';

function restError(statusCode: number | undefined, code?: string): Error {
  return Object.assign(new Error('boom'), { name: 'RestError', statusCode, code });
}

describe('azureFailure', () => {
  it.each([
    ['500', restError(500), TransientError],
    ['503', restError(503), TransientError],
    ['429 throttled', restError(429, 'TooManyRequests'), TransientError],
    ['a connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), TransientError],
    ['a request that could not be sent', restError(undefined, 'REQUEST_SEND_ERROR'), TransientError],
    ['404', restError(404, 'ResourceNotFound'), AzureRequestError],
    ['403', restError(403, 'AuthorizationFailed'), AzureRequestError],
    ['400', restError(400, 'BadRequest'), AzureRequestError],
  ])('%s', (_name, err, kind) => {
    const failure = azureFailure('reading cluster g/c', err);
    expect(failure).toBeInstanceOf(kind);
    expect(failure.message).toMatch(/^reading cluster g\/c: /);
    expect(failure.cause).toBe(err);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [{ 'retry-after': '3' }, 3],
    [{ 'Retry-After': ' 0 ' }, 0],
    [{ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, undefined],
    [{ 'retry-after': '-1' }, undefined],
    [{ 'retry-after': '1.5' }, undefined],
    [{}, undefined],
    [undefined, undefined],
  ])('%j → %s', (headers, seconds) => {
    expect(retryAfterSeconds(headers)).toBe(seconds);
  });
});
