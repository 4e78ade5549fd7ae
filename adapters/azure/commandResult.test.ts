import { describe, expect, it } from 'vitest';
import { commandIdFromLocation, interpretCommandError, interpretCommandResult, truncateLogs } from './commandResult';

describe('interpretCommandResult', () => {
  it.each([
    ['202 is running whatever the body', 202, { provisioningState: 'Succeeded', exitCode: 0 }, { state: 'running' }],
    ['no body is running', 200, undefined, { state: 'running' }],
    ['a non-final state is running', 200, { provisioningState: 'Running' }, { state: 'running' }],
    ['Succeeded with exit 0 succeeds', 200, { provisioningState: 'Succeeded', exitCode: 0, logs: 'pod/x created\n' }, { state: 'succeeded', exitCode: 0, logs: 'pod/x created\n' }],
    ['Succeeded with exit 1 fails', 200, { provisioningState: 'Succeeded', exitCode: 1, logs: 'Error from server' },
      { state: 'failed', provisioningState: 'Succeeded', exitCode: 1, reason: 'run-command ended Succeeded with exit code 1', logs: 'Error from server' }],
    ['Failed carries its reason', 200, { provisioningState: 'Failed', exitCode: 0, reason: 'command pod could not start' },
      { state: 'failed', provisioningState: 'Failed', exitCode: 0, reason: 'command pod could not start', logs: '' }],
    ['Canceled without exit code', 200, { provisioningState: 'Canceled' },
      { state: 'failed', provisioningState: 'Canceled', reason: 'run-command ended Canceled without an exit code', logs: '' }],
  ] as const)('%s', (_name, status, raw, expected) => {
    expect(interpretCommandResult(status, raw)).toEqual(expected);
  });

  it('reports times as ISO strings', () => {
    const result = interpretCommandResult(200, { provisioningState: 'Succeeded', exitCode: 0, startedAt: new Date(Date.UTC(2026, 0, 5, 2)), finishedAt: '2026-01-05T02:00:05Z' });
    expect(result).toMatchObject({ startedAt: '2026-01-05T02:00:00.000Z', finishedAt: '2026-01-05T02:00:05Z' });
  });
});

describe('interpretCommandError', () => {
  it.each([
    ['KubernetesPerformanceError with 500 is final: the pod never started', 500, 'KubernetesPerformanceError', 'container command-1 did not start within 30s',
      { state: 'not-run', code: 'KubernetesPerformanceError', reason: 'KubernetesPerformanceError: container command-1 did not start within 30s' }],
    ['KubernetesOperationError with any status too', 400, 'KubernetesOperationError', 'admission webhook denied the request',
      { state: 'not-run', code: 'KubernetesOperationError', reason: 'KubernetesOperationError: admission webhook denied the request' }],
    ['404 is final: AKS no longer knows the command', 404, 'NotFound', 'Could not find command result', { state: 'lost', reason: expect.stringContaining('404') }],
    ['500 without such a code stays a transient error', 500, 'InternalServerError', 'oops', undefined],
    ['429 stays a transient error', 429, 'TooManyRequests', undefined, undefined],
    ['no answer at all stays an error', undefined, undefined, 'socket hang up', undefined],
  ] as const)('%s', (_name, status, code, message, expected) => {
    expect(interpretCommandError(status, code, message)).toEqual(expected);
  });
});

describe('truncateLogs', () => {
  it('keeps short logs whole and the end of long ones', () => {
    expect(truncateLogs('abc', 5)).toBe('abc');
    expect(truncateLogs('0123456789', 4)).toBe('[6 earlier characters dropped]\n6789');
  });
});

describe('commandIdFromLocation', () => {
  it.each([
    ['https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/c/commandResults/abc123?api-version=2026-06-01', 'abc123'],
    ['https://127.0.0.1:4431/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/c/commandresults/a%2Db', 'a-b'],
    ['https://management.azure.com/subscriptions/s/operations/xyz', undefined],
  ])('%s → %s', (location, id) => {
    expect(commandIdFromLocation(location)).toBe(id);
  });
});
