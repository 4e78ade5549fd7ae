// How the reboot helper pod reaches the cluster (REBOOT_METHOD): one interface, one factory.
// Both methods create the same manifest (core/helperPods), whose boot-id guard makes any
// repetition harmless; a new method is one new file here.
import type { AksArm } from '../../adapters/azure';
import type { KubeClient } from '../../adapters/kube';
import type { RebootHelperInput } from '../../core/helperPods';
import { podRebootMethod } from './pod';
import { runCommandRebootMethod } from './runCommand';

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

const METHODS: Record<string, (clients: RebootMethodClients) => RebootMethod> = {
  'run-command': runCommandRebootMethod,
  pod: podRebootMethod,
};

export function createRebootMethod(name: string, clients: RebootMethodClients): RebootMethod {
  const make = METHODS[name];
  if (!make) throw new Error(`REBOOT_METHOD ${JSON.stringify(name)} is not accepted; use one of: ${Object.keys(METHODS).join(', ')}`);
  return make(clients);
}
