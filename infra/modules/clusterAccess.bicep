// Least privilege on one AKS cluster, deployed in the cluster's resource group: a custom role
// holding only the ARM operations the app calls (adapters/azure/aksArm.ts), assigned to the
// app's identity on the cluster itself. Kubernetes permissions are separate: infra/k8s/rbac.yaml.
param clusterName string
@description('Object id of the managed identity of the Function App.')
param principalId string
@description('REBOOT_USE_ADMIN_CREDENTIALS: also allow reading the admin kubeconfig.')
param useAdminCredentials bool

// BEGIN cluster-role-actions
// Checked by test/infra/armRole.test.ts against the SDK calls of adapters/azure.
var operatorActions = [
  'Microsoft.ContainerService/managedClusters/read'
  'Microsoft.ContainerService/managedClusters/agentPools/read'
  'Microsoft.ContainerService/managedClusters/runCommand/action'
  'Microsoft.ContainerService/managedClusters/commandResults/read'
  'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'
]
var adminCredentialActions = [
  'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action'
]
// END cluster-role-actions

resource cluster 'Microsoft.ContainerService/managedClusters@2024-09-01' existing = {
  name: clusterName
}

// A custom role is a tenant-wide name: one per resource group (and credential mode), assignable
// only in this resource group.
resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'aks-reboot-orchestrator', useAdminCredentials ? 'admin' : 'user')
  properties: {
    roleName: 'AKS Reboot Orchestrator (${subscription().subscriptionId}/${resourceGroup().name}${useAdminCredentials ? ', admin credentials' : ''})'
    description: 'Read an AKS cluster and its agent pools, run and read run-commands, and get its kubeconfig: what aks-reboot-orchestrator calls in ARM.'
    type: 'CustomRole'
    permissions: [
      {
        actions: useAdminCredentials ? concat(operatorActions, adminCredentialActions) : operatorActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(cluster.id, principalId, role.id)
  scope: cluster
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.name)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output roleDefinitionId string = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.name)
