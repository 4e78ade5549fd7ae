import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { kubeFailure, KubeApiError, TransientError } from './errors';

describe('kubeFailure', () => {
  it('keeps the server\'s Retry-After on a transient answer, for the read retry to honour', () => {
    const failure = kubeFailure('listing pods', new ApiException(429, 'Too Many Requests', '{"reason":"TooManyRequests"}', { 'retry-after': '2' }));
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ status: 429, retryAfterSeconds: 2, message: 'listing pods: HTTP 429 TooManyRequests' });
  });

  it('a 5xx without Retry-After is transient with no wait named; a 404 is a refusal', () => {
    expect(kubeFailure('reading node n1', new ApiException(503, 'Service Unavailable', '', {}))).toMatchObject({ name: 'TransientError', status: 503, retryAfterSeconds: undefined });
    expect(kubeFailure('reading node n1', new ApiException(404, 'Not Found', '{"reason":"NotFound"}', { 'retry-after': '1' }))).toBeInstanceOf(KubeApiError);
  });
});
