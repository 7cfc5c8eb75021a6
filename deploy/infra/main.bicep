// VmEventOps infrastructure: Event Grid watches a subscription or a resource group for VM writes and drops them into a
// storage queue; a PowerShell Function app with a managed identity onboards each VM with the VmEventOps module.
// Deploy into the resource group that holds the storage account and the Function app:
//   az deployment group create -g <rg> -f deploy/infra/main.bicep -p deploy/infra/main.bicepparam
// The watched subscription's Reader role and the Automation roles are assigned by modules at their own scopes, so the
// deploying identity needs Owner (or User Access Administrator) there.
targetScope = 'resourceGroup'

@description('Region of the storage account, the Function app and the workspace.')
param location string = resourceGroup().location

@description('Short name used in resource names (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param baseName string = 'vmeventops'

@description('What Event Grid watches: the whole subscription, or one resource group of it.')
@allowed([
  'subscription'
  'resourceGroup'
])
param watchScope string = 'subscription'

@description('The watched resource group when watchScope is resourceGroup (default: this deployment\'s resource group).')
param watchedResourceGroupName string = resourceGroup().name

@description('Resource ID of the Automation account that runs the onboarding runbook.')
param automationAccountId string

@description('Name of the onboarding runbook in that account (deploy/runbooks/Start-VmOnboarding.ps1 as a sample).')
param runbookName string = 'Start-VmOnboarding'

@description('Hybrid Runbook Worker group for the onboarding jobs (empty: the Azure sandbox).')
param hybridWorkerGroup string = ''

@description('Database check: SqlServer, PostgreSql, MySql or Sqlite (empty: no database check is configured).')
@allowed([
  ''
  'SqlServer'
  'PostgreSql'
  'MySql'
])
param dbProvider string = ''

@description('Database server host name; {PrivateIpAddress} stands for the new VM\'s address.')
param dbServer string = ''

@description('Database name.')
param dbName string = ''

@description('Database user.')
param dbUser string = ''

@description('Database password (a Key Vault reference works as well: @Microsoft.KeyVault(SecretUri=...)). With useKeyVault it is stored in the vault instead; empty leaves the vault\'s secret as it is.')
@secure()
param dbPassword string = ''

@description('Keep the database password in Key Vault: the app setting becomes a Key Vault reference that App Service resolves with the app\'s identity.')
param useKeyVault bool = false

@description('With useKeyVault: resource ID of an existing vault in RBAC mode to use (empty: a new vault in this resource group).')
param existingKeyVaultId string = ''

@description('With useKeyVault, for a new vault: purge protection (it cannot be turned off again).')
param keyVaultPurgeProtection bool = true

@description('Attempts per event before it goes to the poison queue.')
@minValue(1)
@maxValue(100)
param maxAttempts int = 5

@description('The retry-queue depth above which the alert fires (the poison queue alerts on any message).')
@minValue(0)
param retryAlertThreshold int = 100

@description('Email address for the queue alerts (empty: the alert fires without notifying anyone).')
param alertEmail string = ''

@description('Days Log Analytics keeps the logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('When the sweep (ReconcileFunction: dead letters replayed, VMs never onboarded queued) runs: a Functions NCRONTAB expression, hourly by default.')
param reconcileSchedule string = '0 0 * * * *'

@description('Where the sweep lists the VMs: Arm (a list per scope) or ResourceGraph (one Azure Resource Graph query, cheaper on large estates).')
@allowed([
  'Arm'
  'ResourceGraph'
])
param reconcileSource string = 'Arm'

@description('Send the module\'s traces and metrics (one request per processed message, a dependency per stage) to the Application Insights resource the Functions host uses.')
param exportModuleTelemetry bool = true

@description('The admin dashboard at /api/ui/ behind App Service Authentication with Microsoft Entra ID. Off: the UI route answers nobody (401); the function-key API is unchanged either way.')
param dashboardAuthentication bool = false

@description('With dashboardAuthentication: the application (client) ID of the Entra ID app registration users sign in to (its app roles name who may act).')
param dashboardClientId string = ''

@description('With dashboardAuthentication: the tenant of that app registration.')
param dashboardTenantId string = tenant().tenantId

@description('With dashboardAuthentication: the app setting that holds the app registration\'s client secret (empty: ID tokens only, no secret).')
param dashboardClientCredentialSettingName string = ''

@description('App roles (comma-separated) of which a signed-in principal needs one to re-queue and re-run from the dashboard; reading needs only a sign-in.')
param dashboardActionRoles string = 'VmEventOps.Operator'

@description('Entra ID group object IDs (comma-separated) that may act from the dashboard, instead of or besides dashboardActionRoles.')
param dashboardActionGroups string = ''

@description('A link with {traceId} that the dashboard shows with each VM\'s trace id (empty: no link).')
param traceLinkTemplate string = ''

var suffix = uniqueString(resourceGroup().id, baseName)
var storageAccountName = take('st${baseName}${suffix}', 24)
var keyVaultName = empty(existingKeyVaultId) ? take('kv${baseName}${suffix}', 24) : last(split(existingKeyVaultId, '/'))
var keyVaultSubscriptionId = empty(existingKeyVaultId) ? subscription().subscriptionId : split(existingKeyVaultId, '/')[2]
var keyVaultResourceGroupName = empty(existingKeyVaultId) ? resourceGroup().name : split(existingKeyVaultId, '/')[4]
var dbPasswordSecretName = 'vmeventops-db-password'
var functionAppName = 'func-${baseName}-${suffix}'
var queueNames = {
  main: 'vm-events'
  retry: 'vm-events-retry'
  succeeded: 'vm-events-succeeded'
  poison: 'vm-events-poison'
}
var stateTableName = 'VmOnboardingState'
var deadLetterContainerName = 'eventgrid-deadletter'
var watchedScopeId = watchScope == 'subscription' ? subscription().id : '${subscription().id}/resourceGroups/${watchedResourceGroupName}'
// Subscription-wide events are delivered by a system topic that may live in any resource group; a resource group's
// system topic lives in that resource group.
var topicResourceGroupName = watchScope == 'subscription' ? resourceGroup().name : watchedResourceGroupName

var roles = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageQueueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

// ---------------------------------------------------------------- monitoring
resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: 'log-${baseName}-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

// ---------------------------------------------------------------- storage: four queues, the state table, dead letters
resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // The Function app's content share (Azure Files, required by the Windows consumption plan) takes a key; everything
    // else (the host's storage, the queues, the table, Event Grid) uses Microsoft Entra identities.
    allowSharedKeyAccess: true
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = [
  for queue in items(queueNames): {
    parent: queueService
    name: queue.value
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource stateTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = {
  parent: tableService
  name: stateTableName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'queues-to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

// ---------------------------------------------------------------- the Function app
resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: 'plan-${baseName}-${suffix}'
  location: location
  sku: {
    name: 'Y1'
    tier: 'Dynamic'
  }
  properties: {}
}

var vmEventOpsSettings = [
  {
    name: 'VMEVENTOPS_STORAGEACCOUNTNAME'
    value: storage.name
  }
  {
    name: 'VMEVENTOPS_QUEUESERVICEURI'
    value: storage.properties.primaryEndpoints.queue
  }
  {
    name: 'VMEVENTOPS_TABLESERVICEURI'
    value: storage.properties.primaryEndpoints.table
  }
  {
    // The claim check of messages too large to wrap (container vm-events-large, under Storage Blob Data Owner).
    name: 'VMEVENTOPS_BLOBSERVICEURI'
    value: storage.properties.primaryEndpoints.blob
  }
  {
    name: 'VMEVENTOPS_QUEUENAME'
    value: queueNames.main
  }
  {
    name: 'VMEVENTOPS_RETRYQUEUENAME'
    value: queueNames.retry
  }
  {
    name: 'VMEVENTOPS_SUCCEEDEDQUEUENAME'
    value: queueNames.succeeded
  }
  {
    name: 'VMEVENTOPS_POISONQUEUENAME'
    value: queueNames.poison
  }
  {
    name: 'VMEVENTOPS_STATETABLENAME'
    value: stateTableName
  }
  {
    name: 'VMEVENTOPS_ALLOWEDSCOPES'
    value: watchedScopeId
  }
  {
    name: 'VMEVENTOPS_AUTHMODE'
    value: 'ManagedIdentity'
  }
  {
    name: 'VMEVENTOPS_AUTOMATIONACCOUNTID'
    value: automationAccountId
  }
  {
    name: 'VMEVENTOPS_RUNBOOKNAME'
    value: runbookName
  }
  {
    name: 'VMEVENTOPS_HYBRIDWORKERGROUP'
    value: hybridWorkerGroup
  }
  {
    name: 'VMEVENTOPS_MAXATTEMPTS'
    value: string(maxAttempts)
  }
  {
    name: 'VMEVENTOPS_DBPROVIDER'
    value: dbProvider
  }
  {
    name: 'VMEVENTOPS_DBSERVER'
    value: dbServer
  }
  {
    name: 'VMEVENTOPS_DBNAME'
    value: dbName
  }
  {
    name: 'VMEVENTOPS_DBUSER'
    value: dbUser
  }
  {
    name: 'VMEVENTOPS_DBPASSWORD'
    value: dbPassword
  }
  {
    name: 'VMEVENTOPS_RECONCILESOURCE'
    value: reconcileSource
  }
  {
    // Where Event Grid dead-letters (the subscription's deadLetterDestination): the sweep replays from it.
    name: 'VMEVENTOPS_DEADLETTERCONTAINERNAME'
    value: deadLetterContainerName
  }
  {
    // The module's own spans and metrics (one request per message, a dependency per stage) beside the host's telemetry.
    name: 'VMEVENTOPS_APPLICATIONINSIGHTSCONNECTIONSTRING'
    value: exportModuleTelemetry ? appInsights.properties.ConnectionString : ''
  }
  {
    // The dashboard (UiFunction): who may act once signed in.
    name: 'VMEVENTOPS_DASHBOARDACTIONROLES'
    value: dashboardAuthentication ? dashboardActionRoles : ''
  }
  {
    name: 'VMEVENTOPS_DASHBOARDACTIONGROUPS'
    value: dashboardAuthentication ? dashboardActionGroups : ''
  }
  {
    name: 'VMEVENTOPS_TRACELINKTEMPLATE'
    value: traceLinkTemplate
  }
]

// The Functions host's own settings.
var hostSettings = [
  {
    name: 'FUNCTIONS_EXTENSION_VERSION'
    value: '~4'
  }
  {
    name: 'FUNCTIONS_WORKER_RUNTIME'
    value: 'powershell'
  }
  {
    // The host's own storage (timers, locks) through the app's identity.
    name: 'AzureWebJobsStorage__accountName'
    value: storage.name
  }
  {
    name: 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING'
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};EndpointSuffix=${environment().suffixes.storage};AccountKey=${storage.listKeys().keys[0].value}'
  }
  {
    name: 'WEBSITE_CONTENTSHARE'
    value: toLower(functionAppName)
  }
  {
    // Zip deploy: the app runs from the package it was given.
    name: 'WEBSITE_RUN_FROM_PACKAGE'
    value: '1'
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
  {
    // The queue trigger's connection ("connection": "VmEventStorage" in ValidationFunction/function.json),
    // identity-based.
    name: 'VmEventStorage__queueServiceUri'
    value: storage.properties.primaryEndpoints.queue
  }
  {
    // The sweep's timer ("schedule": "%ReconcileSchedule%" in ReconcileFunction/function.json).
    name: 'ReconcileSchedule'
    value: reconcileSchedule
  }
]

// Empty VMEVENTOPS_* settings are left out: the module's defaults apply. With useKeyVault the password setting is left
// out here too: it points into the vault, so it comes with vaultSettings below, once the app may read the vault.
var siteSettings = concat(
  hostSettings,
  filter(vmEventOpsSettings, setting => !empty(setting.value) && !(useKeyVault && setting.name == 'VMEVENTOPS_DBPASSWORD'))
)

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      powerShellVersion: '7.4'
      netFrameworkVersion: 'v8.0'
      use32BitWorkerProcess: false
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appSettings: siteSettings
    }
  }
}

resource functionDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'function-app-to-log-analytics'
  scope: functionApp
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        category: 'FunctionAppLogs'
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

// ---------------------------------------------------------------- the dashboard (dashboardAuthentication)
// App Service Authentication with Microsoft Entra ID in front of the app. Anonymous requests still pass (the function-key
// API and the timer and queue triggers do not sign in); for a signed-in user the platform puts the principal in
// X-MS-CLIENT-PRINCIPAL and strips any such header a client sent, which UiFunction relies on (WEBSITE_AUTH_ENABLED).
resource dashboardAuth 'Microsoft.Web/sites/config@2025-03-01' = if (dashboardAuthentication) {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: dashboardClientId
          clientSecretSettingName: empty(dashboardClientCredentialSettingName) ? null : dashboardClientCredentialSettingName
          openIdIssuer: '${environment().authentication.loginEndpoint}${dashboardTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${dashboardClientId}'
            dashboardClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: true
      }
    }
  }
}

