"""Typed settings read from the environment once, at the composition root.

Nothing in the project reads ``os.environ`` at import time: the Functions host (or devhost)
loads ``local.settings.json``/app settings into the environment, then ``Settings.from_env()``
is called when a client is first needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from mlops.approvals.key_policy import is_key_vault_reference
from mlops.approvals.tokens import SigningKeys
from mlops.gate import GatePolicy
from mlops.gate.settings import GateSettingsError, gate_policy_from_env
from mlops.training.backend_settings import TrainingSettings, TrainingSettingsError

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
    # Azure: the PostgreSQL server accepts only Entra tokens; DATABASE_URL names the identity, no password.
    database_entra_auth: bool = False
    # The connection budget (docs/capacity.md): each process opens one pool of at most this many connections,
    # and behind PgBouncer in transaction mode asyncpg may not keep server-side prepared statements.
    database_pool_size: int = 5
    database_pgbouncer: bool = False
    # Approvals from Teams (Key Vault references in Azure): empty webhook = delivery disabled;
    # no signing keys = cards carry no Approve/Reject links.
    teams_webhook_url: str | None = None
    approval_signing_keys: SigningKeys | None = None
    approval_reminder_hours: float = 48.0
    # Identity: the platform's WEBSITE_AUTH_ENABLED (Easy Auth on; identity headers trustworthy) and how many
    # distinct approvers a run needs (APPROVALS_REQUIRED).
    auth_enabled: bool = False
    approvals_required: int = 1
    ui_base_url: str | None = None
    model_studio_url: str | None = None
    # The RAGAS judge (Mistral on Azure AI): on when azure_ai_endpoint is set; the key comes from Key Vault.
    azure_ai_endpoint: str | None = None
    azure_ai_api_key: str | None = None
    judge_model: str = "mistral-small-latest"
    judge_embedding_model: str = "mistral-embed"
    judge_max_concurrency: int = 16
    judge_timeout_s: float = 60.0
    judge_max_retries: int = 5
    judge_price_input_per_mtok: float = 0.1
    judge_price_output_per_mtok: float = 0.3
    judge_requests_per_minute: int = 1000
    judge_tokens_per_minute: int = 200_000
    eval_max_nan_fraction: float = 0.2
    eval_batch_size: int = 50  # rows per scoring activity of the evaluation's fan-out
    dataset_max_bytes: int = 64 * 1024 * 1024  # DATASET_MAX_MB: a dataset file larger is refused (422)
    # A run still pending this long with no orchestration gets its run.created re-published (the sweeper).
    pending_sweep_minutes: float = 30.0
    # TRAINING_BACKEND and the Azure ML workspace: see mlops/training/backend_settings.py.
    training: TrainingSettings = field(default_factory=TrainingSettings)
    # The gate policy (threshold floor, weight profiles, approvals required): see mlops/gate/settings.py.
    gate_policy: GatePolicy = field(default_factory=GatePolicy)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default ``os.environ``), raising SettingsError on bad values."""
        values = os.environ if env is None else env
        _refuse_unresolved_references(values)
        blob_cs = values.get("BLOB_CONNECTION_STRING") or None
        blob_url = values.get("BLOB_ACCOUNT_URL") or None
        if not blob_cs and not blob_url:
            raise SettingsError("set BLOB_CONNECTION_STRING (local) or BLOB_ACCOUNT_URL (managed identity)")
        return cls(
            database_url=_required(values, "DATABASE_URL"),
            database_entra_auth=_flag(values, "DATABASE_ENTRA_AUTH"),
            database_pool_size=_positive_int(values, "DATABASE_POOL_SIZE", 5),
            database_pgbouncer=_flag(values, "DATABASE_PGBOUNCER"),
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
            teams_webhook_url=values.get("TEAMS_WEBHOOK_URL") or None,
            approval_signing_keys=_signing_keys(values),
            approval_reminder_hours=_positive_float(values, "APPROVAL_REMINDER_HOURS", 48.0),
            auth_enabled=_flag(values, "WEBSITE_AUTH_ENABLED"),
            approvals_required=_positive_int(values, "APPROVALS_REQUIRED", 1),
            ui_base_url=(values.get("UI_BASE_URL") or "").rstrip("/") or None,
            model_studio_url=values.get("MODEL_STUDIO_URL") or None,
            eval_batch_size=_positive_int(values, "EVAL_BATCH_SIZE", 50),
            dataset_max_bytes=_positive_int(values, "DATASET_MAX_MB", 64) * 1024 * 1024,
            pending_sweep_minutes=_positive_float(values, "PENDING_SWEEP_MINUTES", 30.0),
            **_judge_settings(values),
            training=_training(values),
            gate_policy=_gate_policy(values, _positive_int(values, "APPROVALS_REQUIRED", 1)),
        )


