// Least privilege on one AKS cluster, deployed in the cluster's resource group: a custom role
// holding only the ARM operations the app calls (adapters/azure/aksArm.ts), assigned to the
// app's identity on the cluster itself. Kubernetes permissions are separate: infra/k8s/rbac.yaml.
// With existingRoleId (a role a platform team created once, infra/README.md "Permissions of
// whoever deploys") no role definition is created: the deployer then needs only the right to
// assign roles, not Microsoft.Authorization/roleDefinitions/write.
param clusterName string
@description('Object id of the managed identity of the Function App.')
param principalId string
@description('This cluster signs in with the admin kubeconfig (REBOOT_USE_ADMIN_CREDENTIALS): the role also allows listClusterAdminCredential.')
param useAdminCredentials bool
@description('GUID of an existing role definition with the actions below (with the admin action if useAdminCredentials); empty: this module creates the custom role.')
param existingRoleId string

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
resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (empty(existingRoleId)) {
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

var roleGuid = empty(existingRoleId) ? role.name : existingRoleId
var roleDefinitionId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleGuid)

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  // The template's role id as before existingRoleId existed: a redeployment finds its assignment.
  name: guid(cluster.id, principalId, empty(existingRoleId) ? role.id : roleDefinitionId)
  scope: cluster
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: principalId
    // Tells ARM the principal is a service principal, so an identity created moments ago in
    // this deployment is not looked up (and missed) in Entra before replication.
    principalType: 'ServicePrincipal'
  }
}

output roleDefinitionId string = roleDefinitionId
