"""The registry adapter on Azure ML: an azureml:// MLFLOW_TRACKING_URI selects azureml-mlflow's stores.

Offline: the stores are built from the URI (workspace scope parsed), no call is made until used.
"""

from mlflow.tracking._model_registry.utils import _get_store as registry_store
from mlflow.tracking._tracking_service.utils import _get_store as tracking_store

from mlops.registry import ModelRegistry

WORKSPACE = "subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-1"
URI = f"azureml://westeurope.api.azureml.ms/mlflow/v1.0/{WORKSPACE}"


def test_azureml_uri_selects_the_azureml_mlflow_stores() -> None:
    assert type(tracking_store(URI)).__name__ == "AzureMLRestStore"
    assert type(registry_store(URI)).__name__ == "AzureMLflowModelRegistry"


def test_the_registry_adapter_accepts_the_workspace_uri() -> None:
    registry = ModelRegistry(URI)
    assert registry._client._registry_uri == URI  # the same client calls then go to Azure ML
