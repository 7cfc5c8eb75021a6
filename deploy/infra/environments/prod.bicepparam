// The prod environment, deployed by the pipelines (deploy/pipelines) after test, once approved:
//   az deployment group create -g rg-vmeventops-prod -f deploy/infra/main.bicep -p deploy/infra/environments/prod.bicepparam
using '../main.bicep'

param baseName = 'vmeventops'
param watchScope = 'subscription'
param automationAccountId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-automation/providers/Microsoft.Automation/automationAccounts/aa-onboarding'
param runbookName = 'Start-VmOnboarding'
param dbProvider = 'SqlServer'
param dbServer = 'sql-onboarding.database.windows.net'
param dbName = 'onboarding'
param dbUser = 'vmeventops'
// The password lives in Key Vault. The pipeline hands the environment's secret variable over when one is set (the
// template then writes it to the vault); without it the vault's secret stays as it is.
param useKeyVault = true
param dbPassword = readEnvironmentVariable('VMEVENTOPS_DBPASSWORD', '')
param keyVaultPurgeProtection = true
param retryAlertThreshold = 100
param alertEmail = ''
