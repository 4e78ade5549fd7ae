// Application Insights on a Log Analytics workspace, with local (instrumentation key)
// authentication off: the app sends telemetry with its managed identity, which holds
// Monitoring Metrics Publisher on the component and nothing more.
param location string
param tags object
param workspaceName string
param applicationInsightsName string
@description('Object id of the managed identity that sends telemetry.')
param identityPrincipalId string
@description('Days the workspace keeps logs: at least the history retention (REBOOT_HISTORY_RETENTION), so an audit trace lives as long as the run it describes.')
@minValue(30)
@maxValue(730)
param retentionInDays int

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, identityPrincipalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The connection string names the component (no secret): with DisableLocalAuth, ingestion also
// needs APPLICATIONINSIGHTS_AUTHENTICATION_STRING (the identity).
output connectionString string = applicationInsights.properties.ConnectionString
output applicationInsightsId string = applicationInsights.id
