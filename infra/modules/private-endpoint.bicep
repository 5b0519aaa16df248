// One private endpoint for one sub-resource (group id) of a service, registered in its private DNS zone.
param location string
param tags object

@description('Resource the endpoint connects to.')
param serviceId string

@description('Sub-resource, e.g. vault, blob, queue, table, amlworkspace.')
param groupId string

@description('Subnet of the private endpoints.')
param subnetId string

@description('Private DNS zones the endpoint registers in (the ML workspace needs two).')
param privateDnsZoneIds array

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-${last(split(serviceId, '/'))}-${groupId}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: groupId
        properties: {
          privateLinkServiceId: serviceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      for (zoneId, i) in privateDnsZoneIds: {
        name: 'zone-${i}'
        properties: {
          privateDnsZoneId: zoneId
        }
      }
    ]
  }
}

output id string = endpoint.id
