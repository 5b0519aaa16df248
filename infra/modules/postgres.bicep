// PostgreSQL Flexible Server 16 (Burstable B2s by default), database mlops, Entra-only authentication, VNet-injected.
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

@description('Compute SKU; the tier follows from it (B: Burstable, E: Memory Optimized, else General Purpose).')
param skuName string = 'Standard_B2s'

@description('The built-in PgBouncer in transaction mode (not offered on Burstable).')
param pgBouncer bool = false

var tier = startsWith(skuName, 'Standard_B') ? 'Burstable' : (startsWith(skuName, 'Standard_E') ? 'MemoryOptimized' : 'GeneralPurpose')
var pgBouncerConfigurations = [
  {
    name: 'pgbouncer.enabled'
    value: 'true'
    source: 'user-override'
  }
  {
    name: 'pgbouncer.pool_mode'
    value: 'transaction'
    source: 'user-override'
  }
]

module server 'br/public:avm/res/db-for-postgre-sql/flexible-server:0.14.0' = {
  name: name
  params: {
    name: name
    location: location
    tags: tags
    skuName: skuName
    tier: tier
    configurations: pgBouncer ? pgBouncerConfigurations : []
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
