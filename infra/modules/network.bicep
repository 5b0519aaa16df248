// VNet (spec 14.2) with one subnet per consumer, and the private DNS zones the private endpoints register in.
@description('Azure region.')
param location string

@description('Prefix of resource names, e.g. mlops-dev.')
param namePrefix string

@description('Tags applied to every resource.')
param tags object

var subnets = [
  {
    // Flex Consumption VNet integration needs a subnet delegated to Microsoft.App/environments.
    name: 'snet-functions'
    addressPrefix: '10.0.0.0/24'
    delegation: 'Microsoft.App/environments'
  }
  {
    name: 'snet-container-apps'
    addressPrefix: '10.0.1.0/24'
    delegation: 'Microsoft.App/environments'
  }
  {
    name: 'snet-postgres'
    addressPrefix: '10.0.2.0/24'
    delegation: 'Microsoft.DBforPostgreSQL/flexibleServers'
  }
  {
    name: 'snet-ml-compute'
    addressPrefix: '10.0.3.0/24'
  }
  {
    name: 'snet-private-endpoints'
    addressPrefix: '10.0.4.0/24'
    privateEndpointNetworkPolicies: 'Disabled'
  }
]

var zoneNames = [
  'privatelink.vaultcore.azure.net'
  'privatelink.blob.${environment().suffixes.storage}'
  'privatelink.queue.${environment().suffixes.storage}'
  'privatelink.table.${environment().suffixes.storage}'
  'privatelink.servicebus.windows.net'
  'privatelink.api.azureml.ms'
  'privatelink.notebooks.azure.net'
  '${namePrefix}.private.postgres.database.azure.com'
]

module vnet 'br/public:avm/res/network/virtual-network:0.7.0' = {
  name: 'vnet-${namePrefix}'
  params: {
    name: 'vnet-${namePrefix}'
    location: location
    tags: tags
    addressPrefixes: [
      '10.0.0.0/16'
    ]
    subnets: subnets
  }
}

module zones 'br/public:avm/res/network/private-dns-zone:0.7.1' = [
  for zone in zoneNames: {
    name: 'pdns-${uniqueString(zone)}'
    params: {
      name: zone
      location: 'global'
      tags: tags
      virtualNetworkLinks: [
        {
          name: 'link-${namePrefix}'
          virtualNetworkResourceId: vnet.outputs.resourceId
          registrationEnabled: false
        }
      ]
    }
  }
]

@description('Resource id of the VNet.')
output vnetId string = vnet.outputs.resourceId

@description('Subnet ids, in the order of the subnets variable.')
output functionsSubnetId string = vnet.outputs.subnetResourceIds[0]
output containerAppsSubnetId string = vnet.outputs.subnetResourceIds[1]
output postgresSubnetId string = vnet.outputs.subnetResourceIds[2]
output mlComputeSubnetId string = vnet.outputs.subnetResourceIds[3]
output privateEndpointSubnetId string = vnet.outputs.subnetResourceIds[4]

@description('Private DNS zone ids, by service.')
output keyVaultZoneId string = zones[0].outputs.resourceId
output blobZoneId string = zones[1].outputs.resourceId
output queueZoneId string = zones[2].outputs.resourceId
output tableZoneId string = zones[3].outputs.resourceId
output serviceBusZoneId string = zones[4].outputs.resourceId
output mlApiZoneId string = zones[5].outputs.resourceId
output mlNotebooksZoneId string = zones[6].outputs.resourceId
output postgresZoneId string = zones[7].outputs.resourceId
