// Least-privilege data-plane roles for each identity (spec 14.1 adapted: the function app replaces the
// API container app, the evaluation job and the Logic App), each scoped to the container, queue, table,
// topic or vault it uses. Names are guid(scope, principal, role).
param storageAccountName string

@description('Blob container of the function app package (Flex Consumption deployment storage).')
param deploymentContainerName string

@description('Blob containers of the Functions host and the Durable task hub (storage.bicep outputs).')
param hostContainers array

@description('Queues and tables of the Durable task hub (storage.bicep outputs).')
param taskHubQueues array
param taskHubTables array

@description('Blob container of the UI token store.')
param tokenStoreContainerName string
param serviceBusNamespaceName string
param topicName string
param keyVaultName string
param appInsightsName string
param workspaceName string
param registryName string

param functionPrincipalId string
param computePrincipalId string

@description('Identity of the CPU cluster that runs the model staging and evaluation scoring jobs.')
param cpuComputePrincipalId string
param workspacePrincipalId string
param uiPrincipalId string

var roles = {
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' // Storage Blob Data Reader
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  storageFileDataPrivilegedContributor: '69566ab7-960f-475b-8e7c-b3118f30c6bd' // Storage File Data Privileged Contributor
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
  keyVaultAdministrator: '00482a5a-887f-4fb3-b363-3b7fe8e74483' // Key Vault Administrator
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
  azureMLDataScientist: 'f6c7c914-8db3-469d-8ca1-694a8f32e121' // AzureML Data Scientist
  acrPush: '8311e382-0749-4cb8-b61a-304f252e45ec' // AcrPush
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = {
  name: '${serviceBusNamespaceName}/${topicName}'
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {
  name: workspaceName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

// Blob roles are scoped to the containers each identity uses (created by storage.bicep). The function
// app gets Blob Data Contributor, not Owner: Owner adds only ACL and ownership management, which the
// Functions host, the Durable provider and the app never call.
var functionDataContainers = [
  'datasets'
  'model-outputs'
  deploymentContainerName
]
var functionContainers = concat(functionDataContainers, hostContainers)
var functionContainerGrants = [
  for container in functionContainers: {
    container: container
    principalId: functionPrincipalId
    roleId: roles.storageBlobDataContributor
  }
]
var otherContainerGrants = [
  {
    // Training jobs read datasets ...
    container: 'datasets'
    principalId: computePrincipalId
    roleId: roles.storageBlobDataReader
  }
  {
    // ... read the base model and write the fine-tuned one.
    container: 'model-outputs'
    principalId: computePrincipalId
    roleId: roles.storageBlobDataContributor
  }
  {
    // Staging and scoring jobs read the eval set ...
    container: 'datasets'
    principalId: cpuComputePrincipalId
    roleId: roles.storageBlobDataReader
  }
  {
    // ... write the staged base model, read predictions and write scores.
    container: 'model-outputs'
    principalId: cpuComputePrincipalId
    roleId: roles.storageBlobDataContributor
  }
  {
    // Container Apps authentication keeps the UI users' tokens here, reached with the UI identity.
    container: tokenStoreContainerName
    principalId: uiPrincipalId
    roleId: roles.storageBlobDataContributor
  }
]
var containerGrants = concat(functionContainerGrants, otherContainerGrants)

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [
  for grant in containerGrants: {
    name: '${storageAccountName}/default/${grant.container}'
  }
]

resource containerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in containerGrants: {
    name: guid(containers[i].id, grant.principalId, grant.roleId)
    scope: containers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The Durable task hub: its queues and tables only.
resource hubQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = [
  for queue in taskHubQueues: {
    name: '${storageAccountName}/default/${queue}'
  }
]

resource queueAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queue, i) in taskHubQueues: {
    name: guid(hubQueues[i].id, functionPrincipalId, roles.storageQueueDataContributor)
    scope: hubQueues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
      principalId: functionPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource hubTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [
  for table in taskHubTables: {
    name: '${storageAccountName}/default/${table}'
  }
]

resource tableAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (table, i) in taskHubTables: {
    name: guid(hubTables[i].id, functionPrincipalId, roles.storageTableDataContributor)
    scope: hubTables[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
      principalId: functionPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The one account-wide grant: Azure ML creates its default datastore's containers and file share itself,
// under names known only after the workspace exists, and reaches them with the workspace identity.
var accountGrants = [
  roles.storageBlobDataContributor
  roles.storageFileDataPrivilegedContributor
]

resource workspaceStorageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in accountGrants: {
    name: guid(storage.id, workspacePrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: workspacePrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Scoped to the topic, not the namespace: the app publishes to it and receives from its subscriptions.
var topicRoles = [
  roles.serviceBusDataSender
  roles.serviceBusDataReceiver
]

resource topicAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in topicRoles: {
    name: guid(topic.id, functionPrincipalId, roleId)
    scope: topic
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: functionPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Key Vault references in app settings resolve with the app identity.
resource functionSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Azure ML manages its own secrets (datastore and compute metadata) in an RBAC-mode vault.
resource workspaceVaultAdmin 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, workspacePrincipalId, roles.keyVaultAdministrator)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultAdministrator)
    principalId: workspacePrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Telemetry ingestion with Entra auth (Application Insights local auth is disabled).
var telemetryPrincipals = [
  functionPrincipalId
  uiPrincipalId
]

resource metricsPublishers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in telemetryPrincipals: {
    name: guid(appInsights.id, principalId, roles.monitoringMetricsPublisher)
    scope: appInsights
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Submit jobs, log to MLflow and tag registry models (function app); log metrics from the job (compute).
var mlPrincipals = [
  functionPrincipalId
  computePrincipalId
]

resource dataScientists 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in mlPrincipals: {
    name: guid(workspace.id, principalId, roles.azureMLDataScientist)
    scope: workspace
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.azureMLDataScientist)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The workspace builds the training environment image into the registry.
resource workspaceAcrPush 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, workspacePrincipalId, roles.acrPush)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPush)
    principalId: workspacePrincipalId
    principalType: 'ServicePrincipal'
  }
}
