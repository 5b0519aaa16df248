"""MLflow experiments with an explicit artifact location (shared by the job and ``mlops.tracking``).

On a local SQLite store MLflow's default artifact root is ``./mlruns`` under the current working
directory, so artifacts would land wherever a process happened to start. Experiments created here keep
them in ``artifacts/`` next to the database instead. Any other store (Azure ML, an MLflow server)
chooses the location itself. The rule lives in the job's directory because the job cannot import mlops.
"""

from __future__ import annotations

from pathlib import Path

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

SQLITE_PREFIX = "sqlite:///"
ARTIFACTS_DIR = "artifacts"


def artifact_location(tracking_uri: str) -> str | None:
    """``file://<dir of the SQLite db>/artifacts`` for a SQLite store; None (the store decides) otherwise."""
    database = tracking_uri.removeprefix(SQLITE_PREFIX).split("?", 1)[0]
    if database == tracking_uri or not database or database == ":memory:":
        return None
    return (Path(database).resolve().parent / ARTIFACTS_DIR).as_uri()


def experiment_id(client: MlflowClient, name: str, tracking_uri: str) -> str:
    """The id of experiment ``name``, created with ``artifact_location(tracking_uri)`` when missing."""
    found = client.get_experiment_by_name(name)
    if found is not None:
        return str(found.experiment_id)
    try:
        return str(client.create_experiment(name, artifact_location=artifact_location(tracking_uri)))
    except MlflowException as exc:  # another process created it between the lookup and the create
        raced = client.get_experiment_by_name(name)
        if exc.error_code != "RESOURCE_ALREADY_EXISTS" or raced is None:
            raise
        return str(raced.experiment_id)
