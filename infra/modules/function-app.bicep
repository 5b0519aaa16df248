// The Function App: Flex Consumption, Python 3.11, system-assigned identity, VNet-integrated,
// host storage reached with that identity (no AzureWebJobsStorage connection string).
param location string
param tags object

@description('Globally unique app name.')
param name string

param storageAccountName string
param deploymentContainerName string

@description('Subnet delegated to Microsoft.App/environments.')
param subnetId string

@description('Application settings of the app (Key Vault references for secrets).')
param appSettings object

@description('Flex Consumption instance memory (MB).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

param maximumInstanceCount int = 40

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'plan-${name}'
  params: {
    name: 'plan-${name}'
    location: location
    tags: tags
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
  }
}

var blobHost = 'https://${storageAccountName}.blob.${environment().suffixes.storage}'
var hostStorageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__blobServiceUri: blobHost
  AzureWebJobsStorage__queueServiceUri: 'https://${storageAccountName}.queue.${environment().suffixes.storage}'
  AzureWebJobsStorage__tableServiceUri: 'https://${storageAccountName}.table.${environment().suffixes.storage}'
}

module site 'br/public:avm/res/web/site:0.16.0' = {
  name: 'func-${name}'
  params: {
    name: name
    kind: 'functionapp,linux'
    location: location
    tags: union(tags, {
      'azd-service-name': 'api'
    })
    serverFarmResourceId: plan.outputs.resourceId
    managedIdentities: {
      systemAssigned: true
    }
    httpsOnly: true
    virtualNetworkSubnetId: subnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobHost}/${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    configs: [
      {
        name: 'appsettings'
        properties: union(hostStorageSettings, appSettings)
      }
    ]
  }
}

output name string = site.outputs.name
output id string = site.outputs.resourceId
output principalId string = site.outputs.?systemAssignedMIPrincipalId ?? ''
output defaultHostname string = site.outputs.defaultHostname
