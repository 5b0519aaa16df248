// The whole platform in one resource group: `azd up` or `az deployment sub create` with a parameters file.
targetScope = 'subscription'

@minLength(1)
@maxLength(20)
@description('Environment name (dev, prod, or an azd environment); part of every resource name.')
param environmentName string

@description('Azure region.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Service Bus tier: Standard (dev) or Premium (prod, private endpoint).')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Standard'

@description('GPU size of gpu-training-cluster (Standard_NC6s_v3 retired on 2025-09-30).')
param gpuVmSize string = 'Standard_NC24ads_A100_v4'

@description('Maximum GPU nodes (minimum is 0).')
param gpuMaxNodes int = 2

@description('Entra object id and display name of an operator group made PostgreSQL administrator (empty: none).')
param postgresAdminGroupObjectId string = ''
param postgresAdminGroupName string = ''

@description('Alert email recipients.')
param alertEmails array = []

@description('Teams Workflows webhook for alert cards.')
@secure()
param teamsWebhookUrl string = ''

@description('HuggingFace token (optional; stored in Key Vault as hf-token).')
@secure()
param hfToken string = ''

@description('UI image reference; a placeholder until the first image is pushed.')
param uiImage string = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

@description('Mistral on Azure AI endpoint for the RAGAS judge (empty: judge off, non-LLM metrics only).')
param azureAiEndpoint string = ''

@description('Mistral on Azure AI key (Key Vault secret azure-ai-api-key).')
@secure()
param azureAiApiKey string = ''

@description('Secret of the approval link signing key (Key Vault secret approval-signing-keys); azd generates one.')
@secure()
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 48
    }
  }
})
param approvalSigningSecret string

@description('Client id of the Entra app registration users sign in with, on the API (App Service authentication) and the UI (Container Apps authentication). Its app roles are entraAppRoles below.')
param entraClientId string

@description('Client secret of that registration (Key Vault secret entra-client-secret): the platform redeems browser sign-ins with it.')
@secure()
param entraClientSecret string

param trainingTimeoutMinutes int = 120
param approvalTimeoutHours int = 72
param approvalReminderHours int = 48
@description('Distinct approvers a run needs before go_prod (the requester never counts).')
@minValue(1)
param approvalsRequired int = 1

// Capacity (docs/capacity.md; `make infra-check` checks the connection budget of every parameters file).
@description('Flex Consumption instances at most: each holds one pool of databasePoolSize connections.')
param maximumInstanceCount int = 40

@description('PostgreSQL connections per process (DATABASE_POOL_SIZE): Function instances and scoring jobs.')
@minValue(1)
param databasePoolSize int = 5

@description('PostgreSQL compute SKU; its max_connections bounds maximumInstanceCount x databasePoolSize.')
param postgresSkuName string = 'Standard_B2s'

@description('The server\'s built-in PgBouncer (transaction mode, port 6432; General Purpose and Memory Optimized tiers only).')
param postgresPgBouncer bool = false

@description('The judge deployment\'s quota on Azure AI, shared by every instance and job (JUDGE_*_PER_MINUTE).')
param judgeRequestsPerMinute int = 1000
param judgeTokensPerMinute int = 200000

var namePrefix = 'mlops-${environmentName}'
var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  workload: 'mlops-release-platform'
}
var functionAppName = 'func-${namePrefix}-${token}'
var storageAccountName = take('stmlops${token}', 24)
var keyVaultName = take('kv-mlops-${token}', 24)
var deploymentContainerName = 'app-package'
var tokenStoreContainerName = 'ui-token-store'

