// aks-reboot-orchestrator in Azure: a Function App on the Flex Consumption plan (Node.js 22,
// Linux) with one user-assigned managed identity for its host storage, its task hub (the Durable
// Task Scheduler by default, or the storage account: ADR 0015), Application Insights, ARM and
// Kubernetes; no keys anywhere. Each cluster of AKS_CLUSTERS gets a custom
// role for that identity holding only the ARM operations the app calls (modules/clusterAccess).
// Deploy with `azd up` or `az deployment group create` (infra/README.md).
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Environment name (azd): makes resource names unique and tags every resource.')
param environmentName string

@description('Region of every resource; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('AKS_CLUSTERS: alias=<managed cluster resource id>, comma-separated. Each cluster also gets the custom role for the identity.')
param aksClusters string = ''

@description('REBOOT_USE_ADMIN_CREDENTIALS: the clusters that sign in with their admin kubeconfig (local accounts): true (every cluster), false, or aliases of AKS_CLUSTERS, comma-separated. Only those clusters\' roles get listClusterAdminCredential.')
param useAdminCredentials string = 'false'

@description('The clusters that authorize Kubernetes requests with Azure RBAC (aadProfile.enableAzureRBAC): true (every cluster), false, or aliases of AKS_CLUSTERS, comma-separated. Those clusters get the Kubernetes data-action roles of modules/clusterDataAccess.bicep; every other cluster needs infra/k8s/rbac.yaml applied.')
param azureRbacClusters string = 'false'

@description('GUIDs of the three Kubernetes data-action roles of modules/clusterDataAccess.bicep (block kubernetes-data-actions: cluster, helper namespace, node events), comma-separated in that order, created once by a platform team; empty: the template creates them in each Azure RBAC cluster\'s resource group.')
param clusterDataRoleIds string = ''

@description('GUID of a custom role a platform team created once with the actions of modules/clusterAccess.bicep (block cluster-role-actions, without the admin action): assigned on each cluster instead of creating a role per resource group, so the deployer needs no roleDefinitions/write. Empty: the template creates the roles.')
param clusterAccessRoleId string = ''

@description('GUID of the same kind of role with listClusterAdminCredential added, for the clusters that use admin credentials; empty: the template creates it where needed.')
param clusterAdminAccessRoleId string = ''

@description('Accept notification and Prometheus URLs on private addresses (a Prometheus inside the VNet).')
param allowPrivateUrls bool = false

@description('REBOOT_HELPER_IMAGE: pin a digest in production (repository@sha256:...), mirrored in your ACR for air-gapped clusters.')
param helperImage string = 'mcr.microsoft.com/azurelinux/busybox:1.36'

@description('REBOOT_DAYS: days the maintenance window is open.')
param maintenanceDays string = 'su,mo,tu,we,th,fr,sa'

@description('REBOOT_START_TIME: time of day the window opens.')
param maintenanceStartTime string = '0:00'

@description('REBOOT_END_TIME: time of day the window closes.')
param maintenanceEndTime string = '23:59:59'

@description('REBOOT_TIME_ZONE: IANA time zone of the window.')
param maintenanceTimeZone string = 'UTC'

@secure()
@description('REBOOT_NOTIFY_URL: webhook URLs (secret); empty: no notifications.')
param notifyUrls string = ''

@secure()
@description('REBOOT_PROMETHEUS_URL: Prometheus whose alerts block reboots (secret, may carry credentials); empty: off.')
param prometheusUrl string = ''

@description('Name of a Key Vault in this resource group (Azure RBAC mode) holding the secrets `reboot-notify-url` and `reboot-prometheus-url`: REBOOT_NOTIFY_URL and REBOOT_PROMETHEUS_URL become Key Vault references read with the app\'s identity (Key Vault Secrets User on that vault), and notifyUrls/prometheusUrl are ignored; empty: those two @secure() parameters.')
param secretsKeyVaultName string = ''

@description('Resource id of a subnet delegated to Microsoft.App/environments for VNet integration (private clusters, authorized IP ranges through a NAT gateway); empty: none.')
param subnetId string = ''

@minValue(1)
@maxValue(1000)
@description('Most instances the app scales out to (Flex Consumption; its default is 100). One always-ready instance runs the orchestrations; the cap bounds cost under HTTP load. infra/README.md, "On a first deployment".')
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Memory of each instance.')
param instanceMemoryMB int = 2048

@minValue(0)
@description('Always-ready instances of the durable group (1 is what the Durable Functions docs recommend on Flex Consumption; 0 saves its cost).')
param alwaysReadyDurableInstances int = 1

@description('Client id of an Entra app registration: turns on App Service authentication (Entra sign-in) in front of the API; empty: function keys only.')
param apiAuthClientId string = ''

@allowed([
  'durableTaskScheduler'
  'azureStorage'
])
@description('Where orchestrations and their history live: the Durable Task Scheduler (a dashboard of every run and node in the portal) or the storage account\'s tables and queues (no portal view of instances). ADR 0015.')
param durableBackend string = 'durableTaskScheduler'

@description('Object id of an Entra group of operators who read the run history: Durable Task Data Reader on the task hub, or with azureStorage Storage Table/Blob/Queue Data Reader on the storage account; empty: none.')
param operatorPrincipalId string = ''

@description('Alerts: e-mail addresses to notify, comma-separated; empty: none (the rules still show fired alerts in the portal).')
param alertEmails string = ''

@secure()
@description('Alerts: a webhook the action group calls (common alert schema), e.g. a Teams or PagerDuty endpoint; secret, it often carries a token; empty: none.')
param alertWebhookUrl string = ''

@description('Tags added to every resource.')
param tags object = {}

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var allTags = union(tags, { 'azd-env-name': environmentName })
var deploymentContainerName = 'app-package'
var useScheduler = durableBackend == 'durableTaskScheduler'
// REBOOT_HISTORY_RETENTION in days (app-settings block): the scheduler's autopurge keeps finished
// instances as long, and Log Analytics keeps the app's logs at least as long.
var historyRetentionDays = 90
// host.json extensions.durableTask.hubName: the task hub resource carries the same name.
var taskHubName = 'AksRebootOrchestrator'

// AKS_CLUSTERS split the way core/settings.ts reads it (commas; alias=resource id), so the role
// assignments follow exactly the clusters the app will manage.
var clusterEntries = filter(map(split(aksClusters, ','), entry => trim(entry)), entry => !empty(entry))
var clusterResourceIds = map(clusterEntries, entry => trim(substring(entry, indexOf(entry, '=') + 1)))
var clusterAliases = map(clusterEntries, entry => trim(substring(entry, 0, indexOf(entry, '='))))
// REBOOT_USE_ADMIN_CREDENTIALS read as core/settings.ts reads it: a boolean (true/1, false/0)
// or a list of aliases; the clusters it names get the admin action in their role.
var adminSetting = toLower(trim(useAdminCredentials))
var adminForAll = contains(['true', '1'], adminSetting)
var adminAliases = contains(['true', '1', 'false', '0'], adminSetting) ? [] : filter(map(split(useAdminCredentials, ','), alias => trim(alias)), alias => !empty(alias))
// azureRbacClusters read the same way: a boolean or a list of aliases.
var azureRbacSetting = toLower(trim(azureRbacClusters))
var azureRbacForAll = contains(['true', '1'], azureRbacSetting)
var azureRbacAliases = contains(['true', '1', 'false', '0'], azureRbacSetting) ? [] : filter(map(split(azureRbacClusters, ','), alias => trim(alias)), alias => !empty(alias))

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-aksreboot-${resourceToken}'
  location: location
  tags: allTags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: allTags
    workspaceName: 'log-aksreboot-${resourceToken}'
    applicationInsightsName: 'appi-aksreboot-${resourceToken}'
    identityPrincipalId: identity.properties.principalId
    retentionInDays: historyRetentionDays
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    tags: allTags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    alertEmails: alertEmails
    alertWebhookUrl: alertWebhookUrl
    namePrefix: 'alert-aksreboot-${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: allTags
    name: 'staksreboot${take(resourceToken, 11)}'
    deploymentContainerName: deploymentContainerName
    identityPrincipalId: identity.properties.principalId
    operatorPrincipalId: useScheduler ? '' : operatorPrincipalId
  }
}

