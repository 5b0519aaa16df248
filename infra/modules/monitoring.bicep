// Log Analytics + workspace-based Application Insights (local auth off: ingestion needs Entra, spec 13.1).
param location string
param namePrefix string
param tags object

@description('Days of log retention.')
param retentionDays int = 30

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'log-${namePrefix}'
  params: {
    name: 'log-${namePrefix}'
    location: location
    tags: tags
    dataRetention: retentionDays
  }
}

module appInsights 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'appi-${namePrefix}'
  params: {
    name: 'appi-${namePrefix}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

output logAnalyticsId string = logAnalytics.outputs.resourceId
output appInsightsId string = appInsights.outputs.resourceId
output appInsightsName string = appInsights.outputs.name
output appInsightsConnectionString string = appInsights.outputs.connectionString
