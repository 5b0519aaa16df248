// Storage account: data containers (spec 11.1), the Durable task hub (queues + tables) and the
// Flex Consumption deployment container. Shared keys off: every caller uses its managed identity.
param location string
param tags object

@description('Globally unique storage account name (3-24 lowercase letters and digits).')
param name string

@description('Blob container that receives the function app package.')
param deploymentContainerName string

module account 'br/public:avm/res/storage/storage-account:0.25.0' = {
  name: 'st-${name}'
  params: {
    name: name
    location: location
    tags: tags
    skuName: 'Standard_LRS'
    kind: 'StorageV2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
    }
    blobServices: {
      deleteRetentionPolicyEnabled: true
      deleteRetentionPolicyDays: 7
      containers: [
        {
          name: 'datasets'
          publicAccess: 'None'
        }
        {
          name: 'model-outputs'
          publicAccess: 'None'
        }
        {
          name: deploymentContainerName
          publicAccess: 'None'
        }
      ]
    }
    // Durable Functions keeps its task hub in queues and tables.
    queueServices: {}
    tableServices: {}
  }
}

output id string = account.outputs.resourceId
output name string = account.outputs.name
output blobEndpoint string = account.outputs.primaryBlobEndpoint