def _refuse_unresolved_references(values: Mapping[str, str]) -> None:
    """App Service hands over the reference text itself when it cannot resolve it: never use that as a value."""
    unresolved = sorted(name for name, value in values.items() if is_key_vault_reference(value))
    if unresolved:
        raise SettingsError(
            f"setting {unresolved[0]} is an unresolved Key Vault reference (@Microsoft.KeyVault(...)): "
            "check the secret's URI and the app identity's 'Key Vault Secrets User' role"
        )


def _training(values: Mapping[str, str]) -> TrainingSettings:
    try:
        return TrainingSettings.from_env(values)
    except TrainingSettingsError as exc:
        raise SettingsError(str(exc)) from exc


def _gate_policy(values: Mapping[str, str], approvals_required: int) -> GatePolicy:
    try:
        return gate_policy_from_env(values, approvals_required)
    except GateSettingsError as exc:
        raise SettingsError(str(exc)) from exc


def _required(values: Mapping[str, str], name: str) -> str:
    value = values.get(name)
    if not value:
        raise SettingsError(f"setting {name} is required")
    return value


def _flag(values: Mapping[str, str], name: str) -> bool:
    raw = (values.get(name) or "").strip().lower()
    if raw in {"", "0", "false", "no"}:
        return False
    if raw in {"1", "true", "yes"}:
        return True
    raise SettingsError(f"setting {name} must be true or false, got {raw!r}")


def _signing_keys(values: Mapping[str, str]) -> SigningKeys | None:
    raw = values.get("APPROVAL_SIGNING_KEYS") or ""
    if not raw.strip():
        return None
    try:
        return SigningKeys.parse(raw)
    except ValueError as exc:
        raise SettingsError(f"setting APPROVAL_SIGNING_KEYS: {exc}") from exc


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


def _number(values: Mapping[str, str], name: str) -> float | None:
    raw = values.get(name)
    if raw in (None, ""):
        return None
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"setting {name} must be a number, got {raw!r}") from exc


def _optional_float(values: Mapping[str, str], name: str, default: float) -> float:
    value = _number(values, name)
    if value is None:
        return default
    if value != value or value < 0:
        raise SettingsError(f"setting {name} must be a number >= 0, got {value}")
    return value


def _positive_float(values: Mapping[str, str], name: str, default: float) -> float:
    value = _number(values, name)
    if value is None:
        return default
    if value <= 0:
        raise SettingsError(f"setting {name} must be positive, got {value}")
    return value


class _JudgeValues(TypedDict):
    azure_ai_endpoint: str | None
    azure_ai_api_key: str | None
    judge_model: str
    judge_embedding_model: str
    judge_max_concurrency: int
    judge_timeout_s: float
    judge_max_retries: int
    judge_price_input_per_mtok: float
    judge_price_output_per_mtok: float
    judge_requests_per_minute: int
    judge_tokens_per_minute: int
    eval_max_nan_fraction: float


