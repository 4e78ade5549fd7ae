// The Durable Task Scheduler that holds the app's orchestrations (the default backend, ADR 0015):
// a scheduler on the Consumption SKU, the task hub named as host.json's hubName, autopurge set to
// the app's history retention, and the data roles: Durable Task Data Contributor for the app's
// identity (it starts, runs and purges instances), Durable Task Data Reader for an optional group
// of operators (the dashboard in the portal). Nothing here takes a key: the app connects with
// its user-assigned identity (main.bicep, DURABLE_TASK_SCHEDULER_CONNECTION_STRING).
param location string
param tags object
@minLength(3)
@maxLength(64)
param name string
@description('Task hub name: host.json extensions.durableTask.hubName.')
param taskHubName string
@description('Days a finished instance is kept (REBOOT_HISTORY_RETENTION); the scheduler allows at most 90.')
@minValue(1)
@maxValue(90)
param retentionDays int
@description('Object id of the managed identity of the Function App.')
param identityPrincipalId string
@description('Object id of an Entra group of operators who read the history in the dashboard; empty: none.')
param operatorPrincipalId string

// Built-in roles (Azure built-in roles, "Integration"; the ids as Aspire's
// DurableTaskSchedulerBuiltInRole lists them). Contributor, not Worker: the app also starts,
// queries, raises events on and purges instances through its HTTP API and timers.
var durableTaskDataContributor = '0ad04412-c4d5-4796-b79c-f76d14c8d402'
var durableTaskDataReader = 'd6a5505f-6ebb-45a4-896e-ac8274cfc0ac'

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: 'Consumption' }
    // An empty list denies every caller; access is decided by the data roles below.
    ipAllowlist: [
      '0.0.0.0/0'
    ]
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
  properties: {}
}

// Autopurge keeps finished instances 30 days unless told otherwise; the app promises
// REBOOT_HISTORY_RETENTION (its own purge timer does the same on Azure Storage).
resource retention 'Microsoft.DurableTask/schedulers/retentionPolicies@2025-11-01' = {
  parent: scheduler
  name: 'default'
  properties: {
    retentionPolicies: [
      {
        retentionPeriodInDays: retentionDays
      }
    ]
  }
}

resource appData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(taskHub.id, identityPrincipalId, durableTaskDataContributor)
  scope: taskHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorRead 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(taskHub.id, operatorPrincipalId, durableTaskDataReader)
  scope: taskHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataReader)
    principalId: operatorPrincipalId
    principalType: 'Group'
  }
}

// https://<name>.<region>.durabletask.io: the connection string's Endpoint.
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
// The task hub's page in the scheduler dashboard (orchestrations, each one's history and status).
output dashboardUrl string = taskHub.properties.dashboardUrl