// The app roles of the Entra registration (entraClientId): only requesters start runs, only approvers
// decide. The ids are fixed so that re-applying keeps users' assignments. Bicep cannot write an existing
// registration without the Microsoft Graph extension, which the offline checks here cannot parse, so the
// registration is declared here (app roles, the API scope the UI signs in for, redirect URIs), output as
// ENTRA_APPLICATION and applied with a Graph PATCH by the azd postprovision hook and the pipeline.
var entraAppRoles = [
  {
    id: '6f1f4b2e-3c1a-4d8e-9b0a-5e2f7a1c9d01'
    value: 'requester'
    displayName: 'Requester'
    description: 'Registers datasets and starts release runs.'
    allowedMemberTypes: [
      'User'
    ]
    isEnabled: true
  }
  {
    id: '6f1f4b2e-3c1a-4d8e-9b0a-5e2f7a1c9d02'
    value: 'approver'
    displayName: 'Approver'
    description: 'Approves or rejects a release to production (never a run they started).'
    allowedMemberTypes: [
      'User'
    ]
    isEnabled: true
  }
  {
    id: '6f1f4b2e-3c1a-4d8e-9b0a-5e2f7a1c9d03'
    value: 'operator'
    displayName: 'Operator'
    description: 'Lists dead-lettered messages and re-drives them (each action audited).'
    allowedMemberTypes: [
      'User'
    ]
    isEnabled: true
  }
]

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}'
  location: location
  tags: tags
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: storageAccountName
    deploymentContainerName: deploymentContainerName
    taskHubName: 'MLOpsReleaseHub'
    tokenStoreContainerName: tokenStoreContainerName
  }
}

module servicebus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    sku: serviceBusSku
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    privateDnsZoneId: network.outputs.serviceBusZoneId
    logAnalyticsId: monitoring.outputs.logAnalyticsId
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'crmlops${token}'
  }
}

var appAdministrator = [
  {
    objectId: functionApp.outputs.principalId
    principalName: functionAppName
    principalType: 'ServicePrincipal'
  }
]
var groupAdministrator = [
  {
    objectId: postgresAdminGroupObjectId
    principalName: postgresAdminGroupName
    principalType: 'Group'
  }
]

module postgresServer 'modules/postgres.bicep' = {
  name: 'postgres'
  scope: rg
  params: {
    location: location
    name: 'psql-${namePrefix}-${token}'
    tags: tags
    delegatedSubnetId: network.outputs.postgresSubnetId
    privateDnsZoneId: network.outputs.postgresZoneId
    administrators: concat(appAdministrator, empty(postgresAdminGroupObjectId) ? [] : groupAdministrator)
    skuName: postgresSkuName
    pgBouncer: postgresPgBouncer
  }
}

// Entra authentication: the URL names the app identity and carries no password.
// With PgBouncer the app connects to its port (6432) instead of the server's.
var databasePort = postgresPgBouncer ? 6432 : 5432
var databaseUrl = 'postgresql://${functionAppName}@psql-${namePrefix}-${token}.postgres.database.azure.com:${databasePort}/mlops?sslmode=require'

var databaseSecret = {
  'database-url': databaseUrl
}
var hfTokenSecret = {
  'hf-token': hfToken
}
var judgeSecret = {
  'azure-ai-api-key': azureAiApiKey
}
var teamsSecret = {
  'teams-webhook-url': teamsWebhookUrl
}
var entraSecret = {
  'entra-client-secret': entraClientSecret
}
var signingSecret = {
  'approval-signing-keys': 'k1:${approvalSigningSecret}'
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: keyVaultName
    secrets: union(
      databaseSecret,
      signingSecret,
      entraSecret,
      empty(hfToken) ? {} : hfTokenSecret,
      empty(azureAiApiKey) ? {} : judgeSecret,
      empty(teamsWebhookUrl) ? {} : teamsSecret
    )
  }
}

module mlWorkspace 'modules/ml-workspace.bicep' = {
  name: 'ml-workspace'
  scope: rg
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    storageAccountId: storage.outputs.id
    keyVaultId: keyVault.outputs.id
    appInsightsId: monitoring.outputs.appInsightsId
    containerRegistryId: registry.outputs.id
    computeSubnetId: network.outputs.mlComputeSubnetId
    gpuVmSize: gpuVmSize
    gpuMaxNodes: gpuMaxNodes
  }
}

var keyVaultSecretUri = 'https://${keyVaultName}${environment().suffixes.keyvaultDns}/secrets'