// ---------------------------------------------------------------- Key Vault (useKeyVault): the database password
module keyVault 'modules/key-vault.bicep' = if (useKeyVault) {
  name: 'vmeventops-key-vault'
  scope: resourceGroup(keyVaultSubscriptionId, keyVaultResourceGroupName)
  params: {
    vaultName: keyVaultName
    createVault: empty(existingKeyVaultId)
    location: location
    enablePurgeProtection: keyVaultPurgeProtection
    workspaceId: workspace.id
    principalId: functionApp.identity.principalId
    dbPasswordSecretName: dbPasswordSecretName
    dbPassword: dbPassword
  }
}

// Every app setting again, now with the password as a Key Vault reference. It reads the module's output, so ARM writes
// it only after the whole module, the role assignment included, has finished: App Service resolves the reference when
// the settings change, and a first resolution without the role would leave the literal reference in place.
resource vaultSettings 'Microsoft.Web/sites/config@2025-03-01' = if (useKeyVault) {
  parent: functionApp
  name: 'appsettings'
  properties: union(toObject(siteSettings, setting => setting.name, setting => setting.value), {
    VMEVENTOPS_DBPASSWORD: '@Microsoft.KeyVault(SecretUri=${keyVault!.outputs.dbCredentialUri})'
  })
}

