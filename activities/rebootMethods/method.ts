// What every reboot method is: the interface the factory (index.ts) returns and each method
// file implements, in a file of its own so that neither imports the other.
import type { AksArm } from '../../adapters/azure';
import type { KubeClient } from '../../adapters/kube';
import type { RebootHelperInput } from '../../core/helperPods';

export interface RebootSent {
  /** The helper pod was there already (a retry, or kubectl's AlreadyExists). */
  alreadyExisted: boolean;
  /** The run-command to follow with getCommandResult, when the method uses one. */
  commandId?: string;
}

export interface RebootMethod {
  readonly name: string;
  send(helper: RebootHelperInput): Promise<RebootSent>;
}

export interface RebootMethodClients {
  arm: AksArm;
  kube: KubeClient;
}
