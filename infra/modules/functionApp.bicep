// The Function App on the Flex Consumption plan (FC1, Linux): Node.js 22 from functionAppConfig
// (Flex takes no FUNCTIONS_WORKER_RUNTIME or FUNCTIONS_EXTENSION_VERSION app setting), the
// deployment package in a blob container read with the user-assigned identity, optional VNet
// integration, optional App Service authentication (Entra ID) in front of the HTTP API.
param location string
param tags object
param planName string
param appName string
@description('Resource id of the user-assigned managed identity.')
param identityId string
@description('URL of the blob container that holds the deployment package.')
param deploymentContainerUrl string
// Secure: it carries the secret settings, and a module's parameters are readable in the
// deployment history by anyone with Microsoft.Resources/deployments/read.
@secure()
@description('Every app setting (main.bicep, blocks app-settings, secret-settings and backend-settings).')
param appSettings object
@description('Subnet delegated to Microsoft.App/environments; empty: no VNet integration.')
param subnetId string
param maximumInstanceCount int
param instanceMemoryMB int
param alwaysReadyDurableInstances int
@description('Entra app registration client id for App Service authentication; empty: off.')
param apiAuthClientId string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  // azd finds the app to deploy by this tag (service `app` in azure.yaml).
  tags: union(tags, { 'azd-service-name': 'app' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references (REBOOT_NOTIFY_URL, REBOOT_PROMETHEUS_URL with secretsKeyVaultName)
    // resolve with the user-assigned identity, the only one the app has.
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyDurableInstances > 0 ? [
          {
            name: 'durable'
            instanceCount: alwaysReadyDurableInstances
          }
        ] : []
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: appSettings
}

// Deployments sign in with Entra ID (azd, Core Tools): no basic-auth publishing credentials.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  // The API marks location required on this child; without it the first deployment fails.
  location: location
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  // The API marks location required on this child; without it the first deployment fails.
  location: location
  properties: {
    allow: false
  }
}

// Entra sign-in in front of the API (infra/README.md, "Entra ID sign-in"). The functions keep
// authLevel `function`, so a caller needs a token for the app registration and a function key.
resource auth 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(apiAuthClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: apiAuthClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${apiAuthClientId}'
            apiAuthClientId
          ]
        }
      }
    }
    platform: {
      enabled: true
    }
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