// ---------------------------------------------------------------- the Function app's roles
// On the storage account: its host storage (blobs, queues, tables), the four queues and the state table.
var functionStorageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource functionStorageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in functionStorageRoles: {
    name: guid(storage.id, functionApp.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: functionApp.identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Reader on the watched scope: the VM and NIC lookups.
module readerOnSubscription 'modules/subscription-role.bicep' = if (watchScope == 'subscription') {
  name: 'vmeventops-reader-subscription'
  scope: subscription()
  params: {
    principalId: functionApp.identity.principalId
    roleDefinitionId: roles.reader
  }
}

module readerOnResourceGroup 'modules/resource-group-role.bicep' = if (watchScope == 'resourceGroup') {
  name: 'vmeventops-reader-resource-group'
  scope: resourceGroup(watchedResourceGroupName)
  params: {
    principalId: functionApp.identity.principalId
    roleDefinitionId: roles.reader
  }
}

// The sweep reads and marks Event Grid's dead letters: Storage Blob Data Contributor on that container itself (the Blob Data
// Owner role above is for the host's own storage and may be narrowed; the sweep's need stays named here). Reader on the
// watched scope (above) serves its VM lists and Resource Graph queries.
resource functionDeadLetterReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterContainer.id, functionApp.id, roles.storageBlobDataContributor)
  scope: deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Automation Job Operator + Automation Runbook Operator on the Automation account: start and read the onboarding jobs.
module automationRoles 'modules/automation-roles.bicep' = {
  name: 'vmeventops-automation-roles'
  scope: resourceGroup(split(automationAccountId, '/')[2], split(automationAccountId, '/')[4])
  params: {
    automationAccountName: last(split(automationAccountId, '/'))
    principalId: functionApp.identity.principalId
  }
}

// ---------------------------------------------------------------- Event Grid
module topic 'modules/event-grid-topic.bicep' = {
  name: 'vmeventops-event-grid-topic'
  scope: resourceGroup(topicResourceGroupName)
  params: {
    topicName: 'evgt-${baseName}-${suffix}'
    watchScope: watchScope
    watchedScopeId: watchedScopeId
    workspaceId: workspace.id
  }
}

// The topic's identity delivers to the main queue and dead-letters to the container.
resource topicQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, topicResourceGroupName, 'evgt', roles.storageQueueDataMessageSender)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataMessageSender)
    principalId: topic.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