// Exactly the settings the app reads (mlops.settings + mlops.telemetry); tests/unit/infra compares them.
// Secrets are Key Vault references resolved with the app identity; optional ones are empty when not given.
// DATABASE_ENTRA_AUTH: the server accepts only Entra tokens, the run store sends the app identity's token.
// GATE_*: the gate policy (mlops/gate): a floor no requester goes under, the built-in weight profiles, no custom weights.
var appSettings = {
  DATABASE_URL: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}/database-url/)'
  DATABASE_ENTRA_AUTH: 'true'
  DATABASE_POOL_SIZE: string(databasePoolSize)
  DATABASE_PGBOUNCER: string(postgresPgBouncer)
  BLOB_ACCOUNT_URL: storage.outputs.blobEndpoint
  ServiceBusConnection__fullyQualifiedNamespace: servicebus.outputs.fullyQualifiedNamespace
  SERVICEBUS_TOPIC: servicebus.outputs.topicName
  MLFLOW_TRACKING_URI: mlWorkspace.outputs.mlflowTrackingUri
  MODEL_CACHE_DIR: '/tmp/models'
  HF_TOKEN: empty(hfToken) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}/hf-token/)'
  TRAINING_TIMEOUT_MINUTES: string(trainingTimeoutMinutes)
  TRAINING_MAX_STEPS: ''
  APPROVAL_TIMEOUT_HOURS: string(approvalTimeoutHours)
  APPROVAL_REMINDER_HOURS: string(approvalReminderHours)
  APPROVALS_REQUIRED: string(approvalsRequired)
  APPROVAL_SIGNING_KEYS: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}/approval-signing-keys/)'
  TEAMS_WEBHOOK_URL: empty(teamsWebhookUrl) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}/teams-webhook-url/)'
  PUBLIC_BASE_URL: 'https://${functionAppName}.azurewebsites.net'
  UI_BASE_URL: 'https://${containerApps.outputs.uiFqdn}'
  MODEL_STUDIO_URL: 'https://ml.azure.com/model/list?wsid=${mlWorkspace.outputs.workspaceId}'
  AZURE_AI_ENDPOINT: azureAiEndpoint
  AZURE_AI_API_KEY: empty(azureAiApiKey) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}/azure-ai-api-key/)'
  AZURE_AI_JUDGE_MODEL: 'mistral-small-latest'
  AZURE_AI_EMBEDDING_MODEL: 'mistral-embed'
  JUDGE_MAX_CONCURRENCY: '16'
  JUDGE_TIMEOUT_SECONDS: '60'
  JUDGE_MAX_RETRIES: '5'
  JUDGE_PRICE_INPUT_PER_MTOK: '0.1'
  JUDGE_PRICE_OUTPUT_PER_MTOK: '0.3'
  JUDGE_REQUESTS_PER_MINUTE: string(judgeRequestsPerMinute)
  JUDGE_TOKENS_PER_MINUTE: string(judgeTokensPerMinute)
  EVAL_MAX_NAN_FRACTION: '0.2'
  EVAL_BATCH_SIZE: '50'
  GATE_THRESHOLD_FLOOR: '0.7'
  GATE_WEIGHT_PROFILES: ''
  GATE_DEFAULT_PROFILE: 'default'
  GATE_ALLOW_CUSTOM_WEIGHTS: 'false'
  GATE_CHAMPION_RULE: ''
  DATASET_MAX_MB: '64'
  PENDING_SWEEP_MINUTES: '30'
  TRAINING_BACKEND: 'azureml'
  TRAINING_POLL_MINUTES: '15'
  JOB_MAX_NODES: string(gpuMaxNodes)
  AZUREML_SUBSCRIPTION_ID: subscription().subscriptionId
  AZUREML_RESOURCE_GROUP: rg.name
  AZUREML_WORKSPACE: mlWorkspace.outputs.workspaceName
  AZUREML_COMPUTE: mlWorkspace.outputs.computeName
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  OTEL_SERVICE_NAME: 'mlops-function-app'
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    location: location
    tags: tags
    name: functionAppName
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    subnetId: network.outputs.functionsSubnetId
    appSettings: appSettings
    maximumInstanceCount: maximumInstanceCount
    entraClientId: entraClientId
    entraClientSecretReference: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}/entra-client-secret/)'
  }
}

module containerApps 'modules/container-apps.bicep' = {
  name: 'container-apps'
  scope: rg
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    subnetId: network.outputs.containerAppsSubnetId
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    registryName: registry.outputs.name
    registryLoginServer: registry.outputs.loginServer
    uiImage: uiImage
    apiUrl: 'https://${functionAppName}.azurewebsites.net/api'
    entraClientId: entraClientId
    entraClientSecretName: 'entra-client-secret'
    keyVaultName: keyVault.outputs.name
    tokenStoreContainerUri: '${storage.outputs.blobEndpoint}${tokenStoreContainerName}'
    azuremlWorkspaceId: mlWorkspace.outputs.workspaceId
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
  }
}

