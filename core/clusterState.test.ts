import { describe, expect, it } from 'vitest';
import { clusterBusyReason } from './clusterState';

describe('clusterBusyReason', () => {
  it.each([
    [{ provisioningState: 'Succeeded', powerState: 'Running' }, undefined],
    [{}, undefined],
    [{ provisioningState: 'Succeeded', powerState: 'Stopped' }, 'the cluster is Stopped'],
    [{ provisioningState: 'Upgrading', powerState: 'Running' }, 'the cluster is Upgrading (an operation is in progress)'],
    [{ provisioningState: 'Updating' }, 'the cluster is Updating (an operation is in progress)'],
    [{ provisioningState: 'Stopping', powerState: 'stopped' }, 'the cluster is Stopped'],
  ])('%j → %s', (state, expected) => {
    expect(clusterBusyReason(state)).toBe(expected);
  });
});