module scheduler 'modules/durableTaskScheduler.bicep' = if (useScheduler) {
  name: 'durableTaskScheduler'
  params: {
    location: location
    tags: allTags
    name: 'dts-aksreboot-${resourceToken}'
    taskHubName: taskHubName
    retentionDays: historyRetentionDays
    identityPrincipalId: identity.properties.principalId
    operatorPrincipalId: operatorPrincipalId
  }
}

// BEGIN app-settings
// Every app setting of the Function App, one `NAME: value` per line. The platform's own settings
// first; then every setting of core/settings.ts with the schema's default, as a '...' literal or
// a parameter of this file (test/infra/appSettings.test.ts reads this block and checks both).
var appSettings = {
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  AZURE_CLIENT_ID: identity.properties.clientId
  AKS_CLUSTERS: aksClusters
  REBOOT_ENABLED: 'true'
  REBOOT_SCHEDULE: '0 */15 * * * *'
  REBOOT_DAYS: maintenanceDays
  REBOOT_START_TIME: maintenanceStartTime
  REBOOT_END_TIME: maintenanceEndTime
  REBOOT_TIME_ZONE: maintenanceTimeZone
  REBOOT_CONCURRENCY: '1'
  REBOOT_LOCK_TTL: '30m'
  REBOOT_DRAIN_DELAY: '0'
  REBOOT_PRE_DRAIN_GATE: 'true'
  REBOOT_PRE_DRAIN_TIMEOUT: '30m'
  REBOOT_DRAIN_TIMEOUT: '30m'
  REBOOT_DRAIN_GRACE_PERIOD: ''
  REBOOT_DRAIN_POD_SELECTOR: ''
  REBOOT_DRAIN_DELETE_EMPTYDIR_DATA: 'true'
  REBOOT_DRAIN_FORCE: 'true'
  REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT: '0'
  REBOOT_IMPLICIT_BUDGET: 'rollout'
  REBOOT_FORCE_REBOOT: 'false'
  REBOOT_REBOOT_DELAY: '0'
  REBOOT_TIMEOUT: '15m'
  REBOOT_RECOVERY_GATE: 'true'
  REBOOT_RECOVERY_TIMEOUT: '30m'
  REBOOT_POST_REBOOT_DELAY: '0'
  REBOOT_BLOCKED_TIMEOUT: '1h'
  REBOOT_POLL_INTERVAL: '10s'
  REBOOT_ON_FAILURE: 'halt'
  REBOOT_DETECTOR: 'sentinel'
  REBOOT_SENTINEL: '/var/run/reboot-required'
  REBOOT_NODE_LABEL: 'aks-reboot-orchestrator/reboot-required=true'
  REBOOT_NODE_CONDITION: 'RebootRequired'
  REBOOT_METHOD: 'run-command'
  REBOOT_HELPER_IMAGE: helperImage
  REBOOT_NAMESPACE: 'aks-reboot-orchestrator'
  REBOOT_NODE_POOLS: ''
  REBOOT_EXCLUDE_NODE_POOLS: ''
  REBOOT_INCLUDE_SPOT: 'false'
  REBOOT_BLOCKING_POD_SELECTOR: ''
  REBOOT_PROMETHEUS_URL: prometheusUrl
  REBOOT_ALERT_FILTER_REGEXP: ''
  REBOOT_ALERT_FILTER_MATCH_ONLY: 'false'
  REBOOT_ALERT_FIRING_ONLY: 'false'
  REBOOT_PRE_REBOOT_NODE_LABELS: ''
  REBOOT_POST_REBOOT_NODE_LABELS: ''
  REBOOT_PREFER_NO_SCHEDULE_TAINT: ''
  REBOOT_NOTIFY_URL: notifyUrls
  REBOOT_MESSAGE_TEMPLATE_DRAIN: 'Draining node %s'
  REBOOT_MESSAGE_TEMPLATE_REBOOT: 'Rebooting node %s'
  REBOOT_MESSAGE_TEMPLATE_UNCORDON: 'Node %s rebooted & uncordoned successfully!'
  REBOOT_USE_ADMIN_CREDENTIALS: useAdminCredentials
  REBOOT_HISTORY_RETENTION: '90d'
  REBOOT_ALLOW_PRIVATE_URLS: allowPrivateUrls ? 'true' : 'false'
}
// END app-settings

