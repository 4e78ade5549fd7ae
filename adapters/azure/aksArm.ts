// The AKS control plane as the product uses it, behind an interface we own: a few reads, the
// run-command start and its result, and the cluster's kubeconfig. One ContainerServiceClient
// per subscription, one AksArm per cluster; results are small plain JSON, never SDK objects.

import https from 'node:https';
import { ContainerServiceClient, type RunCommandResult } from '@azure/arm-containerservice';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { clusterResourceId, type ClusterRef } from './clusterRef';
import { commandIdFromLocation, DEFAULT_MAX_LOG_CHARS, interpretCommandError, interpretCommandResult, type CommandEnded, type CommandResult } from './commandResult';
import { azureCall } from './errors';
import { parseKubeconfig, type ClusterCredentials } from './kubeconfig';

/** The AKS Entra server application; tokens for it sign in to the API server and to run-command. */
export const AKS_SERVER_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default';
export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

export interface ClusterInfo {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  /** The version running (currentKubernetesVersion), else the one requested. */
  kubernetesVersion?: string;
  nodeResourceGroup?: string;
  /** Entra ID integration (`aadProfile`): run-command then needs a clusterToken. */
  entraEnabled: boolean;
  /** `apiServerAccessProfile.disableRunCommand`: the `pod` reboot method is the way then. */
  disableRunCommand: boolean;
  localAccountsDisabled: boolean;
  /** `autoUpgradeProfile.nodeOSUpgradeChannel` (`Unmanaged`, `NodeImage`, `SecurityPatch`, `None`). */
  nodeOsUpgradeChannel?: string;
  provisioningState?: string;
  powerState?: string;
}

export interface AgentPoolInfo {
  name: string;
  /** `System` | `User` */
  mode: string;
  /** `Linux` | `Windows` (AKS's default is Linux) */
  osType: string;
  count: number;
  provisioningState: string;
  /** `Running` | `Stopped` */
  powerState: string;
  /** Zone numbers as AKS lists them (`1`, `2`, `3`); empty for a regional pool. */
  availabilityZones: string[];
  /** `Regular` | `Spot` */
  scaleSetPriority: string;
  nodeImageVersion?: string;
  vmSize?: string;
}

export interface StartCommandInput {
  command: string;
  /** Base64 of a zip of the files the command reads (`az aks command invoke --file`). */
  context?: string;
}

export interface AksArm {
  readonly cluster: ClusterRef;
  getCluster(): Promise<ClusterInfo>;
  listAgentPools(): Promise<AgentPoolInfo[]>;
  /** Submits a run-command and returns its id at once, without waiting for the command. */
  startCommand(input: StartCommandInput): Promise<{ commandId: string }>;
  /** The result, or how it ended when AKS answered with an error that is a final result. */
  getCommandResult(commandId: string): Promise<CommandResult | CommandEnded>;
  /** The user kubeconfig in exec format: server and CA (the Entra exec user is not used). */
  listClusterUserCredentials(): Promise<ClusterCredentials>;
  /** Admin kubeconfig (local accounts): only with REBOOT_USE_ADMIN_CREDENTIALS. */
  listClusterAdminCredentials(): Promise<ClusterCredentials>;
}

export interface AzureAdapterOptions {
  /** Default: DefaultAzureCredential (managed identity in Azure; AZURE_CLIENT_ID picks a user-assigned one). */
  credential?: TokenCredential;
  /** Default: the public cloud's ARM endpoint. */
  armEndpoint?: string;
  /** PEM of a CA to trust for the ARM endpoint only (a loopback simulator); production uses the system store. */
  armCaPem?: string;
  /** Longest run-command log kept in a result. */
  maxLogChars?: number;
}

export interface AksArmProvider {
  readonly credential: TokenCredential;
  /** The cached AksArm of one cluster. */
  forCluster(cluster: ClusterRef): AksArm;
}

export function createAksArmProvider(options: AzureAdapterOptions = {}): AksArmProvider {
  const credential = options.credential ?? new DefaultAzureCredential();
  const endpoint = options.armEndpoint ?? DEFAULT_ARM_ENDPOINT;
  // One keep-alive agent for every subscription's client: one TLS connection serves them all.
  const agent = options.armCaPem ? new https.Agent({ keepAlive: true, ca: options.armCaPem }) : undefined;
  const clients = new Map<string, ContainerServiceClient>();
  const arms = new Map<string, AksArm>();

  const clientFor = (subscriptionId: string): ContainerServiceClient => {
    let client = clients.get(subscriptionId);
    if (!client) {
      client = new ContainerServiceClient(credential, subscriptionId, {
        endpoint,
        ...(agent && { agent }),
        // Retries belong to the orchestrator (durable timers): an activity answers in seconds.
        retryOptions: { maxRetries: 0 },
      });
      clients.set(subscriptionId, client);
    }
    return client;
  };

  return {
    credential,
    forCluster(cluster) {
      const key = clusterResourceId(cluster).toLowerCase();
      let arm = arms.get(key);
      if (!arm) {
        arm = createAksArm(cluster, clientFor(cluster.subscriptionId), credential, options.maxLogChars ?? DEFAULT_MAX_LOG_CHARS);
        arms.set(key, arm);
      }
      return arm;
    },
  };
}

