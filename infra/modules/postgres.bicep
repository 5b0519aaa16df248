// PostgreSQL Flexible Server 16 (Burstable B1ms), database mlops, Entra-only authentication, VNet-injected.
param location string
@description('Globally unique server name.')
param name string
param tags object

@description('Delegated subnet (Microsoft.DBforPostgreSQL/flexibleServers).')
param delegatedSubnetId string

@description('Private DNS zone ending in .postgres.database.azure.com.')
param privateDnsZoneId string

@description('Entra administrators: the function app identity (it owns the schema and runs the migrations) and, optionally, an operator group.')
param administrators array

@description('Compute SKU.')
param skuName string = 'Standard_B1ms'

module server 'br/public:avm/res/db-for-postgre-sql/flexible-server:0.14.0' = {
  name: name
  params: {
    name: name
    location: location
    tags: tags
    skuName: skuName
    tier: 'Burstable'
    version: '16'
    storageSizeGB: 32
    availabilityZone: -1
    highAvailability: 'Disabled'
    geoRedundantBackup: 'Disabled'
    backupRetentionDays: 7
    delegatedSubnetResourceId: delegatedSubnetId
    privateDnsZoneArmResourceId: privateDnsZoneId
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
    }
    administrators: administrators
    databases: [
      {
        name: 'mlops'
        charset: 'UTF8'
        collation: 'en_US.utf8'
      }
    ]
  }
}

output id string = server.outputs.resourceId
output name string = server.outputs.name
output fqdn string = server.outputs.fqdn
