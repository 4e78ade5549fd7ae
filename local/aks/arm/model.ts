// What the ARM surface reads from the simulated cluster: its identity and its agent pools as
// they are at the moment of the request.
import { type ScenarioCluster } from '../contracts';

export interface ArmPoolState {
  name: string;
  mode: 'System' | 'User';
  osType: 'Linux' | 'Windows';
  priority: 'Regular' | 'Spot';
  /** Nodes the pool has now (a node deleted mid-run lowers it). */
  count: number;
  zones: string[];
  provisioningState: string;
  powerState: 'Running' | 'Stopped';
  vmSize: string;
  nodeImageVersion: string;
}

export interface ArmClusterView {
  readonly cluster: ScenarioCluster;
  pools(): ArmPoolState[];
  /** The managed cluster's provisioningState and powerState now (default Succeeded / Running). */
  state?(): { provisioningState: string; powerState: 'Running' | 'Stopped' };
}
