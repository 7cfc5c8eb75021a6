// One role for a principal on the subscription this module is deployed to.
targetScope = 'subscription'

@description('Object id of the principal (a managed identity).')
param principalId string

@description('Role definition id (a GUID of a built-in role).')
param roleDefinitionId string

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleDefinitionId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
