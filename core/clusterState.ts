// Whether a managed cluster can take reboots now, from its ARM state: a stopped cluster has no
// nodes to reboot, and one in an operation (Updating, Upgrading, Scaling…) is changing its
// nodes itself; starting, or going on with the next node, would race AKS.

export interface ManagedClusterState {
  /** properties.provisioningState (Succeeded when idle). */
  provisioningState?: string;
  /** properties.powerState.code (Running or Stopped). */
  powerState?: string;
}

/** Why no node should be rebooted now, or undefined when the cluster is Running and Succeeded. */
export function clusterBusyReason(state: ManagedClusterState): string | undefined {
  if (state.powerState !== undefined && state.powerState.toLowerCase() === 'stopped') return 'the cluster is Stopped';
  if (state.provisioningState !== undefined && state.provisioningState.toLowerCase() !== 'succeeded') {
    return `the cluster is ${state.provisioningState} (an operation is in progress)`;
  }
  return undefined;
}
