// Operations workbook with the KPIs of spec 13.3: active runs, mean MLScore, success rate,
// MLScore per run over 30 days, mean duration per stage.
param location string
param namePrefix string
param tags object

param appInsightsId string

var kpis = [
  {
    title: 'Active runs'
    query: 'traces | where timestamp > ago(7d) and isnotempty(customDimensions["mlops.status"]) | extend run_id = tostring(customDimensions["mlops.run_id"]), status = tostring(customDimensions["mlops.status"]) | summarize arg_max(timestamp, status) by run_id | where status !in ("completed", "failed") | count'
    visualization: 'tiles'
  }
  {
    title: 'Mean MLScore (30 days)'
    query: 'customMetrics | where timestamp > ago(30d) and name == "mlops.mlscore" | summarize mean_mlscore = round(sum(value) / sum(valueCount), 3)'
    visualization: 'tiles'
  }
  {
    title: 'Success rate (30 days)'
    query: 'traces | where timestamp > ago(30d) and isnotempty(customDimensions["mlops.status"]) | extend run_id = tostring(customDimensions["mlops.run_id"]), status = tostring(customDimensions["mlops.status"]) | where status in ("completed", "failed") | summarize arg_max(timestamp, status) by run_id | summarize success_rate = round(100.0 * countif(status == "completed") / count(), 1)'
    visualization: 'tiles'
  }
  {
    title: 'MLScore per run (30 days)'
    query: 'customMetrics | where timestamp > ago(30d) and name == "mlops.mlscore" | extend run_id = tostring(customDimensions["mlops.run_id"]) | summarize mlscore = sum(value) / sum(valueCount) by run_id | order by mlscore desc'
    visualization: 'barchart'
  }
  {
    title: 'Mean duration per stage (minutes)'
    query: 'customMetrics | where timestamp > ago(30d) and name == "mlops.stage.duration" | extend stage = tostring(customDimensions["mlops.stage"]) | summarize minutes = round(sum(value) / sum(valueCount) / 60, 1) by stage'
    visualization: 'table'
  }
]

var workbookContent = {
  version: 'Notebook/1.0'
  items: [
    for (kpi, i) in kpis: {
      type: 3
      name: 'kpi-${i}'
      content: {
        version: 'KqlItem/1.0'
        title: kpi.title
        query: kpi.query
        size: 1
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: kpi.visualization
      }
    }
  ]
  fallbackResourceIds: [
    appInsightsId
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, namePrefix, 'mlops-operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'MLOps Operations (${namePrefix})'
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: string(workbookContent)
  }
}

output workbookId string = workbook.id
