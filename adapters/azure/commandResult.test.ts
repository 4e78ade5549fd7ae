import { describe, expect, it } from 'vitest';
import { commandIdFromLocation, interpretCommandResult, truncateLogs } from './commandResult';

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
