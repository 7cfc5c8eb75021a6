// The filtered subscription: only successful VM writes reach the main queue, as Event Grid schema, base64-encoded by
// Event Grid (host.json's messageEncoding matches). Undeliverable events are dead-lettered to a blob container.
targetScope = 'resourceGroup'

@description('Name of the system topic (in this resource group).')
param topicName string

@description('Resource ID of the storage account of the queues.')
param storageAccountId string

@description('The main queue.')
param queueName string

@description('Blob container for events Event Grid could not deliver.')
param deadLetterContainerName string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: topicName
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'vm-writes-to-queue'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Resources.ResourceWriteSuccess'
        // A deleted VM is offboarded by its rule's offboarding runbook (docs/rules-and-checks.md).
        'Microsoft.Resources.ResourceDeleteSuccess'
      ]
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.operationName'
          values: [
            'Microsoft.Compute/virtualMachines/write'
            'Microsoft.Compute/virtualMachines/delete'
          ]
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: storageAccountId
          queueName: queueName
          // Never expire (the default is 7 days): an event waits in the queue until it is processed.
          queueMessageTimeToLiveInSeconds: -1
        }
      }
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storageAccountId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output name string = subscription.name
