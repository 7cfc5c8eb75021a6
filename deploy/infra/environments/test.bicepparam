// The test environment, deployed by the pipelines (deploy/pipelines) before prod:
//   az deployment group create -g rg-vmeventops-test -f deploy/infra/main.bicep -p deploy/infra/environments/test.bicepparam
using '../main.bicep'

param baseName = 'vmeventops'
param watchScope = 'subscription'
param automationAccountId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-automation-test/providers/Microsoft.Automation/automationAccounts/aa-onboarding-test'
param runbookName = 'Start-VmOnboarding'
param dbProvider = 'SqlServer'
param dbServer = 'sql-onboarding-test.database.windows.net'
param dbName = 'onboarding'
param dbUser = 'vmeventops'
// The password lives in Key Vault. The pipeline hands the environment's secret variable over when one is set (the
// template then writes it to the vault); without it the vault's secret stays as it is.
param useKeyVault = true
param dbPassword = readEnvironmentVariable('VMEVENTOPS_DBPASSWORD', '')
// A test vault is recreated freely; purge protection would hold its name for the whole retention period.
param keyVaultPurgeProtection = false
param retryAlertThreshold = 100
param alertEmail = ''
