// The Key Vault that holds the database password (useKeyVault in main.bicep): a new vault in RBAC mode, or an existing
// one. The Function app's identity may read its secrets (Key Vault Secrets User), which App Service needs to resolve
// the @Microsoft.KeyVault(SecretUri=...) app setting. Deployed to the vault's resource group.
targetScope = 'resourceGroup'

@description('Name of the vault (a new one, or the existing one when createVault is false).')
@minLength(3)
@maxLength(24)
param vaultName string

@description('Create the vault (false: use the existing vault of that name, which must be in RBAC mode).')
param createVault bool = true

@description('Region of a new vault.')
param location string = resourceGroup().location

@description('Turn purge protection on for a new vault. It cannot be turned off again, and the vault\'s name stays taken until its soft-delete retention ends.')
param enablePurgeProtection bool = true

@description('Log Analytics workspace for a new vault\'s audit log.')
param workspaceId string

@description('Object id of the Function app\'s managed identity.')
param principalId string

@description('Name of the secret that holds the database password.')
param dbPasswordSecretName string

@description('The database password (empty: the secret is left as it is, so a password set in the vault directly stays).')
@secure()
param dbPassword string = ''

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource newVault 'Microsoft.KeyVault/vaults@2024-11-01' = if (createVault) {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Access by Azure roles only: no access policies to keep in step with the role assignments.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The API accepts true or nothing here, never false.
    enablePurgeProtection: enablePurgeProtection ? true : null
    // Reachable like the storage account and the Function app; Key Vault itself serves HTTPS only (TLS 1.2 or newer).
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// One symbol for both cases; the secret and the role assignment wait for a new vault through dependsOn.
resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: vaultName
}

resource dbPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(dbPassword)) {
  parent: vault
  name: dbPasswordSecretName
  properties: {
    value: dbPassword
    contentType: 'text/plain'
  }
  dependsOn: [
    newVault
  ]
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    newVault
  ]
}

resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (createVault) {
  name: 'key-vault-to-log-analytics'
  scope: newVault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
// Versionless, so App Service follows a new version of the secret (it refreshes references about once a day).
output dbCredentialUri string = '${vault.properties.vaultUri}secrets/${dbPasswordSecretName}'
