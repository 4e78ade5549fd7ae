// Which AKS cluster a call is about: its ARM coordinates, parsed from the resource id that
// AKS_CLUSTERS holds, so every adapter names a cluster the same way.

export interface ClusterRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const RESOURCE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i;
export const CLUSTER_RESOURCE_ID_FORM = '/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>';

export function parseClusterResourceId(resourceId: string): ClusterRef {
  const match = RESOURCE_ID.exec(resourceId.trim());
  if (!match) throw new Error(`cluster resource id ${JSON.stringify(resourceId)} is not accepted (expected ${CLUSTER_RESOURCE_ID_FORM})`);
  return { subscriptionId: match[1]!, resourceGroup: match[2]!, name: match[3]! };
}

export function clusterResourceId(ref: ClusterRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${ref.name}`;
}
