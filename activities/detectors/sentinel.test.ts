// What a check pod's state means, for the states the simulator does not produce (image pull
// errors, a kubelet's rejection, odd exit codes): never "not required" unless `test -f` said so.
import { describe, expect, it } from 'vitest';
import type { HelperPodStatus } from '../../adapters/kube';
import { judgeCheckPod, STALE_CHECK_SECONDS, staleCheckPods } from './sentinel';

const pod = (status: Partial<HelperPodStatus>): HelperPodStatus => ({
  namespace: 'aks-reboot-orchestrator', name: 'arc-check-n-x', uid: 'u', nodeName: 'n', phase: 'Pending', ready: false,
  labels: {}, ownerReferences: [], isMirror: false, emptyDirVolumes: [], annotations: {}, ...status,
});

describe('judgeCheckPod', () => {
  it.each([
    ['exit 0', pod({ phase: 'Succeeded', exitCode: 0 }), false, true, { status: 'required' }],
    ['exit 1', pod({ phase: 'Failed', exitCode: 1, reason: 'Error' }), false, true, { status: 'not-required' }],
    ['exit 127', pod({ phase: 'Failed', exitCode: 127, reason: 'Error' }), false, true, { status: 'unknown', reason: 'its check exited with code 127 (Error)' }],
    ['rejected by the kubelet', pod({ phase: 'Failed', reason: 'OutOfpods', message: 'Node didn\'t have enough resource: pods' }), false, true,
      { status: 'unknown', reason: 'its check pod ended Failed without running (OutOfpods: Node didn\'t have enough resource: pods)' }],
    ['image pull error', pod({ reason: 'ImagePullBackOff', message: 'Back-off pulling image' }), false, true,
      { status: 'unknown', reason: 'its check pod cannot start (ImagePullBackOff: Back-off pulling image)' }],
    ['still starting', pod({ reason: 'ContainerCreating' }), false, true, { status: 'pending' }],
    ['still starting at the timeout', pod({ reason: 'ContainerCreating' }), true, true, { status: 'unknown', reason: 'its check pod was still Pending at the check timeout (ContainerCreating)' }],
    ['node gone at the timeout', pod({}), true, undefined, { status: 'unknown', reason: 'its check pod was still Pending at the check timeout; the node no longer exists' }],
    ['pod gone', undefined, false, true, { status: 'unknown', reason: 'its check pod is gone (deleted before it was read)' }],
  ] as const)('%s', (_name, status, final, ready, expected) => {
    expect(judgeCheckPod('n', status, final, ready)).toEqual({ node: 'n', ...expected });
  });
});

describe('staleCheckPods', () => {
  const NOW = Date.parse('2026-01-05T03:00:00Z');
  const check = (name: string, runId: string | undefined, secondsAgo: number | undefined) => pod({
    name,
    annotations: runId ? { 'aks-reboot-orchestrator/run-id': runId } : {},
    ...(secondsAgo !== undefined && { createdAt: new Date(NOW - secondsAgo * 1000).toISOString() }),
  });
  it('names the check pods of other runs older than an hour, never this run\'s or a recent one', () => {
    const pods = [
      check('ours-old', 'RUN', STALE_CHECK_SECONDS + 60),
      check('other-old', 'OTHER', STALE_CHECK_SECONDS + 1),
      check('other-recent', 'OTHER', STALE_CHECK_SECONDS - 1),
      check('unannotated-old', undefined, STALE_CHECK_SECONDS + 1),
      check('other-no-time', 'OTHER', undefined),
    ];
    expect(staleCheckPods(pods, 'RUN', NOW)).toEqual(['other-old', 'unannotated-old']);
  });
});
