// Container Apps environment (VNet-injected, logs to Log Analytics) and the Streamlit UI app
// (image from the registry, pulled with a user-assigned identity that holds AcrPull before the first
// revision starts; a system-assigned one would only exist after the revision that needs it).
param location string
param namePrefix string
param tags object

param subnetId string
param logAnalyticsId string
param registryName string
param registryLoginServer string

@description('Full UI image reference. The first provision runs a public placeholder; azd deploy and the pipeline set <registry>/mlops-ui:<tag>.')
param uiImage string = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

@description('Base URL of the function app API the UI calls (the UI reads it as API_URL).')
param apiUrl string

@description('Token audience of the API (API_SCOPE, e.g. api://<client id of its Easy Auth registration>/.default); empty: no bearer token.')
param apiScope string = ''

@description('Name of the Key Vault secret holding the function key the UI sends as x-functions-key (API_KEY); empty: none.')
param apiKeySecretName string = ''

@description('Vault of the API key secret; the UI identity gets Key Vault Secrets User on it before its first revision.')
param keyVaultName string

@description('ARM id of the Azure ML workspace, for Studio links (AZUREML_WORKSPACE_ID).')
param azuremlWorkspaceId string = ''

@description('Comma-separated users who see the approval buttons (UI_APPROVERS); empty: anyone the API accepts.')
param uiApprovers string = ''

@description('Application Insights connection string (telemetry; not a secret with local auth disabled).')
param appInsightsConnectionString string

module environment 'br/public:avm/res/app/managed-environment:0.11.2' = {
  name: 'cae-${namePrefix}'
  params: {
    name: 'cae-${namePrefix}'
    location: location
    tags: tags
    infrastructureSubnetResourceId: subnetId
    internal: false
    zoneRedundant: false
    publicNetworkAccess: 'Enabled'
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: managedEnvironment
  properties: {
    workspaceId: logAnalyticsId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
  dependsOn: [
    environment
  ]
}

resource managedEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' existing = {
  name: 'cae-${namePrefix}'
}

module pullIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'id-ui-${namePrefix}'
  params: {
    name: 'id-ui-${namePrefix}'
    location: location
    tags: tags
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, 'id-ui-${namePrefix}', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
  scope: registry
  properties: {
    // AcrPull
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
    principalId: pullIdentity.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// Key Vault references in the app's secrets resolve with the UI identity, from the first revision on.
resource uiSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(apiKeySecretName)) {
  name: guid(vault.id, 'id-ui-${namePrefix}', '4633458b-17de-408a-b874-0445c86b69e6')
  scope: vault
  properties: {
    // Key Vault Secrets User
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: pullIdentity.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

// The names ui/settings.py reads (tests/unit/infra compares them), plus the telemetry and identity ones.
var uiEnv = [
  {
    name: 'API_URL'
    value: apiUrl
  }
  {
    name: 'API_SCOPE'
    value: apiScope
  }
  {
    name: 'AZUREML_WORKSPACE_ID'
    value: azuremlWorkspaceId
  }
  {
    name: 'UI_APPROVERS'
    value: uiApprovers
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsightsConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'Authorization=AAD'
  }
  {
    // DefaultAzureCredential picks the user-assigned identity (API token, telemetry ingestion).
    name: 'AZURE_CLIENT_ID'
    value: pullIdentity.outputs.clientId
  }
]
var apiKeyEnv = [
  {
    name: 'API_KEY'
    secretRef: 'api-key'
  }
]
var apiKeySecret = [
  {
    name: 'api-key'
    keyVaultUrl: 'https://${keyVaultName}${environment().suffixes.keyvaultDns}/secrets/${apiKeySecretName}'
    identity: pullIdentity.outputs.resourceId
  }
]

module ui 'br/public:avm/res/app/container-app:0.19.0' = {
  name: 'ca-ui-${namePrefix}'
  params: {
    name: 'ca-ui-${namePrefix}'
    location: location
    tags: union(tags, {
      'azd-service-name': 'ui'
    })
    environmentResourceId: environment.outputs.resourceId
    workloadProfileName: 'Consumption'
    managedIdentities: {
      userAssignedResourceIds: [
        pullIdentity.outputs.resourceId
      ]
    }
    registries: [
      {
        server: registryLoginServer
        identity: pullIdentity.outputs.resourceId
      }
    ]
    secrets: empty(apiKeySecretName) ? [] : apiKeySecret
    ingressExternal: true
    ingressTargetPort: 8501
    ingressAllowInsecure: false
    scaleSettings: {
      minReplicas: 0
      maxReplicas: 2
    }
    containers: [
      {
        name: 'ui'
        image: uiImage
        resources: {
          cpu: json('0.5')
          memory: '1Gi'
        }
        env: concat(uiEnv, empty(apiKeySecretName) ? [] : apiKeyEnv)
      }
    ]
  }
  dependsOn: [
    acrPull
    uiSecretsUser
  ]
}

output environmentId string = environment.outputs.resourceId
output uiName string = ui.outputs.name
output uiPrincipalId string = pullIdentity.outputs.principalId
output uiFqdn string = ui.outputs.fqdn
