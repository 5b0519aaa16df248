"""The UI's settings, read from the environment on each script run (cheap; nothing read at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_API_URL = "http://127.0.0.1:7071/api"


@dataclass(frozen=True)
class UiSettings:
    api_url: str
    # Where the local sign-in gets tokens (devhost's /.auth/local/token); unset in Azure, where Container
    # Apps authentication signs users in and hands the UI their token.
    local_identity_url: str | None
    mlflow_ui_url: str | None  # an MLflow UI, for links to the run's MLflow runs
    azureml_workspace_id: str | None  # the workspace's ARM id, for Azure ML Studio links
    refresh_seconds: float
    timeout_seconds: float

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> UiSettings:
        values = os.environ if env is None else env
        return cls(
            api_url=(values.get("API_URL") or DEFAULT_API_URL).rstrip("/"),
            local_identity_url=(values.get("LOCAL_IDENTITY_URL") or "").rstrip("/") or None,
            mlflow_ui_url=(values.get("MLFLOW_UI_URL") or "").rstrip("/") or None,
            azureml_workspace_id=values.get("AZUREML_WORKSPACE_ID") or None,
            refresh_seconds=float(values.get("UI_REFRESH_SECONDS") or 3),
            timeout_seconds=float(values.get("API_TIMEOUT_SECONDS") or 30),
        )