module keyVaultSecrets 'modules/keyVaultSecrets.bicep' = if (!empty(secretsKeyVaultName)) {
  name: 'keyVaultSecrets'
  params: {
    vaultName: secretsKeyVaultName
    identityPrincipalId: identity.properties.principalId
  }
}

// BEGIN secret-settings
// With secretsKeyVaultName, the secret settings are Key Vault references (they win over the
// app-settings block in the union below); otherwise the block's @secure() parameters stay.
var keyVaultSecretSettings = {
  REBOOT_NOTIFY_URL: '@Microsoft.KeyVault(VaultName=${keyVaultSecrets!.outputs.vaultName};SecretName=reboot-notify-url)'
  REBOOT_PROMETHEUS_URL: '@Microsoft.KeyVault(VaultName=${keyVaultSecrets!.outputs.vaultName};SecretName=reboot-prometheus-url)'
}
// END secret-settings

// BEGIN backend-settings
// The task hub connection for each backend (ADR 0015). host.json names the Durable Task
// Scheduler's connection; with azureStorage these settings override host.json's storageProvider
// (AzureFunctionsJobHost__<path>, the Functions host's documented override) to the Azure Storage
// provider on AzureWebJobsStorage with its polling and partition settings.
var schedulerSettings = {
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: useScheduler ? 'Endpoint=${scheduler!.outputs.endpoint};Authentication=ManagedIdentity;ClientID=${identity.properties.clientId}' : ''
}
var azureStorageSettings = {
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'AzureStorage'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionName: 'AzureWebJobsStorage'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'AzureWebJobsStorage'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__partitionCount: '4'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval: '00:00:10'
}
// END backend-settings

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    location: location
    tags: allTags
    planName: 'plan-aksreboot-${resourceToken}'
    appName: 'func-aksreboot-${resourceToken}'
    identityId: identity.id
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    appSettings: union(appSettings, useScheduler ? schedulerSettings : azureStorageSettings, empty(secretsKeyVaultName) ? {} : keyVaultSecretSettings)
    subnetId: subnetId
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyDurableInstances: alwaysReadyDurableInstances
    apiAuthClientId: apiAuthClientId
  }
}

