// Azure ML workspace (tracking + model registry), the GPU training cluster (scale to zero) and the
// identity-based datastores over the Blob containers (spec 3, 11.3).
param location string
param namePrefix string
param tags object

param storageAccountId string
param keyVaultId string
param appInsightsId string
param containerRegistryId string

@description('Subnet the compute nodes join (no public IPs).')
param computeSubnetId string

@description('GPU VM size. Standard_NC6s_v3 (V100 16 GB) was retired on 2025-09-30; the A100 80 GB size fits a 7B LoRA in bf16. A 16 GB V100-class GPU would need QLoRA (4-bit) for a 7B model.')
param gpuVmSize string = 'Standard_NC24ads_A100_v4'

@description('Upper bound of the cluster; it scales to zero when idle.')
@minValue(1)
param gpuMaxNodes int = 2

@description('Low priority nodes cost less but may be preempted.')
@allowed([
  'Dedicated'
  'LowPriority'
])
param gpuVmPriority string = 'Dedicated'

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  name: 'mlw-${namePrefix}'
  location: location
  tags: tags
  sku: {
    name: 'Basic'
    tier: 'Basic'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    friendlyName: 'MLOps release platform (${namePrefix})'
    storageAccount: storageAccountId
    keyVault: keyVaultId
    applicationInsights: appInsightsId
    containerRegistry: containerRegistryId
    publicNetworkAccess: 'Disabled'
    // The storage account has shared keys disabled: the workspace's own datastores use identities too.
    systemDatastoresAuthMode: 'identity'
    v1LegacyMode: false
  }
}

resource gpuCluster 'Microsoft.MachineLearningServices/workspaces/computes@2024-10-01' = {
  parent: workspace
  name: 'gpu-training-cluster'
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    computeType: 'AmlCompute'
    disableLocalAuth: true
    properties: {
      vmSize: gpuVmSize
      vmPriority: gpuVmPriority
      osType: 'Linux'
      enableNodePublicIp: false
      remoteLoginPortPublicAccess: 'Disabled'
      subnet: {
        id: computeSubnetId
      }
      scaleSettings: {
        minNodeCount: 0
        maxNodeCount: gpuMaxNodes
        nodeIdleTimeBeforeScaleDown: 'PT5M'
      }
    }
  }
}

@description('CPU VM size of the cluster that runs model staging and evaluation scoring (no GPU needed).')
param cpuVmSize string = 'Standard_D4s_v3'

// Model staging (HuggingFace -> Blob) and evaluation scoring run as jobs here, not in the Function App
// (docs/architecture.md): a 7B model never passes through a Function instance. Scales to zero.
resource cpuCluster 'Microsoft.MachineLearningServices/workspaces/computes@2024-10-01' = {
  parent: workspace
  name: 'cpu-jobs-cluster'
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    computeType: 'AmlCompute'
    disableLocalAuth: true
    properties: {
      vmSize: cpuVmSize
      vmPriority: 'Dedicated'
      osType: 'Linux'
      enableNodePublicIp: false
      remoteLoginPortPublicAccess: 'Disabled'
      subnet: {
        id: computeSubnetId
      }
      scaleSettings: {
        minNodeCount: 0
        maxNodeCount: 2
        nodeIdleTimeBeforeScaleDown: 'PT5M'
      }
    }
  }
}

var datastores = [
  {
    name: 'mlops_data'
    container: 'datasets'
  }
  {
    name: 'model_outputs'
    container: 'model-outputs'
  }
]

resource blobDatastores 'Microsoft.MachineLearningServices/workspaces/datastores@2024-10-01' = [
  for store in datastores: {
    parent: workspace
    name: store.name
    properties: {
      datastoreType: 'AzureBlob'
      accountName: last(split(storageAccountId, '/'))
      containerName: store.container
      endpoint: environment().suffixes.storage
      protocol: 'https'
      // No stored credential: jobs read and write with the compute's managed identity.
      credentials: {
        credentialsType: 'None'
      }
      serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity'
    }
  }
]

output workspaceId string = workspace.id
output workspaceName string = workspace.name
output workspacePrincipalId string = workspace.identity.principalId
output computeName string = gpuCluster.name
output computePrincipalId string = gpuCluster.identity.principalId
output cpuComputeName string = cpuCluster.name
output cpuComputePrincipalId string = cpuCluster.identity.principalId
@description('MLflow tracking URI of the workspace (azureml-mlflow resolves it with the caller identity).')
output mlflowTrackingUri string = 'azureml://${location}.api.azureml.ms/mlflow/v1.0${workspace.id}'
