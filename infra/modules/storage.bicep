// The storage account of the Functions host (and, with durableBackend azureStorage, of the
// Durable Task task hub: queues, tables, blobs and blob leases), also holding the Flex Consumption
// deployment container. Shared key access is off: only Entra identities get in, and the app's
// identity holds the three data roles the host and the extension need, on this account only.
param location string
param tags object
@minLength(3)
@maxLength(24)
param name string
param deploymentContainerName string
@description('Object id of the managed identity of the Function App.')
param identityPrincipalId string
@description('Object id of an Entra group of operators who read the task hub\'s history tables, queues and blobs (durableBackend azureStorage); empty: none.')
param operatorPrincipalId string

// Built-in role ids. Blob Data Owner, not Contributor: the Functions host creates its
// containers and manages blob leases on AzureWebJobsStorage (Functions docs, "Connecting to host
// storage with an identity"). Queue and Table Data Contributor: the Durable Task Azure Storage
// provider's control and work-item queues, History and Instances tables.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// Read-only data roles for operators: the History and Instances tables (<hub>History,
// <hub>Instances), the control and work-item queues, and large payloads in blobs.
var storageTableDataReader = '76199698-9eea-4c19-bc75-cec21354c6b6'
var storageBlobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
var storageQueueDataReader = '19e7f393-937e-4f77-808e-94535e297925'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource dataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [storageBlobDataOwner, storageQueueDataContributor, storageTableDataContributor]: {
  name: guid(account.id, identityPrincipalId, role)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource operatorReadRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in (empty(operatorPrincipalId) ? [] : [storageTableDataReader, storageBlobDataReader, storageQueueDataReader]): {
  name: guid(account.id, operatorPrincipalId, role)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: operatorPrincipalId
    principalType: 'Group'
  }
}]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
