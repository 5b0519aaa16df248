"""TRAINING_BACKEND settings and the orchestrator's bounded status polling."""

from datetime import timedelta

import pytest

from mlops.settings import Settings, SettingsError, TrainingSettings
from orchestrations.training_wait import MAX_STATUS_POLLS, poll_interval

BASE = {"DATABASE_URL": "postgresql://x/db", "BLOB_CONNECTION_STRING": "cs", "MLFLOW_TRACKING_URI": "sqlite:///m.db"}
AZURE = {"AZUREML_SUBSCRIPTION_ID": "sub", "AZUREML_RESOURCE_GROUP": "rg", "AZUREML_WORKSPACE": "ws"}


def test_local_is_the_default() -> None:
    assert _training({}) == TrainingSettings()


def test_azureml_reads_its_workspace() -> None:
    settings = _training({"TRAINING_BACKEND": "azureml", **AZURE, "AZUREML_COMPUTE": "a100"})
    assert (settings.backend, settings.workspace, settings.compute) == ("azureml", "ws", "a100")


def test_azureml_names_each_missing_setting() -> None:
    with pytest.raises(SettingsError, match="AZUREML_RESOURCE_GROUP, AZUREML_WORKSPACE"):
        _training({"TRAINING_BACKEND": "azureml", "AZUREML_SUBSCRIPTION_ID": "sub"})


@pytest.mark.parametrize(
    ("name", "value"),
    [("TRAINING_BACKEND", "k8s"), ("TRAINING_POLL_MINUTES", "0"), ("JOB_MAX_NODES", "0"), ("JOB_MAX_NODES", "two")],
)
def test_bad_values_are_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        _training({name: value})


def _training(values: dict[str, str]) -> TrainingSettings:
    return Settings.from_env({**BASE, **values}).training


@pytest.mark.parametrize(("timeout", "poll"), [(120, 15), (60 * 24 * 7, 15), (5, 60)])
def test_polls_per_job_are_bounded(timeout: int, poll: int) -> None:
    interval = poll_interval(timeout, poll)
    assert interval >= timedelta(minutes=poll)
    assert timedelta(minutes=timeout) / interval <= MAX_STATUS_POLLS


def test_job_nodes_default_to_two_and_follow_their_setting() -> None:
    assert _training({}).max_nodes == 2
    assert _training({"JOB_MAX_NODES": "3"}).max_nodes == 3
