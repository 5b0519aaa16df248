// Event Grid system topic on the ML workspace: run status changes are delivered to the Service Bus
// topic with the application properties the sub-training-events rule filters on (event_type, run_id).
param location string
param tags object

param workspaceId string

@description('Service Bus namespace holding the topic.')
param serviceBusNamespaceName string

@description('Topic the run status events go to (mlops-events).')
param serviceBusTopicName string

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = {
  name: '${serviceBusNamespaceName}/${serviceBusTopicName}'
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: 'evgt-${last(split(workspaceId, '/'))}'
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: workspaceId
    topicType: 'Microsoft.MachineLearningServices.Workspaces'
  }
}

// The event subscriptions validate their identity's access when created: grant it first.
resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, systemTopic.id, '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
  scope: topic
  properties: {
    // Azure Service Bus Data Sender
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// One subscription: terminal statuses of jobs tagged with a run_id, delivered with the static
// event_type that sub-training-events accepts (mlops/training/azureml_events.py reads the body).
var terminalStatuses = [
  'Completed'
  'Failed'
  'Canceled'
]

resource runStatus 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: systemTopic
  name: 'run-status-to-servicebus'
  properties: {
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    filter: {
      includedEventTypes: [
        'Microsoft.MachineLearningServices.RunStatusChanged'
      ]
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.runStatus'
          values: terminalStatuses
        }
        {
          // Only jobs the release pipeline submitted carry the run_id tag.
          operatorType: 'IsNotNull'
          key: 'data.runTags.run_id'
        }
      ]
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'ServiceBusTopic'
        properties: {
          resourceId: topic.id
          deliveryAttributeMappings: [
            {
              name: 'event_type'
              type: 'Static'
              properties: {
                value: 'azureml.run_status_changed'
                isSecret: false
              }
            }
            {
              name: 'run_id'
              type: 'Dynamic'
              properties: {
                sourceField: 'data.runTags.run_id'
              }
            }
            {
              name: 'source'
              type: 'Static'
              properties: {
                value: 'azureml.eventgrid'
                isSecret: false
              }
            }
          ]
        }
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
  dependsOn: [
    senderRole
  ]
}

output systemTopicPrincipalId string = systemTopic.identity.principalId
output systemTopicName string = systemTopic.name
