// Alerts of spec 13.2 and their action group (email, and a Teams Workflows webhook when given).
// Log alerts query the telemetry of mlops/telemetry.py: metrics mlops.mlscore and
// mlops.stage.duration, status logs with customDimensions mlops.run_id / mlops.status.
param location string
param namePrefix string
param tags object

param appInsightsId string
param workspaceId string
param serviceBusNamespaceId string

@description('Addresses that receive every alert.')
param alertEmails array

@description('Teams Workflows webhook URL for alert cards (empty: email only).')
@secure()
param teamsWebhookUrl string = ''

var teamsReceiver = [
  {
    name: 'teams'
    serviceUri: teamsWebhookUrl
    useCommonAlertSchema: true
  }
]

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('mlops${uniqueString(namePrefix)}', 12)
    enabled: true
    emailReceivers: [
      for (address, i) in alertEmails: {
        name: 'email-${i}'
        emailAddress: address
        useCommonAlertSchema: true
      }
    ]
    webhookReceivers: empty(teamsWebhookUrl) ? [] : teamsReceiver
  }
}

// Training job failed (Azure ML run status) - severity 2.
resource trainingFailed 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${namePrefix}-training-failed'
  location: 'global'
  tags: tags
  properties: {
    description: 'An Azure ML training job failed.'
    severity: 2
    enabled: true
    scopes: [
      workspaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'failed-runs'
          metricNamespace: 'Microsoft.MachineLearningServices/workspaces'
          metricName: 'Failed Runs'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// Service Bus dead-letter count > 0 on any entity - severity 2.
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${namePrefix}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages were dead-lettered after 3 deliveries (poison or unprocessable events).'
    severity: 2
    enabled: true
    scopes: [
      serviceBusNamespaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

var logAlerts = [
  {
    name: 'http-5xx'
    description: 'More than 5 HTTP 5xx responses from the API in 5 minutes.'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    query: 'requests | where toint(resultCode) >= 500 | summarize failures = count() | where failures > 5'
  }
  {
    name: 'evaluation-over-1h'
    description: 'A run has been evaluating for more than one hour.'
    severity: 2
    frequency: 'PT15M'
    window: 'P1D'
    query: 'traces | where isnotempty(customDimensions["mlops.status"]) | extend run_id = tostring(customDimensions["mlops.run_id"]), status = tostring(customDimensions["mlops.status"]) | summarize arg_max(timestamp, status) by run_id | where status == "evaluating" and timestamp < ago(1h)'
  }
  {
    // A log alert looks back at most two days: the mean covers the last 5 runs recorded in that window.
    name: 'mlscore-degraded'
    description: 'Mean MLScore of the last 5 evaluated runs is below 0.5.'
    severity: 3
    frequency: 'PT1H'
    window: 'P2D'
    query: 'customMetrics | where name == "mlops.mlscore" | extend score = value / valueCount | top 5 by timestamp desc | summarize runs = count(), mean_score = avg(score) | where runs >= 5 and mean_score < 0.5'
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: 'alert-${namePrefix}-${alert.name}'
    location: location
    tags: tags
    properties: {
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        appInsightsId
      ]
      evaluationFrequency: alert.frequency
      windowSize: alert.window
      criteria: {
        allOf: [
          {
            query: alert.query
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
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

output actionGroupId string = actionGroup.id
