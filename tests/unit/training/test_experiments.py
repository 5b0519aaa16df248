"""Where MLflow artifacts go: next to a SQLite store's database; any other store decides itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from training_job.experiments import artifact_location


def test_a_sqlite_store_keeps_artifacts_next_to_its_database(tmp_path: Path) -> None:
    assert artifact_location(f"sqlite:///{tmp_path}/mlflow/mlflow.db") == (tmp_path / "mlflow" / "artifacts").as_uri()


def test_a_relative_sqlite_path_is_resolved_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        artifact_location("sqlite:///.stack/mlflow/mlflow.db?timeout=5")
        == (tmp_path / ".stack" / "mlflow" / "artifacts").as_uri()
    )


@pytest.mark.parametrize(
    "uri",
    [
        "azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/g/providers/x/workspaces/w",
        "http://127.0.0.1:5000",
        "databricks",
        "sqlite://",
        "sqlite:///:memory:",
    ],
)
def test_other_stores_choose_their_own_location(uri: str) -> None:
    assert artifact_location(uri) is None
