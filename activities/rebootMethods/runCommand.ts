// REBOOT_METHOD=run-command (default): AKS runs `kubectl create -f reboot-helper.yaml` in its
// command pod, with the manifest attached in the request's context (as `az aks command invoke
// --file`). Returns at once with the command id; kubectl's AlreadyExists is read from the
// command's logs by getCommandResult.
import { buildRebootRunCommand } from '../../core/helperPods';
import type { RebootMethod, RebootMethodClients } from './method';

export function runCommandRebootMethod({ arm }: RebootMethodClients): RebootMethod {
  return {
    name: 'run-command',
    async send(helper) {
      const { commandId } = await arm.startCommand(buildRebootRunCommand(helper));
      return { alreadyExisted: false, commandId };
    },
  };
}
