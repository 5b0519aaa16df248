"""Data-plane roles name what each identity uses: the containers, queues and tables that exist, no more."""

import json
import re

from infra.checks import bicep
from mlops.blob import CONTAINERS

MODULES = bicep.INFRA / "modules"


def _var(path, name):
    parsed = bicep.parse(path)
    return bicep.literal(parsed, bicep.variable(parsed, name), expressions=True)


def test_task_hub_in_bicep_is_the_one_host_json_names():
    hub = json.loads((bicep.INFRA.parent / "host.json").read_text())["extensions"]["durableTask"]["hubName"]
    assert re.findall(r"taskHubName: '(\w+)'", (bicep.INFRA / "main.bicep").read_text()) == [hub]


def test_function_app_data_containers_are_the_ones_the_app_writes():
    granted = _var(MODULES / "role-assignments.bicep", "functionDataContainers")
    assert {name for name in granted if not isinstance(name, bicep.Expression)} == set(CONTAINERS)
    assert "deploymentContainerName" in granted


def test_every_container_granted_is_created_by_the_storage_module():
    created = set(_var(MODULES / "storage.bicep", "dataContainers"))
    granted = _var(MODULES / "role-assignments.bicep", "functionDataContainers")
    others = [grant["container"] for grant in _var(MODULES / "role-assignments.bicep", "otherContainerGrants")]
    assert set(granted) | set(others) <= created
    assert "tokenStoreContainerName" in created


def test_storage_creates_the_host_and_task_hub_names_the_function_app_is_granted():
    host = _var(MODULES / "storage.bicep", "hostContainers")
    assert {"azure-webjobs-hosts", "azure-webjobs-secrets"} <= set(host)
    assert {"'${hub}-leases'", "'${hub}-largemessages'", "'${hub}-applease'"} <= set(host)
    tables = _var(MODULES / "storage.bicep", "tables")
    assert tables == ["'${taskHubName}Instances'", "'${taskHubName}History'"]


def test_training_jobs_read_datasets_and_write_model_outputs_only():
    grants = _var(MODULES / "role-assignments.bicep", "otherContainerGrants")
    gpu = {g["container"]: g["roleId"] for g in grants if g["principalId"] == "computePrincipalId"}
    assert gpu == {"datasets": "roles.storageBlobDataReader", "model-outputs": "roles.storageBlobDataContributor"}


def test_staging_and_scoring_jobs_read_datasets_and_write_model_outputs_only():
    grants = _var(MODULES / "role-assignments.bicep", "otherContainerGrants")
    cpu = {g["container"]: g["roleId"] for g in grants if g["principalId"] == "cpuComputePrincipalId"}
    assert cpu == {"datasets": "roles.storageBlobDataReader", "model-outputs": "roles.storageBlobDataContributor"}


def test_the_datastores_the_jobs_write_to_are_the_ones_the_workspace_creates():
    from training_job.job_spec import DATASTORES

    created = {store["name"]: store["container"] for store in _var(MODULES / "ml-workspace.bicep", "datastores")}
    assert {created[name]: name for name in created} == DATASTORES