resource topicDeadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, topicResourceGroupName, 'evgt', roles.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: topic.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

module subscriptionToQueue 'modules/event-grid-subscription.bicep' = {
  name: 'vmeventops-event-grid-subscription'
  scope: resourceGroup(topicResourceGroupName)
  params: {
    topicName: topic.outputs.name
    storageAccountId: storage.id
    queueName: queueNames.main
    deadLetterContainerName: deadLetterContainer.name
  }
  // Event Grid checks the destination with the topic's identity: the roles first.
  dependsOn: [
    topicQueueSender
    topicDeadLetterWriter
    queues
  ]
}

// ---------------------------------------------------------------- the alert on retry and poison depths
// The retry pass (RetryFunction) logs every queue's depth every five minutes as "VmEventOpsQueueStatus {json}".
resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-${baseName}-${suffix}'
  location: 'global'
  properties: {
    groupShortName: take('vmeventops', 12)
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource queueAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-${baseName}-queues-${suffix}'
  location: location
  properties: {
    displayName: 'VmEventOps: retry queue above ${retryAlertThreshold} or poison queue not empty'
    description: 'The retry queue holds more than the threshold, or the poison queue holds anything: see Get-VmEventQueueStatus and Get-VmEventMessage -Queue Poison.'
    severity: 2
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'AppTraces | where Message startswith "VmEventOpsQueueStatus " | extend depth = parse_json(substring(Message, 22)) | extend Retry = toint(depth.retry), Poison = toint(depth.poison) | where Retry > ${retryAlertThreshold} or Poison > 0'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: empty(alertEmail) ? [] : [
        actionGroup.id
      ]
    }
  }
  dependsOn: [
    appInsights
  ]
}

output functionAppName string = functionApp.name
output storageAccountName string = storage.name
output functionPrincipalId string = functionApp.identity.principalId
output systemTopicName string = topic.outputs.name
output workspaceId string = workspace.id
output keyVaultName string = useKeyVault ? keyVault!.outputs.name : ''
output keyVaultUri string = useKeyVault ? keyVault!.outputs.uri : ''
