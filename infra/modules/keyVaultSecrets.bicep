// Key Vault references for the app's secret settings (REBOOT_NOTIFY_URL, REBOOT_PROMETHEUS_URL):
// the values stay in an existing vault of this resource group (Azure RBAC permission model) and
// never pass through a deployment; the app's user-assigned identity reads them as Key Vault
// Secrets User on that vault only. The app resolves `@Microsoft.KeyVault(...)` settings with
// that identity (functionApp.bicep, keyVaultReferenceIdentity).
param vaultName string
@description('Object id of the managed identity of the Function App.')
param identityPrincipalId string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Referenced by the settings, so they are written only after the role assignment exists.
output vaultName string = vault.name