def _judge_settings(values: Mapping[str, str]) -> _JudgeValues:
    """The judge and NaN-policy settings (all optional; the judge is off without AZURE_AI_ENDPOINT)."""
    endpoint = (values.get("AZURE_AI_ENDPOINT") or "").rstrip("/") or None
    api_key = values.get("AZURE_AI_API_KEY") or None
    if endpoint and not api_key:
        raise SettingsError("setting AZURE_AI_API_KEY is required when AZURE_AI_ENDPOINT is set")
    nan_fraction = _non_negative_float(values, "EVAL_MAX_NAN_FRACTION", 0.2)
    if nan_fraction > 1.0:
        raise SettingsError(f"setting EVAL_MAX_NAN_FRACTION must lie in [0, 1], got {nan_fraction}")
    return {
        "azure_ai_endpoint": endpoint,
        "azure_ai_api_key": api_key,
        "judge_model": values.get("AZURE_AI_JUDGE_MODEL") or "mistral-small-latest",
        "judge_embedding_model": values.get("AZURE_AI_EMBEDDING_MODEL") or "mistral-embed",
        "judge_max_concurrency": _positive_int(values, "JUDGE_MAX_CONCURRENCY", 16),
        "judge_timeout_s": _positive_float(values, "JUDGE_TIMEOUT_SECONDS", 60.0),
        "judge_max_retries": _positive_int(values, "JUDGE_MAX_RETRIES", 5),
        "judge_price_input_per_mtok": _non_negative_float(values, "JUDGE_PRICE_INPUT_PER_MTOK", 0.1),
        "judge_price_output_per_mtok": _non_negative_float(values, "JUDGE_PRICE_OUTPUT_PER_MTOK", 0.3),
        "judge_requests_per_minute": _positive_int(values, "JUDGE_REQUESTS_PER_MINUTE", 1000),
        "judge_tokens_per_minute": _positive_int(values, "JUDGE_TOKENS_PER_MINUTE", 200_000),
        "eval_max_nan_fraction": nan_fraction,
    }


def _non_negative_float(values: Mapping[str, str], name: str, default: float) -> float:
    raw = values.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"setting {name} must be a number, got {raw!r}") from exc
    if not value >= 0:  # also rejects NaN
        raise SettingsError(f"setting {name} must be a number >= 0, got {raw}")
    return value


# Modules whose code reads the settings environment (``Settings.from_env`` delegates to the second).
SETTINGS_MODULES = (
    Path(__file__),
    Path(__file__).parent / "training" / "backend_settings.py",
    Path(__file__).parent / "gate" / "settings.py",
)

# Local-only alternatives of identity-based settings: in Azure the app gets BLOB_ACCOUNT_URL and
# ServiceBusConnection__fullyQualifiedNamespace instead (infra/main.bicep gives it no keys).
LOCAL_ONLY_SETTINGS = frozenset({"BLOB_CONNECTION_STRING", "ServiceBusConnection"})

# Settings the platform sets itself (App Service authentication), never given by infra/main.bicep.
PLATFORM_SETTINGS = frozenset({"WEBSITE_AUTH_ENABLED"})


def setting_names(modules: tuple[Path, ...] = SETTINGS_MODULES) -> tuple[str, ...]:
    """Every setting name the settings code reads (``values.get("X")``, ``values["X"]``, ``helper(values, "X")``).

    Read from the source, so branches that a given environment would not take are included;
    tests/unit/infra compares the result with the app settings that infra/main.bicep gives the app.
    """
    import ast

    names: dict[str, None] = {}
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text())):
            for name in _names_read(node):
                names[name] = None
    return tuple(names)


def _names_read(node: object) -> list[str]:
    import ast

    def is_values(expr: ast.expr) -> bool:
        return isinstance(expr, ast.Name) and expr.id == "values"

    def constants(exprs: list[ast.expr]) -> list[str]:
        return [e.value for e in exprs if isinstance(e, ast.Constant) and isinstance(e.value, str)]

    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "get" and is_values(func.value):
            return constants(node.args[:1])
        if any(is_values(arg) for arg in node.args):
            return constants(node.args)
    if isinstance(node, ast.Subscript) and is_values(node.value):
        return constants([node.slice])
    return []
