// The JSON ARM returns for a managed cluster and its agent pools (the fields the product reads,
// named and nested as the REST API has them).
import { type ScenarioCluster } from '../contracts';
import { type ArmPoolState } from './model';

export const SIM_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
/** The Entra group of cluster admins (`aadProfile.adminGroupObjectIDs`); AKS binds it to cluster-admin. */
export const SIM_ADMIN_GROUP_ID = '00000000-0000-4000-8000-00000000ad41';

export function clusterResourceId(cluster: ScenarioCluster): string {
  return `/subscriptions/${cluster.subscriptionId}/resourceGroups/${cluster.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${cluster.name}`;
}

export function nodeResourceGroupOf(cluster: ScenarioCluster): string {
  return cluster.nodeResourceGroup ?? `MC_${cluster.resourceGroup}_${cluster.name}_${cluster.location}`;
}

export function agentPoolResource(cluster: ScenarioCluster, pool: ArmPoolState): object {
  return {
    id: `${clusterResourceId(cluster)}/agentPools/${pool.name}`,
    name: pool.name,
    type: 'Microsoft.ContainerService/managedClusters/agentPools',
    properties: {
      count: pool.count,
      vmSize: pool.vmSize,
      osDiskSizeGB: 128,
      osDiskType: 'Managed',
      kubeletDiskType: 'OS',
      maxPods: 110,
      type: 'VirtualMachineScaleSets',
      availabilityZones: pool.zones.length > 0 ? pool.zones : undefined,
      provisioningState: pool.provisioningState,
      powerState: { code: pool.powerState },
      orchestratorVersion: cluster.kubernetesVersion ?? '1.32.4',
      currentOrchestratorVersion: cluster.kubernetesVersion ?? '1.32.4',
      enableNodePublicIP: false,
      scaleSetPriority: pool.priority,
      ...(pool.priority === 'Spot' ? { scaleSetEvictionPolicy: 'Delete', spotMaxPrice: -1 } : {}),
      mode: pool.mode,
      osType: pool.osType,
      osSKU: pool.osType === 'Windows' ? 'Windows2022' : 'Ubuntu',
      nodeImageVersion: pool.nodeImageVersion,
      upgradeSettings: { maxSurge: '10%' },
      enableFIPS: false,
    },
  };
}

export function managedClusterResource(cluster: ScenarioCluster, pools: ArmPoolState[], state = { provisioningState: 'Succeeded', powerState: 'Running' }): object {
  const dnsPrefix = `${cluster.name}-dns`;
  return {
    id: clusterResourceId(cluster),
    location: cluster.location,
    name: cluster.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    sku: { name: 'Base', tier: 'Standard' },
    identity: { type: 'SystemAssigned', principalId: '00000000-0000-0000-0000-0000000000a1', tenantId: SIM_TENANT_ID },
    properties: {
      provisioningState: state.provisioningState,
      powerState: { code: state.powerState },
      kubernetesVersion: cluster.kubernetesVersion ?? '1.32.4',
      currentKubernetesVersion: cluster.kubernetesVersion ?? '1.32.4',
      dnsPrefix,
      // A realistic name that does not resolve here: clients must use listClusterUserCredential.
      fqdn: `${dnsPrefix}-sim.hcp.${cluster.location}.azmk8s.io`,
      agentPoolProfiles: pools.map((pool) => ({ name: pool.name, ...(agentPoolResource(cluster, pool) as { properties: object }).properties })),
      nodeResourceGroup: nodeResourceGroupOf(cluster),
      enableRBAC: true,
      supportPlan: 'KubernetesOfficial',
      ...(cluster.entraEnabled
        ? { aadProfile: { managed: true, enableAzureRBAC: cluster.enableAzureRBAC ?? false, adminGroupObjectIDs: [SIM_ADMIN_GROUP_ID], tenantID: SIM_TENANT_ID } }
        : {}),
      apiServerAccessProfile: { enablePrivateCluster: false, disableRunCommand: cluster.disableRunCommand ?? false },
      autoUpgradeProfile: { upgradeChannel: 'none', nodeOSUpgradeChannel: cluster.nodeOsUpgradeChannel ?? 'Unmanaged' },
      disableLocalAccounts: cluster.disableLocalAccounts ?? false,
    },
  };
}
