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

@description('Client id of the Entra app registration users sign in with (the API accepts its tokens).')
param entraClientId string

@description('Key Vault secret holding that registration\'s client secret (Container Apps authentication).')
param entraClientSecretName string

@description('Vault of that secret; the UI identity gets Key Vault Secrets User on it before its first revision.')
param keyVaultName string

@description('Blob container URI of the authentication token store (the UI identity holds Blob Data Contributor on it).')
param tokenStoreContainerUri string

@description('ARM id of the Azure ML workspace, for Studio links (AZUREML_WORKSPACE_ID).')
param azuremlWorkspaceId string = ''

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
resource uiSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
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
    name: 'AZUREML_WORKSPACE_ID'
    value: azuremlWorkspaceId
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
    // DefaultAzureCredential picks the user-assigned identity (telemetry ingestion).
    name: 'AZURE_CLIENT_ID'
    value: pullIdentity.outputs.clientId
  }
]
// The client secret Container Apps authentication redeems sign-in codes with.
var authSecretName = 'microsoft-provider-authentication-secret'
var authSecrets = [
  {
    name: authSecretName
    keyVaultUrl: 'https://${keyVaultName}${environment().suffixes.keyvaultDns}/secrets/${entraClientSecretName}'
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
    secrets: authSecrets
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
        env: uiEnv
      }
    ]
  }
  dependsOn: [
    acrPull
    uiSecretsUser
  ]
}

// Container Apps authentication: every UI request needs a signed-in user (browsers are sent to Entra
// sign-in). The sign-in asks for an access token to the API (scope user_impersonation of the same
// registration); the token store keeps it and the platform hands it to the UI on each request as
// X-MS-TOKEN-AAD-ACCESS-TOKEN, which the UI forwards to the API as a bearer token: the API sees the
// user, with the user's app roles, never a shared key.
resource existingUi 'Microsoft.App/containerApps@2025-01-01' existing = {
  name: 'ca-ui-${namePrefix}'
}

resource uiAuth 'Microsoft.App/containerApps/authConfigs@2025-01-01' = {
  parent: existingUi
  name: 'current'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraClientId
          clientSecretSettingName: authSecretName
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        login: {
          loginParameters: [
            'scope=openid profile email offline_access api://${entraClientId}/user_impersonation'
          ]
        }
        validation: {
          allowedAudiences: [
            'api://${entraClientId}'
            entraClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: true
        azureBlobStorage: {
          blobContainerUri: tokenStoreContainerUri
          managedIdentityResourceId: pullIdentity.outputs.resourceId
        }
      }
    }
  }
  dependsOn: [
    ui
  ]
}

output environmentId string = environment.outputs.resourceId
output uiName string = ui.outputs.name
output uiPrincipalId string = pullIdentity.outputs.principalId
output uiFqdn string = ui.outputs.fqdn
