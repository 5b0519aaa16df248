// Container Registry for the UI image (Basic: a handful of images, pulled with managed identity, no admin user).
param location string
param tags object

@description('Globally unique registry name (alphanumerics).')
param name string

module registry 'br/public:avm/res/container-registry/registry:0.9.3' = {
  name: 'cr-${name}'
  params: {
    name: name
    location: location
    tags: tags
    acrSku: 'Basic'
    acrAdminUserEnabled: false
    anonymousPullEnabled: false
  }
}

output id string = registry.outputs.resourceId
output name string = registry.outputs.name
output loginServer string = registry.outputs.loginServer