function createAksArm(cluster: ClusterRef, client: ContainerServiceClient, credential: TokenCredential, maxLogChars: number): AksArm {
  const { resourceGroup: rg, name } = cluster;
  const label = `cluster ${rg}/${name}`;
  let entraEnabled: boolean | undefined;

  const getCluster = (): Promise<ClusterInfo> => azureCall(`reading ${label}`, async () => {
    const mc = await client.managedClusters.get(rg, name);
    const info: ClusterInfo = {
      ...cluster,
      ...(mc.location && { location: mc.location }),
      ...((mc.currentKubernetesVersion ?? mc.kubernetesVersion) && { kubernetesVersion: mc.currentKubernetesVersion ?? mc.kubernetesVersion }),
      ...(mc.nodeResourceGroup && { nodeResourceGroup: mc.nodeResourceGroup }),
      entraEnabled: mc.aadProfile !== undefined && mc.aadProfile !== null,
      disableRunCommand: mc.apiServerAccessProfile?.disableRunCommand === true,
      localAccountsDisabled: mc.disableLocalAccounts === true,
      ...(mc.autoUpgradeProfile?.nodeOSUpgradeChannel && { nodeOsUpgradeChannel: mc.autoUpgradeProfile.nodeOSUpgradeChannel }),
      ...(mc.provisioningState && { provisioningState: mc.provisioningState }),
      ...(mc.powerState?.code && { powerState: mc.powerState.code }),
    };
    entraEnabled = info.entraEnabled;
    return info;
  });

  const credentials = (admin: boolean) => azureCall(`listing the ${admin ? 'admin' : 'user'} credentials of ${label}`, async () => {
    const result = admin
      ? await client.managedClusters.listClusterAdminCredentials(rg, name)
      : await client.managedClusters.listClusterUserCredentials(rg, name, { format: 'exec' });
    const value = result.kubeconfigs?.[0]?.value;
    if (!value) throw new Error(`AKS returned no kubeconfig for ${label}`);
    return parseKubeconfig(Buffer.from(value).toString('utf8'));
  });

  return {
    cluster,
    getCluster,

    listAgentPools: () => azureCall(`listing the agent pools of ${label}`, async () => {
      const pools: AgentPoolInfo[] = [];
      for await (const pool of client.agentPools.list(rg, name)) {
        pools.push({
          name: pool.name ?? '',
          mode: pool.mode ?? 'User',
          osType: pool.osType ?? 'Linux',
          count: pool.count ?? 0,
          provisioningState: pool.provisioningState ?? 'Unknown',
          powerState: pool.powerState?.code ?? 'Running',
          availabilityZones: pool.availabilityZones ?? [],
          scaleSetPriority: pool.scaleSetPriority ?? 'Regular',
          ...(pool.nodeImageVersion && { nodeImageVersion: pool.nodeImageVersion }),
          ...(pool.vmSize && { vmSize: pool.vmSize }),
        });
      }
      return pools;
    }),

    async startCommand(input) {
      // The cluster's Entra setting decides whether AKS needs a clusterToken; read once per process.
      entraEnabled ??= (await getCluster()).entraEnabled;
      const clusterToken = entraEnabled ? await entraToken(credential) : undefined;
      return azureCall(`starting a run-command on ${label}`, async () => {
        const poller = await client.managedClusters.beginRunCommand(rg, name, {
          command: input.command,
          ...(input.context !== undefined && { context: input.context }),
          ...(clusterToken !== undefined && { clusterToken }),
        });
        // Only the submission was awaited; the serialized state holds the polling URL.
        const state = JSON.parse(await poller.serialize()) as { state?: { config?: { operationLocation?: string }; result?: RunCommandResult } };
        const location = state.state?.config?.operationLocation;
        const commandId = (location && commandIdFromLocation(location)) || state.state?.result?.id;
        if (!commandId) throw new Error(`AKS accepted the run-command on ${label} but gave no command result location`);
        return { commandId };
      });
    },

    getCommandResult: (commandId) => azureCall(`reading run-command ${commandId} on ${label}`, async () => {
      let status = 0;
      try {
        const raw = await client.managedClusters.getCommandResult(rg, name, commandId, {
          onResponse: (response) => { status = response.status; },
        });
        return interpretCommandResult(status, raw ?? undefined, maxLogChars);
      } catch (error) {
        const { statusCode, code, message } = (error ?? {}) as { statusCode?: number; code?: string; message?: string };
        const ended = interpretCommandError(statusCode, code, message);
        if (ended) return ended;
        throw error;
      }
    }),

    listClusterUserCredentials: () => credentials(false),
    listClusterAdminCredentials: () => credentials(true),
  };
}

async function entraToken(credential: TokenCredential): Promise<string> {
  const token = await azureCall('getting an Entra token for the AKS server application', () => credential.getToken(AKS_SERVER_SCOPE));
  if (!token) throw new Error(`the credential returned no token for ${AKS_SERVER_SCOPE}`);
  return token.token;
}