module eventGrid 'modules/event-grid.bicep' = {
  name: 'event-grid'
  scope: rg
  params: {
    location: location
    tags: tags
    workspaceId: mlWorkspace.outputs.workspaceId
    serviceBusNamespaceName: servicebus.outputs.namespaceName
    serviceBusTopicName: servicebus.outputs.topicName
  }
}

var privateEndpoints = [
  {
    name: 'keyvault'
    serviceId: keyVault.outputs.id
    groupId: 'vault'
    zones: [
      network.outputs.keyVaultZoneId
    ]
  }
  {
    name: 'blob'
    serviceId: storage.outputs.id
    groupId: 'blob'
    zones: [
      network.outputs.blobZoneId
    ]
  }
  {
    name: 'queue'
    serviceId: storage.outputs.id
    groupId: 'queue'
    zones: [
      network.outputs.queueZoneId
    ]
  }
  {
    name: 'table'
    serviceId: storage.outputs.id
    groupId: 'table'
    zones: [
      network.outputs.tableZoneId
    ]
  }
  {
    name: 'ml-workspace'
    serviceId: mlWorkspace.outputs.workspaceId
    groupId: 'amlworkspace'
    zones: [
      network.outputs.mlApiZoneId
      network.outputs.mlNotebooksZoneId
    ]
  }
]

module endpoints 'modules/private-endpoint.bicep' = [
  for pe in privateEndpoints: {
    name: 'pe-${pe.name}'
    scope: rg
    params: {
      location: location
      tags: tags
      serviceId: pe.serviceId
      groupId: pe.groupId
      subnetId: network.outputs.privateEndpointSubnetId
      privateDnsZoneIds: pe.zones
    }
  }
]

module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    hostContainers: storage.outputs.hostContainers
    taskHubQueues: storage.outputs.taskHubQueues
    taskHubTables: storage.outputs.taskHubTables
    tokenStoreContainerName: tokenStoreContainerName
    serviceBusNamespaceName: servicebus.outputs.namespaceName
    topicName: servicebus.outputs.topicName
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    workspaceName: mlWorkspace.outputs.workspaceName
    registryName: registry.outputs.name
    functionPrincipalId: functionApp.outputs.principalId
    computePrincipalId: mlWorkspace.outputs.computePrincipalId
    cpuComputePrincipalId: mlWorkspace.outputs.cpuComputePrincipalId
    workspacePrincipalId: mlWorkspace.outputs.workspacePrincipalId
    uiPrincipalId: containerApps.outputs.uiPrincipalId
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    workspaceId: mlWorkspace.outputs.workspaceId
    serviceBusNamespaceId: servicebus.outputs.namespaceId
    alertEmails: alertEmails
    teamsWebhookUrl: teamsWebhookUrl
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
  }
}

// Read by azd (environment values) and by the pipeline (deploy targets, smoke test).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = 'https://${functionApp.outputs.defaultHostname}'
output SERVICE_UI_NAME string = containerApps.outputs.uiName
output SERVICE_UI_URI string = 'https://${containerApps.outputs.uiFqdn}'
output AZUREML_WORKSPACE_NAME string = mlWorkspace.outputs.workspaceName
output AZUREML_COMPUTE_NAME string = mlWorkspace.outputs.computeName
// Applied to the Entra registration after provisioning (azure.yaml postprovision, deploy-stage.yml).
output ENTRA_CLIENT_ID string = entraClientId
output ENTRA_APPLICATION object = {
  identifierUris: [
    'api://${entraClientId}'
  ]
  appRoles: entraAppRoles
  api: {
    requestedAccessTokenVersion: 2
    oauth2PermissionScopes: [
      {
        id: '6f1f4b2e-3c1a-4d8e-9b0a-5e2f7a1c9d10'
        value: 'user_impersonation'
        type: 'User'
        isEnabled: true
        adminConsentDisplayName: 'Use the MLOps release API as the signed-in user'
        adminConsentDescription: 'The UI calls the API with the signed-in user\'s identity and roles.'
        userConsentDisplayName: 'Use the MLOps release API as you'
        userConsentDescription: 'The UI calls the API with your identity and roles.'
      }
    ]
  }
  web: {
    redirectUris: [
      'https://${functionApp.outputs.defaultHostname}/.auth/login/aad/callback'
      'https://${containerApps.outputs.uiFqdn}/.auth/login/aad/callback'
    ]
  }
}
output SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = servicebus.outputs.fullyQualifiedNamespace
