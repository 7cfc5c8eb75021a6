// Parameters for a deployment by hand; the pipelines (deploy/pipelines) use environments/test.bicepparam and
// environments/prod.bicepparam. Deploy with
//   az deployment group create -g <rg> -f deploy/infra/main.bicep -p deploy/infra/main.bicepparam
using 'main.bicep'

param baseName = 'vmeventops'
param watchScope = 'subscription'
param automationAccountId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-automation/providers/Microsoft.Automation/automationAccounts/aa-onboarding'
param runbookName = 'Start-VmOnboarding'
param dbProvider = 'SqlServer'
param dbServer = 'sql-onboarding.database.windows.net'
param dbName = 'onboarding'
param dbUser = 'vmeventops'
// Read from the environment at deployment time, never stored here.
param dbPassword = readEnvironmentVariable('VMEVENTOPS_DBPASSWORD', '')
param retryAlertThreshold = 100
param alertEmail = ''
