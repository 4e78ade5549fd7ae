// How the reboot helper pod reaches the cluster (REBOOT_METHOD): one interface, one factory.
// Both methods create the same manifest (core/helperPods), whose boot-id guard makes any
// repetition harmless; a new method is one new file here.
import type { RebootMethod, RebootMethodClients } from './method';
import { podRebootMethod } from './pod';
import { runCommandRebootMethod } from './runCommand';

export type { RebootMethod, RebootMethodClients, RebootSent } from './method';

const METHODS: Record<string, (clients: RebootMethodClients) => RebootMethod> = {
  'run-command': runCommandRebootMethod,
  pod: podRebootMethod,
};

export function createRebootMethod(name: string, clients: RebootMethodClients): RebootMethod {
  const make = METHODS[name];
  if (!make) throw new Error(`REBOOT_METHOD ${JSON.stringify(name)} is not accepted; use one of: ${Object.keys(METHODS).join(', ')}`);
  return make(clients);
}
