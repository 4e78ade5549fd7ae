import { describe, expect, it } from 'vitest';
import { HELPER_START_LIMIT_SECONDS, stuckHelperReason } from './helperStart';

const pulling = { name: 'arc-reboot-n1-abcd1234', phase: 'Pending', reason: 'ImagePullBackOff', message: 'Back-off pulling image "mcr.microsoft.com/azurelinux/busybox:1.36"', image: 'mcr.microsoft.com/azurelinux/busybox:1.36' };

describe('stuckHelperReason', () => {
  it('gives a helper time to start: the kubelet retries pulls', () => {
    expect(stuckHelperReason(pulling, 'n1', HELPER_START_LIMIT_SECONDS - 1)).toBeUndefined();
  });

  it('names the image and the kubelet\'s reason once the limit has passed', () => {
    expect(stuckHelperReason(pulling, 'n1', HELPER_START_LIMIT_SECONDS)).toBe(
      'reboot helper arc-reboot-n1-abcd1234 on n1 cannot get its image mcr.microsoft.com/azurelinux/busybox:1.36: ImagePullBackOff (Back-off pulling image "mcr.microsoft.com/azurelinux/busybox:1.36")',
    );
  });

  it('reports a helper Pending for another reason, or none', () => {
    expect(stuckHelperReason({ name: 'h', phase: 'Pending', reason: 'ContainerCreating' }, 'n1', 120)).toBe('reboot helper h on n1 still Pending after 120s: ContainerCreating');
    expect(stuckHelperReason({ name: 'h', phase: 'Pending' }, 'n1', 120)).toBe('reboot helper h on n1 still Pending after 120s');
  });

  it.each(['Running', 'Succeeded', 'Failed'])('never calls a %s helper stuck (it ran: the boot id tells the rest)', (phase) => {
    expect(stuckHelperReason({ ...pulling, phase }, 'n1', 3600)).toBeUndefined();
  });
});
