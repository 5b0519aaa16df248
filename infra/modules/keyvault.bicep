// Key Vault in RBAC mode (no access policies) holding the secrets the app settings reference (spec 12).
param location string
param tags object

@description('Globally unique vault name (3-24 characters).')
param name string

@description('Secrets to store: name -> value. Values come from secure parameters or connection facts.')
@secure()
param secrets object

@description('Expiry of the secrets written by this deployment (a redeploy rotates them).')
param secretExpiry string = dateTimeAdd(utcNow(), 'P1Y')

module vault 'br/public:avm/res/key-vault/vault:0.12.0' = {
  name: 'kv-${name}'
  params: {
    name: name
    location: location
    tags: tags
    sku: 'standard'
    enableRbacAuthorization: true
    enablePurgeProtection: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Deny'
    }
  }
}

resource existingVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: name
}

resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in items(secrets): {
    parent: existingVault
    name: secret.key
    properties: {
      value: secret.value
      contentType: 'text/plain'
      attributes: {
        enabled: true
        exp: dateTimeToEpoch(secretExpiry)
      }
    }
    dependsOn: [
      vault
    ]
  }
]

output id string = vault.outputs.resourceId
output name string = vault.outputs.name
output uri string = vault.outputs.uri
