"""Typed settings read from the environment once, at the composition root.

Nothing in the project reads ``os.environ`` at import time: the Functions host (or devhost)
loads ``local.settings.json``/app settings into the environment, then ``Settings.from_env()``
is called when a client is first needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TOPIC = "mlops-events"


class SettingsError(ValueError):
    """A required setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    blob_connection_string: str | None
    blob_account_url: str | None
    servicebus_connection: str | None
    servicebus_namespace: str | None
    servicebus_topic: str
    mlflow_tracking_uri: str
    model_cache_dir: Path
    hf_token: str | None
    training_timeout_minutes: int
    approval_timeout_hours: float
    training_max_steps: int | None
    public_base_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default ``os.environ``), raising SettingsError on bad values."""
        values = os.environ if env is None else env
        blob_cs = values.get("BLOB_CONNECTION_STRING") or None
        blob_url = values.get("BLOB_ACCOUNT_URL") or None
        if not blob_cs and not blob_url:
            raise SettingsError("set BLOB_CONNECTION_STRING (local) or BLOB_ACCOUNT_URL (managed identity)")
        return cls(
            database_url=_required(values, "DATABASE_URL"),
            blob_connection_string=blob_cs,
            blob_account_url=blob_url,
            servicebus_connection=values.get("ServiceBusConnection") or None,
            servicebus_namespace=values.get("ServiceBusConnection__fullyQualifiedNamespace") or None,
            servicebus_topic=values.get("SERVICEBUS_TOPIC", DEFAULT_TOPIC),
            mlflow_tracking_uri=_required(values, "MLFLOW_TRACKING_URI"),
            model_cache_dir=Path(values.get("MODEL_CACHE_DIR", ".stack/models")).resolve(),
            hf_token=values.get("HF_TOKEN") or None,
            training_timeout_minutes=_positive_int(values, "TRAINING_TIMEOUT_MINUTES", 120),
            approval_timeout_hours=_positive_float(values, "APPROVAL_TIMEOUT_HOURS", 72.0),
            training_max_steps=_optional_int(values, "TRAINING_MAX_STEPS"),
            public_base_url=values.get("PUBLIC_BASE_URL", "http://127.0.0.1:7071").rstrip("/"),
        )


def _required(values: Mapping[str, str], name: str) -> str:
    value = values.get(name)
    if not value:
        raise SettingsError(f"setting {name} is required")
    return value


def _positive_int(values: Mapping[str, str], name: str, default: int) -> int:
    value = _optional_int(values, name)
    if value is None:
        return default
    if value <= 0:
        raise SettingsError(f"setting {name} must be a positive integer, got {value}")
    return value


def _optional_int(values: Mapping[str, str], name: str) -> int | None:
    raw = values.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"setting {name} must be an integer, got {raw!r}") from exc


def _positive_float(values: Mapping[str, str], name: str, default: float) -> float:
    raw = values.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"setting {name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise SettingsError(f"setting {name} must be positive, got {raw}")
    return value
