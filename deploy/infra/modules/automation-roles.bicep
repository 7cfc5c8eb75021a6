// What VmEventOps needs on the Automation account: create jobs of the runbook (Automation Runbook Operator) and start,
// read and fetch the output of jobs (Automation Job Operator). Deployed to the account's resource group.
targetScope = 'resourceGroup'

@description('Name of the existing Automation account.')
param automationAccountName string

@description('Object id of the Function app\'s managed identity.')
param principalId string

var automationRoles = [
  '4fe576fe-1146-4730-92eb-48519fa6bf9f' // Automation Job Operator
  '5fb5aef8-1081-4b8e-bb16-9d5d0385bab5' // Automation Runbook Operator
]

resource account 'Microsoft.Automation/automationAccounts@2024-10-23' existing = {
  name: automationAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in automationRoles: {
    name: guid(account.id, principalId, role)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]
