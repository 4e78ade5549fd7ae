// REBOOT_METHOD=pod: the same manifest created through the Kubernetes API, for clusters with
// run-command disabled. AlreadyExists counts as sent.
import { buildRebootHelper } from '../../core/helperPods';
import type { RebootMethod, RebootMethodClients } from './method';

export function podRebootMethod({ kube }: RebootMethodClients): RebootMethod {
  return {
    name: 'pod',
    async send(helper) {
      const created = await kube.createHelperPod(buildRebootHelper(helper));
      return { alreadyExisted: created.outcome === 'exists' };
    },
  };
}
