// The storage account of the Functions host and the Durable Task task hub (Azure Storage
// provider: queues, tables, blobs and blob leases), also holding the Flex Consumption
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

// Built-in role ids. Blob Data Owner, not Contributor: the Functions host creates its
// containers and manages blob leases on AzureWebJobsStorage (Functions docs, "Connecting to host
// storage with an identity"). Queue and Table Data Contributor: the Durable Task Azure Storage
// provider's control and work-item queues, History and Instances tables.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

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

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
