// Storage account: data containers (spec 11.1), the Durable task hub (queues + tables), the Functions
// host's containers, the Flex Consumption deployment container and the UI's token store. Shared keys off:
// every caller uses its managed identity. Everything an identity is granted on is created here, so that
// role-assignments.bicep scopes each role to the container, queue or table (never the whole account).
param location string
param tags object

@description('Globally unique storage account name (3-24 lowercase letters and digits).')
param name string

@description('Blob container that receives the function app package.')
param deploymentContainerName string

@description('Durable task hub name (host.json extensions.durableTask.hubName).')
param taskHubName string

@description('Blob container of the UI authentication token store.')
param tokenStoreContainerName string

@description('Control queues of the task hub (Durable partitionCount, default 4).')
param taskHubPartitions int = 4

// The names the Functions host and the Durable Azure Storage provider use (lower-case hub for blobs/queues).
var hub = toLower(taskHubName)
var hostContainers = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
  '${hub}-leases'
  '${hub}-largemessages'
  '${hub}-applease'
]
var dataContainers = [
  'datasets'
  'model-outputs'
  deploymentContainerName
  tokenStoreContainerName
]
var controlQueues = [for i in range(0, taskHubPartitions): '${hub}-control-${padLeft(string(i), 2, '0')}']
var queues = concat(controlQueues, [
  '${hub}-workitems'
])
var tables = [
  '${taskHubName}Instances'
  '${taskHubName}History'
]

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
        for container in concat(dataContainers, hostContainers): {
          name: container
          publicAccess: 'None'
        }
      ]
    }
    // Durable Functions keeps its task hub in queues and tables.
    queueServices: {
      queues: [
        for queue in queues: {
          name: queue
        }
      ]
    }
    tableServices: {
      tables: [
        for table in tables: {
          name: table
        }
      ]
    }
  }
}

output id string = account.outputs.resourceId
output name string = account.outputs.name
output blobEndpoint string = account.outputs.primaryBlobEndpoint
output hostContainers array = hostContainers
output taskHubQueues array = queues
output taskHubTables array = tables