// One module per cluster, in the cluster's own resource group (and subscription). One at a time:
// clusters that share a resource group share its custom role definition.
@batchSize(1)
module clusterAccess 'modules/clusterAccess.bicep' = [for (resourceId, i) in clusterResourceIds: {
  name: 'cluster-access-${uniqueString(resourceId)}'
  scope: resourceGroup(split(resourceId, '/')[2], split(resourceId, '/')[4])
  params: {
    clusterName: last(split(resourceId, '/'))
    principalId: identity.properties.principalId
    useAdminCredentials: adminForAll || contains(adminAliases, clusterAliases[i])
    existingRoleId: (adminForAll || contains(adminAliases, clusterAliases[i])) ? clusterAdminAccessRoleId : clusterAccessRoleId
  }
}]

// On the clusters that authorize with Azure RBAC, the grants of infra/k8s/rbac.yaml as data
// actions (one role per scope), instead of applying the manifests' bindings.
@batchSize(1)
module clusterDataAccess 'modules/clusterDataAccess.bicep' = [for (resourceId, i) in clusterResourceIds: if (azureRbacForAll || contains(azureRbacAliases, clusterAliases[i])) {
  name: 'cluster-data-access-${uniqueString(resourceId)}'
  scope: resourceGroup(split(resourceId, '/')[2], split(resourceId, '/')[4])
  params: {
    clusterName: last(split(resourceId, '/'))
    principalId: identity.properties.principalId
    existingRoleIds: filter(map(split(clusterDataRoleIds, ','), id => trim(id)), id => !empty(id))
  }
}]

output AZURE_LOCATION string = location
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_DURABLE_BACKEND string = durableBackend
output AZURE_ALERT_RULES array = alerts.outputs.ruleNames
@description('The task hub\'s page in the Durable Task Scheduler dashboard: every run and node, with its history; empty with azureStorage.')
output AZURE_DURABLE_DASHBOARD_URL string = useScheduler ? scheduler!.outputs.dashboardUrl : ''
output AZURE_DURABLE_TASK_HUB string = useScheduler ? scheduler!.outputs.taskHubName : taskHubName
output AZURE_IDENTITY_CLIENT_ID string = identity.properties.clientId
@description('Object id of the managed identity: the Kubernetes RBAC subject in infra/k8s/rbac.yaml.')
output AZURE_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output AZURE_CLUSTER_ROLE_DEFINITION_IDS array = [for (resourceId, i) in clusterResourceIds: clusterAccess[i].outputs.roleDefinitionId]
@description('Per cluster of AKS_CLUSTERS, the Kubernetes data-action roles assigned on it (empty where it uses infra/k8s/rbac.yaml).')
output AZURE_CLUSTER_DATA_ROLE_DEFINITION_IDS array = [for (resourceId, i) in clusterResourceIds: (azureRbacForAll || contains(azureRbacAliases, clusterAliases[i])) ? clusterDataAccess[i]!.outputs.roleDefinitionIds : []]
