// Kubernetes permissions on a cluster that authorizes with Azure RBAC (aadProfile.enableAzureRBAC),
// deployed in the cluster's resource group: the grants of infra/k8s/rbac.yaml as Azure data
// actions, in three custom roles assigned to the app's identity at the scope each grant has —
// the cluster (the ClusterRole), the helper namespace and `default` (the Roles), the namespace
// scope being `<cluster id>/namespaces/<ns>` as AKS documents it (manage-azure-rbac). On such a
// cluster the manifests' bindings are not needed; the namespace and NetworkPolicy still are.
param clusterName string
@description('Object id of the managed identity of the Function App.')
param principalId string
@description('GUIDs of existing roles holding the three lists below, in their order (cluster, helper namespace, node events); empty: this module creates the roles.')
param existingRoleIds array

// BEGIN kubernetes-data-actions
// Checked by test/infra/azureRbacRoles.test.ts against infra/k8s/rbac.yaml: each rule's verbs
// as AKS's webhook names them (get/list → read, create/update/patch → write, delete → delete;
// an eviction is pods/write). A namespace grant the cluster grant already holds is left out.
var clusterDataActions = [
  'Microsoft.ContainerService/managedClusters/nodes/read'
  'Microsoft.ContainerService/managedClusters/nodes/write'
  'Microsoft.ContainerService/managedClusters/pods/read'
  'Microsoft.ContainerService/managedClusters/pods/write'
  'Microsoft.ContainerService/managedClusters/policy/poddisruptionbudgets/read'
  'Microsoft.ContainerService/managedClusters/apps/deployments/read'
  'Microsoft.ContainerService/managedClusters/apps/statefulsets/read'
  'Microsoft.ContainerService/managedClusters/apps/replicasets/read'
  'Microsoft.ContainerService/managedClusters/apps/daemonsets/read'
]
var helperNamespaceDataActions = [
  'Microsoft.ContainerService/managedClusters/pods/delete'
  'Microsoft.ContainerService/managedClusters/coordination.k8s.io/leases/read'
  'Microsoft.ContainerService/managedClusters/coordination.k8s.io/leases/write'
]
var nodeEventsNamespaceDataActions = [
  'Microsoft.ContainerService/managedClusters/events/write'
]
// END kubernetes-data-actions

// REBOOT_NAMESPACE (main.bicep's app-settings block) and where node events go (adapters/kube/events.ts).
var helperNamespace = 'aks-reboot-orchestrator'
var nodeEventsNamespace = 'default'

var grants = [
  { kind: 'cluster', dataActions: clusterDataActions, description: 'nodes, pods, evictions, budgets and workloads in every namespace' }
  { kind: 'helper-namespace', dataActions: helperNamespaceDataActions, description: 'helper pods and the Lease in ${helperNamespace}' }
  { kind: 'node-events', dataActions: nodeEventsNamespaceDataActions, description: 'node events in ${nodeEventsNamespace}' }
]

resource cluster 'Microsoft.ContainerService/managedClusters@2024-09-01' existing = {
  name: clusterName
}

// One role per scope, so each assignment grants only what that scope needs; like the ARM role
// of clusterAccess.bicep, one set per resource group, assignable only there.
resource roles 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for grant in grants: if (empty(existingRoleIds)) {
  name: guid(resourceGroup().id, 'aks-reboot-orchestrator-kubernetes', grant.kind)
  properties: {
    roleName: 'AKS Reboot Orchestrator Kubernetes ${grant.kind} (${subscription().subscriptionId}/${resourceGroup().name})'
    description: 'Azure RBAC for Kubernetes authorization: ${grant.description}, as aks-reboot-orchestrator needs them (infra/k8s/rbac.yaml).'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: grant.dataActions
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}]

var roleDefinitionIds = [for (grant, i) in grants: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', empty(existingRoleIds) ? roles[i].name : existingRoleIds[i])]

resource clusterAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(cluster.id, principalId, roleDefinitionIds[0])
  scope: cluster
  properties: {
    roleDefinitionId: roleDefinitionIds[0]
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// `<cluster id>/namespaces/<ns>` is a scope, not an ARM resource Bicep can name: the assignment
// is declared with the nested extension type, whose name carries the scope's segments.
resource helperNamespaceAssignment 'Microsoft.ContainerService/managedClusters/namespaces/providers/roleAssignments@2022-04-01' = {
  name: '${clusterName}/${helperNamespace}/Microsoft.Authorization/${guid(cluster.id, helperNamespace, principalId, roleDefinitionIds[1])}'
  properties: {
    roleDefinitionId: roleDefinitionIds[1]
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource nodeEventsAssignment 'Microsoft.ContainerService/managedClusters/namespaces/providers/roleAssignments@2022-04-01' = {
  name: '${clusterName}/${nodeEventsNamespace}/Microsoft.Authorization/${guid(cluster.id, nodeEventsNamespace, principalId, roleDefinitionIds[2])}'
  properties: {
    roleDefinitionId: roleDefinitionIds[2]
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output roleDefinitionIds array = roleDefinitionIds
