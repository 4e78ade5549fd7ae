// The Azure adapter's public surface: AKS through ARM, behind the AksArm interface.

export { AKS_SERVER_SCOPE, DEFAULT_ARM_ENDPOINT, createAksArmProvider } from './aksArm';
export type { AgentPoolInfo, AksArm, AksArmProvider, AzureAdapterOptions, ClusterInfo, StartCommandInput } from './aksArm';
export { CLUSTER_RESOURCE_ID_FORM, clusterResourceId, parseClusterResourceId } from './clusterRef';
export type { ClusterRef } from './clusterRef';
export { commandIdFromLocation, interpretCommandError, interpretCommandResult, truncateLogs } from './commandResult';
export type { CommandEnded, CommandResult, RawCommandResult } from './commandResult';
export { AzureRequestError, TransientError } from './errors';
export { parseKubeconfig } from './kubeconfig';
export type { ClusterCredentials } from './kubeconfig';
