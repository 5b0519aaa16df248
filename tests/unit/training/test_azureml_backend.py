"""The Azure ML backend drives the real MLClient; a fake transport checks the REST requests it sends."""

import pytest
from azure.ai.ml import MLClient

from mlops.payloads import TrainingRequest
from mlops.training.azureml import AzureMLTrainingBackend
from tests.fixtures.azureml_rest import WS, FakeAzureML, FakeCredential

REQUEST = TrainingRequest(
    run_id="run-42",
    mode="finetune",
    base_model_uri="blob://model-outputs/base/tiny-1",
    train_uri="blob://datasets/train/a.jsonl",
    eval_uri="blob://datasets/eval/a.jsonl",
    experiment_name="mlops-training",
    max_steps=5,
    model_id="tiny",
)

APP_SETTINGS = {"DATABASE_URL": "postgresql://db/mlops", "AZURE_AI_API_KEY": "secret"}


@pytest.fixture
def rest() -> FakeAzureML:
    return FakeAzureML()


@pytest.fixture
def backend(rest: FakeAzureML) -> AzureMLTrainingBackend:
    return AzureMLTrainingBackend(MLClient(FakeCredential(), "sub-1", "rg-1", "ws-1", transport=rest), APP_SETTINGS)


def test_submit_puts_the_command_job_on_the_workspace(rest: FakeAzureML, backend: AzureMLTrainingBackend) -> None:
    assert backend.submit(REQUEST) == "mlops-finetune-run-42"
    put = rest.requests[-1]
    assert (put.method, put.path) == ("PUT", f"{WS}/jobs/mlops-finetune-run-42")
    props = put.body["properties"]  # type: ignore[index]
    assert props["jobType"] == "Command" and props["experimentName"] == "mlops-training"
    assert props["computeId"] == f"{WS}/computes/gpu-training-cluster"
    assert props["environmentId"].startswith(f"{WS}/environments/mlops-training/versions/")
    assert props["tags"] == {"run_id": "run-42", "model_id": "tiny", "mode": "finetune"}
    assert props["inputs"]["run_id"] == {"value": "run-42", "jobInputType": "literal"}
    assert props["inputs"]["train_data"] == {
        "uri": "azureml://datastores/mlops_data/paths/train/a.jsonl", "mode": "Download", "jobInputType": "uri_file"
    }  # fmt: skip
    assert props["outputs"]["model_output"]["uri"] == "azureml://datastores/model_outputs/paths/runs/run-42/"
    assert "python -u -m training_job.train" in props["command"]
    env_put = [r for r in rest.requests if "/environments/" in r.path]
    assert [r.method for r in env_put] == ["PUT"]


def test_a_second_submit_finds_the_job_and_creates_nothing(rest: FakeAzureML, backend: AzureMLTrainingBackend) -> None:
    backend.submit(REQUEST)
    count = len(rest.requests)
    assert backend.submit(REQUEST) == "mlops-finetune-run-42"
    assert [(r.method, r.path) for r in rest.requests[count:]] == [("GET", f"{WS}/jobs/mlops-finetune-run-42")]


@pytest.mark.parametrize(
    ("azure_status", "state"),
    [("Running", "running"), ("Completed", "completed"), ("Failed", "failed"), ("Canceled", "failed")],
)
def test_status_maps_the_job_status(
    rest: FakeAzureML, backend: AzureMLTrainingBackend, azure_status: str, state: str
) -> None:
    backend.submit(REQUEST)
    rest.jobs["mlops-finetune-run-42"]["properties"]["status"] = azure_status
    status = backend.status("mlops-finetune-run-42")
    assert status.state == state
    assert (status.reason is not None) == (state == "failed")
