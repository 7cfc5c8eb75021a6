// The Event Grid system topic of the watched scope (a subscription, or a resource group), with a managed identity that
// delivers to the storage queue, its delivery logs in Log Analytics, and an alert when it dead-letters anything.
targetScope = 'resourceGroup'

@description('Name of the system topic.')
param topicName string

@description('subscription or resourceGroup.')
@allowed([
  'subscription'
  'resourceGroup'
])
param watchScope string

@description('Resource ID of the watched subscription or resource group.')
param watchedScopeId string

@description('Log Analytics workspace for the delivery failure logs.')
param workspaceId string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: topicName
  location: 'global'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: watchedScopeId
    topicType: watchScope == 'subscription' ? 'Microsoft.Resources.Subscriptions' : 'Microsoft.Resources.ResourceGroups'
  }
}

resource topicDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'delivery-failures-to-log-analytics'
  scope: topic
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'DeliveryFailures'
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

resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${topicName}-dead-lettered'
  location: 'global'
  properties: {
    description: 'Event Grid could not deliver VM events to the queue and dead-lettered them (container eventgrid-deadletter).'
    severity: 1
    enabled: true
    scopes: [
      topic.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadLettered'
          metricName: 'DeadLetteredCount'
          timeAggregation: 'Total'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
  }
}

output name string = topic.name
output principalId string = topic.identity.principalId
