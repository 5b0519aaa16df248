"""The UI's settings, read from the environment on each script run (cheap; nothing read at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_API_URL = "http://127.0.0.1:7071/api"


@dataclass(frozen=True)
class UiSettings:
    api_url: str
    api_key: str | None  # a function key (x-functions-key), when the API is not behind Easy Auth
    api_scope: str | None  # e.g. api://<app-id>/.default: a managed identity token is sent as Bearer
    mlflow_ui_url: str | None  # an MLflow UI, for links to the run's MLflow runs
    azureml_workspace_id: str | None  # the workspace's ARM id, for Azure ML Studio links
    approvers: frozenset[str]  # who may approve in the UI; empty: anyone the API accepts
    refresh_seconds: float
    timeout_seconds: float

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> UiSettings:
        values = os.environ if env is None else env
        approvers = values.get("UI_APPROVERS", "")
        return cls(
            api_url=(values.get("API_URL") or DEFAULT_API_URL).rstrip("/"),
            api_key=values.get("API_KEY") or None,
            api_scope=values.get("API_SCOPE") or None,
            mlflow_ui_url=(values.get("MLFLOW_UI_URL") or "").rstrip("/") or None,
            azureml_workspace_id=values.get("AZUREML_WORKSPACE_ID") or None,
            approvers=frozenset(a.strip().lower() for a in approvers.split(",") if a.strip()),
            refresh_seconds=float(values.get("UI_REFRESH_SECONDS") or 3),
            timeout_seconds=float(values.get("API_TIMEOUT_SECONDS") or 30),
        )

    def may_approve(self, user: str) -> bool:
        """Whether ``user`` sees the approval buttons (the API still records who decided)."""
        return bool(user) and (not self.approvers or user.lower() in self.approvers)
