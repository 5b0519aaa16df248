// Service Bus namespace + topic mlops-events with the subscriptions and SQL rules of
// infra/servicebus/Config.json (tests/unit/infra compares the two). Entra auth only (local auth off).
param location string
param namePrefix string
param tags object

@description('Standard for dev (no private endpoint support); Premium for prod (private endpoint).')
@allowed([
  'Standard'
  'Premium'
])
param sku string = 'Standard'

@description('Subnet for the private endpoint (used with Premium only).')
param privateEndpointSubnetId string

@description('privatelink.servicebus.windows.net zone id.')
param privateDnsZoneId string

@description('Log Analytics workspace receiving the namespace diagnostics.')
param logAnalyticsId string

// The same topology as infra/servicebus/Config.json (emulator format), in ARM property names.
// Messages live 7 days (an outage of a consumer loses nothing); duplicate detection drops a message whose
// stable id (run:event, written by the outbox) was accepted in the last 10 minutes.
var topic = {
  name: 'mlops-events'
  defaultMessageTimeToLive: 'P7D'
  duplicateDetectionHistoryTimeWindow: 'PT10M'
  requiresDuplicateDetection: true
}
var subscriptionDefaults = {
  deadLetteringOnMessageExpiration: true
  defaultMessageTimeToLive: 'P7D'
  lockDuration: 'PT1M'
  maxDeliveryCount: 3
  requiresSession: false
}
var subscriptions = [
  'sub-orchestrator'
  'sub-training-events'
  'sub-notifications'
]
var rules = [
  {
    subscription: 'sub-orchestrator'
    name: 'run-created'
    sqlExpression: 'event_type = \'run.created\''
  }
  {
    subscription: 'sub-training-events'
    name: 'training-finished'
    sqlExpression: 'event_type IN (\'run.training_done\', \'run.training_failed\', \'run.staging_done\', \'run.staging_failed\', \'run.scoring_done\', \'run.scoring_failed\', \'azureml.run_status_changed\')'
  }
  {
    subscription: 'sub-notifications'
    name: 'run-outcomes'
    sqlExpression: 'event_type IN (\'run.eval_passed\', \'run.eval_rejected\', \'run.go_prod\', \'run.expired\', \'run.rejected\', \'run.failed\')'
  }
]
var isPremium = sku == 'Premium'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: 'sb-${namePrefix}'
  location: location
  tags: tags
  sku: {
    name: sku
    tier: sku
    capacity: isPremium ? 1 : 0
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    // Standard has no private endpoints: it stays reachable publicly, Entra-only (local auth off).
    publicNetworkAccess: isPremium ? 'Disabled' : 'Enabled'
  }
}

resource eventsTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topic.name
  properties: {
    defaultMessageTimeToLive: topic.defaultMessageTimeToLive
    duplicateDetectionHistoryTimeWindow: topic.duplicateDetectionHistoryTimeWindow
    requiresDuplicateDetection: topic.requiresDuplicateDetection
  }
}

resource subs 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for name in subscriptions: {
    parent: eventsTopic
    name: name
    properties: {
      deadLetteringOnMessageExpiration: subscriptionDefaults.deadLetteringOnMessageExpiration
      deadLetteringOnFilterEvaluationExceptions: true
      defaultMessageTimeToLive: subscriptionDefaults.defaultMessageTimeToLive
      lockDuration: subscriptionDefaults.lockDuration
      maxDeliveryCount: subscriptionDefaults.maxDeliveryCount
      requiresSession: subscriptionDefaults.requiresSession
    }
  }
]

// ARM gives every new subscription a `$Default` TrueFilter rule that would let every event through;
// redefining it as a filter that matches nothing leaves only the Config.json rules in effect.
resource defaultRules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [
  for (name, i) in subscriptions: {
    parent: subs[i]
    name: '$Default'
    properties: {
      filterType: 'SqlFilter'
      sqlFilter: {
        sqlExpression: '1=0'
      }
    }
  }
]

resource sqlRules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [
  for r in rules: {
    name: '${namespace.name}/${topic.name}/${r.subscription}/${r.name}'
    properties: {
      filterType: 'SqlFilter'
      sqlFilter: {
        sqlExpression: r.sqlExpression
      }
    }
    dependsOn: [
      subs
    ]
  }
]

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = if (isPremium) {
  name: 'pe-${namespace.name}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'namespace'
        properties: {
          privateLinkServiceId: namespace.id
          groupIds: [
            'namespace'
          ]
        }
      }
    ]
  }
}

resource privateDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = if (isPremium) {
  parent: privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'servicebus'
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsId
    logs: [
      {
        categoryGroup: 'allLogs'
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

output namespaceId string = namespace.id
output namespaceName string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output topicId string = eventsTopic.id
output topicName string = eventsTopic.name
