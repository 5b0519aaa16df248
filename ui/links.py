"""Links from a run to MLflow and Azure ML Studio, built from the MLflow run ids the API returns."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ui.settings import UiSettings

STUDIO = "https://ml.azure.com"


def links(settings: UiSettings, run: dict[str, Any], mlflow_runs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, url) per MLflow run: its MLflow UI page (MLFLOW_UI_URL) and Azure ML Studio page
    (AZUREML_WORKSPACE_ID; in Azure ML a job's MLflow run id is the job name)."""
    found: list[tuple[str, str]] = []
    for mlflow_run in mlflow_runs:
        stage, run_key = mlflow_run["stage"], mlflow_run["mlflow_run_id"]
        if settings.mlflow_ui_url:
            found.append(
                (
                    f"MLflow: {stage}",
                    f"{settings.mlflow_ui_url}/#/experiments/{mlflow_run['experiment_id']}/runs/{run_key}",
                )
            )
        if settings.azureml_workspace_id:
            found.append(
                (f"Azure ML Studio: {stage}", f"{STUDIO}/runs/{run_key}?wsid={quote(settings.azureml_workspace_id)}")
            )
    if settings.azureml_workspace_id and run.get("training_job") and not mlflow_runs:
        found.append(
            ("Azure ML Studio: job", f"{STUDIO}/runs/{run['training_job']}?wsid={quote(settings.azureml_workspace_id)}")
        )
    return found
