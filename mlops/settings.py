"""Every setting the app reads, declared once as data, and the typed ``Settings`` built from them.

A ``Setting`` is a name, a parser, a default and a meaning. ``Settings.from_env`` reads each through its
declaration (a missing or malformed value is a SettingsError naming it); ``local.settings.example.json``,
the README's settings table (``python -m mlops.settings`` prints it) and the Bicep app settings are
checked against ``SETTINGS`` by tests/unit. Nothing reads ``os.environ`` at import time: the Functions
host (or devhost) loads the app settings into the environment, then ``Settings.from_env()`` is called
when a client is first needed.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar, get_args

from mlops.approvals.key_policy import is_key_vault_reference
from mlops.approvals.tokens import SigningKeys
from mlops.gate import GatePolicy
from mlops.gate.champion import ChampionRule
from mlops.gate.policy import default_profiles
from mlops.gate.settings import parse_champion_rule, parse_weight_profiles
from mlops.telemetry import TelemetryConfig

T = TypeVar("T")
U = TypeVar("U")
Backend = Literal["local", "azureml"]
# app: the Bicep gives it to the Function App; local: a local-only alternative of an identity-based
# setting (Azure gets BLOB_ACCOUNT_URL / the namespace instead); platform: App Service sets it itself.
Scope = Literal["app", "local", "platform"]


class SettingsError(ValueError):
    """A required setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One app setting: ``parse`` turns its non-empty text into the value (ValueError says what is wrong)."""

    name: str
    parse: Callable[[str], T]
    default: T
    meaning: str
    scope: Scope = "app"
    shown_default: str | None = None  # the README's "default" when ``default`` does not say it

    def read(self, values: Mapping[str, str]) -> T:
        """The parsed value, or the default when the setting is absent or blank."""
        raw = (values.get(self.name) or "").strip()
        if not raw:
            return self.default
        try:
            return self.parse(raw)
        except ValueError as exc:
            raise SettingsError(f"setting {self.name} {exc}") from exc

    def require(self: Setting[U | None], values: Mapping[str, str]) -> U:
        """The parsed value; a SettingsError when the setting is absent or blank."""
        value = self.read(values)
        if value is None:
            raise SettingsError(f"setting {self.name} is required")
        return value


def _text(raw: str) -> str:
    return raw


def _url(raw: str) -> str:
    return raw.rstrip("/")


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"must be an integer, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"must be a positive integer, got {value}")
    return value


def _number(raw: str, low: float, high: float = math.inf, low_open: bool = False) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"must be a number, got {raw!r}") from None
    if not (low < value if low_open else low <= value) or not value <= high:  # also refuses NaN
        bounds = f"> {low}" if low_open else f">= {low}" if high == math.inf else f"in [{low}, {high}]"
        raise ValueError(f"must be a number {bounds}, got {raw}")
    return value


def _positive_float(raw: str) -> float:
    return _number(raw, 0.0, low_open=True)


def _non_negative_float(raw: str) -> float:
    return _number(raw, 0.0)


def _fraction(raw: str) -> float:
    return _number(raw, 0.0, 1.0)


def _flag(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"0", "false", "no"}:
        return False
    if lowered in {"1", "true", "yes"}:
        return True
    raise ValueError(f"must be true or false, got {raw!r}")


def _signing_keys(raw: str) -> SigningKeys:
    try:
        return SigningKeys.parse(raw)
    except ValueError as exc:
        raise ValueError(f"is refused: {exc}") from None


def _training_backend(raw: str) -> Backend:
    for backend in get_args(Backend):
        if raw == backend:
            return backend
    raise ValueError(f"must be one of {', '.join(get_args(Backend))}, got {raw!r}")


def _profiles(raw: str) -> dict[str, dict[str, float]]:
    try:
        return parse_weight_profiles(json.loads(raw))
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not JSON: {exc.msg}") from None


def _champion_rule(raw: str) -> ChampionRule:
    try:
        return parse_champion_rule(json.loads(raw))
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not JSON: {exc.msg}") from None


DATABASE_URL = Setting(
    "DATABASE_URL", _text, None, "PostgreSQL DSN", shown_default="written by `devstack` to `.stack/env`"
)
DATABASE_ENTRA_AUTH = Setting(
    "DATABASE_ENTRA_AUTH", _flag, False, "the server accepts only Entra tokens; `DATABASE_URL` names the identity"
)
BLOB_CONNECTION_STRING = Setting(
    "BLOB_CONNECTION_STRING", _text, None, "Blob by connection string (Azurite)", "local", "Azurite's dev account"
)
BLOB_ACCOUNT_URL = Setting("BLOB_ACCOUNT_URL", _url, None, "Blob by account URL + managed identity (Azure)")
SERVICEBUS_CONNECTION = Setting(
    "ServiceBusConnection",
    _text,
    None,
    "the Service Bus connection string (triggers and publishers)",
    "local",
    "devhost sets it to its broker",
)
SERVICEBUS_NAMESPACE = Setting(
    "ServiceBusConnection__fullyQualifiedNamespace", _text, None, "the Service Bus namespace + managed identity (Azure)"
)
SERVICEBUS_TOPIC = Setting(
    "SERVICEBUS_TOPIC", _text, "mlops-events", "lifecycle topic (publishers, and the triggers' `%SERVICEBUS_TOPIC%`)"
)
DATABASE_POOL_SIZE = Setting(
    "DATABASE_POOL_SIZE", _positive_int, 5, "connections of each process's one pool (docs/capacity.md: the budget)"
)
DATABASE_PGBOUNCER = Setting(
    "DATABASE_PGBOUNCER", _flag, False, "PgBouncer (transaction mode) in front: no server-side prepared statements"
)
MLFLOW_TRACKING_URI = Setting(
    "MLFLOW_TRACKING_URI",
    _text,
    None,
    "MLflow tracking + registry",
    shown_default="`sqlite:///.stack/mlflow/mlflow.db`",
)
MODEL_CACHE_DIR = Setting(
    "MODEL_CACHE_DIR", Path, Path(".stack/models"), "where base models are fetched; local jobs log beside it"
)
HF_TOKEN = Setting("HF_TOKEN", _text, None, "HuggingFace token for gated/private models")
TRAINING_BACKEND: Setting[Backend] = Setting(
    "TRAINING_BACKEND", _training_backend, "local", "`local` (detached processes) or `azureml` (command jobs)"
)
AZUREML_SUBSCRIPTION_ID = Setting("AZUREML_SUBSCRIPTION_ID", _text, None, "the Azure ML workspace (with `azureml`)")
AZUREML_RESOURCE_GROUP = Setting("AZUREML_RESOURCE_GROUP", _text, None, "the workspace's resource group")
AZUREML_WORKSPACE = Setting("AZUREML_WORKSPACE", _text, None, "the workspace's name")
AZUREML_COMPUTE = Setting("AZUREML_COMPUTE", _text, "gpu-training-cluster", "the GPU cluster of training jobs")
JOB_MAX_NODES = Setting(
    "JOB_MAX_NODES",
    _positive_int,
    2,
    "local jobs that run at once, each on its share of the cores; the rest queue (the twin of the Azure ML "
    "cluster's `maxNodeCount`, `gpuMaxNodes`)",
)
TRAINING_TIMEOUT_MINUTES = Setting(
    "TRAINING_TIMEOUT_MINUTES", _positive_int, 120, "wait for each job (staging, training, scoring) before failing"
)
TRAINING_POLL_MINUTES = Setting(
    "TRAINING_POLL_MINUTES", _positive_int, 15, "how often the orchestrator asks a job's status if no event came"
)
TRAINING_MAX_STEPS = Setting(
    "TRAINING_MAX_STEPS", _positive_int, None, "LoRA steps override (train.py defaults to 20 × batch 8)"
)
EVAL_BATCH_SIZE = Setting(
    "EVAL_BATCH_SIZE", _positive_int, 50, "eval rows per batch of the scoring job (each batch's scores: one blob)"
)
EVAL_MAX_NAN_FRACTION = Setting(
    "EVAL_MAX_NAN_FRACTION", _fraction, 0.2, "a metric with more failed samples than this fails the evaluation"
)
AZURE_AI_ENDPOINT = Setting("AZURE_AI_ENDPOINT", _url, None, "the RAGAS judge (Mistral on Azure AI): on when set")
AZURE_AI_API_KEY = Setting("AZURE_AI_API_KEY", _text, None, "the judge's key (Key Vault in Azure)")
AZURE_AI_JUDGE_MODEL = Setting("AZURE_AI_JUDGE_MODEL", _text, "mistral-small-latest", "the judge's chat model")
AZURE_AI_EMBEDDING_MODEL = Setting("AZURE_AI_EMBEDDING_MODEL", _text, "mistral-embed", "the judge's embedding model")
JUDGE_MAX_CONCURRENCY = Setting(
    "JUDGE_MAX_CONCURRENCY", _positive_int, 16, "judge calls in flight per batch of the scoring job"
)
JUDGE_TIMEOUT_SECONDS = Setting("JUDGE_TIMEOUT_SECONDS", _positive_float, 60.0, "timeout of one judge call")
JUDGE_MAX_RETRIES = Setting("JUDGE_MAX_RETRIES", _positive_int, 5, "retries of a judge call (backoff, Retry-After)")
JUDGE_PRICE_INPUT_PER_MTOK = Setting(
    "JUDGE_PRICE_INPUT_PER_MTOK", _non_negative_float, 0.1, "judge input price per million tokens (cost estimate)"
)
JUDGE_PRICE_OUTPUT_PER_MTOK = Setting(
    "JUDGE_PRICE_OUTPUT_PER_MTOK", _non_negative_float, 0.3, "judge output price per million tokens"
)
JUDGE_REQUESTS_PER_MINUTE = Setting(
    "JUDGE_REQUESTS_PER_MINUTE", _positive_int, 1000, "the judge deployment's request quota, shared by all instances"
)
JUDGE_TOKENS_PER_MINUTE = Setting(
    "JUDGE_TOKENS_PER_MINUTE", _positive_int, 200_000, "the judge deployment's token quota, shared by all instances"
)
APPROVAL_TIMEOUT_HOURS = Setting("APPROVAL_TIMEOUT_HOURS", _positive_float, 72.0, "approval window before `expired`")
APPROVAL_REMINDER_HOURS = Setting("APPROVAL_REMINDER_HOURS", _positive_float, 48.0, "when the reminder card goes out")
APPROVALS_REQUIRED = Setting(
    "APPROVALS_REQUIRED",
    _positive_int,
    1,
    "distinct approvers (never the run's requester) before `go_prod`; any rejection rejects",
    shown_default="1 (2 in prod)",
)
APPROVAL_SIGNING_KEYS = Setting(
    "APPROVAL_SIGNING_KEYS", _signing_keys, None, "`kid:secret,...` signing the cards' links; none: no links"
)
TEAMS_WEBHOOK_URL = Setting(
    "TEAMS_WEBHOOK_URL", _text, None, "where cards are posted; empty: delivery off", shown_default="devhost's receiver"
)
PUBLIC_BASE_URL = Setting("PUBLIC_BASE_URL", _url, "http://127.0.0.1:7071", "base of links in cards")
UI_BASE_URL = Setting("UI_BASE_URL", _url, None, "the UI, for links to a run from its card")
MODEL_STUDIO_URL = Setting("MODEL_STUDIO_URL", _text, None, "link template to a model version (`{name}`, `{version}`)")
WEBSITE_AUTH_ENABLED = Setting(
    "WEBSITE_AUTH_ENABLED", _flag, False, "App Service authentication is on: identity headers are trusted", "platform"
)
GATE_THRESHOLD_FLOOR = Setting(
    "GATE_THRESHOLD_FLOOR", _fraction, 0.7, "the gate's floor: a run's threshold unless its requester raises it"
)
GATE_WEIGHT_PROFILES = Setting(
    "GATE_WEIGHT_PROFILES",
    _profiles,
    None,
    "weight profiles a requester may choose (JSON `{name: {metric: weight}}`); empty: built-in `default`, `judge`",
)
GATE_DEFAULT_PROFILE = Setting("GATE_DEFAULT_PROFILE", _text, "default", "the profile of a run that names none")
GATE_ALLOW_CUSTOM_WEIGHTS = Setting(
    "GATE_ALLOW_CUSTOM_WEIGHTS", _flag, False, "a requester may send weights that are no profile's"
)
GATE_CHAMPION_RULE = Setting(
    "GATE_CHAMPION_RULE",
    _champion_rule,
    None,
    "not worse than production: JSON `{metric, threshold, min_absolute_change, min_relative_change,"
    " greater_is_better}` (MLflow MetricThreshold) on the 95 % interval; empty: off",
)
DATASET_MAX_MB = Setting("DATASET_MAX_MB", _positive_int, 64, "a dataset file larger than this is refused (422)")
APPLICATIONINSIGHTS_CONNECTION_STRING = Setting(
    "APPLICATIONINSIGHTS_CONNECTION_STRING", _text, None, "Application Insights: spans are exported there when set"
)
APPLICATIONINSIGHTS_AUTHENTICATION_STRING = Setting(
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", _text, None, "`Authorization=AAD`: export with the app identity"
)
OTEL_SERVICE_NAME = Setting("OTEL_SERVICE_NAME", _text, "mlops-release-platform", "the service name on spans")
OTEL_EXPORTER_OTLP_ENDPOINT = Setting(
    "OTEL_EXPORTER_OTLP_ENDPOINT", _url, None, "a local OTLP/HTTP collector for spans", "local"
)
MLOPS_TELEMETRY_CONSOLE = Setting("MLOPS_TELEMETRY_CONSOLE", _flag, False, "print spans to the console", "local")
PENDING_SWEEP_MINUTES = Setting(
    "PENDING_SWEEP_MINUTES", _positive_float, 30.0, "a run `pending` this long with no orchestration is re-published"
)

SETTINGS: tuple[Setting[Any], ...] = (
    DATABASE_URL, DATABASE_ENTRA_AUTH, DATABASE_POOL_SIZE, DATABASE_PGBOUNCER, BLOB_CONNECTION_STRING,
    BLOB_ACCOUNT_URL, SERVICEBUS_CONNECTION, SERVICEBUS_NAMESPACE, SERVICEBUS_TOPIC, MLFLOW_TRACKING_URI,
    MODEL_CACHE_DIR, HF_TOKEN, TRAINING_BACKEND, AZUREML_SUBSCRIPTION_ID, AZUREML_RESOURCE_GROUP, AZUREML_WORKSPACE,
    AZUREML_COMPUTE, TRAINING_TIMEOUT_MINUTES, TRAINING_POLL_MINUTES, TRAINING_MAX_STEPS, JOB_MAX_NODES,
    EVAL_BATCH_SIZE, EVAL_MAX_NAN_FRACTION, AZURE_AI_ENDPOINT, AZURE_AI_API_KEY, AZURE_AI_JUDGE_MODEL,
    AZURE_AI_EMBEDDING_MODEL, JUDGE_MAX_CONCURRENCY, JUDGE_TIMEOUT_SECONDS, JUDGE_MAX_RETRIES,
    JUDGE_PRICE_INPUT_PER_MTOK, JUDGE_PRICE_OUTPUT_PER_MTOK, JUDGE_REQUESTS_PER_MINUTE, JUDGE_TOKENS_PER_MINUTE,
    APPROVAL_TIMEOUT_HOURS, APPROVAL_REMINDER_HOURS, APPROVALS_REQUIRED, APPROVAL_SIGNING_KEYS, TEAMS_WEBHOOK_URL,
    PUBLIC_BASE_URL, UI_BASE_URL, MODEL_STUDIO_URL, WEBSITE_AUTH_ENABLED, GATE_THRESHOLD_FLOOR,
    GATE_WEIGHT_PROFILES, GATE_DEFAULT_PROFILE, GATE_ALLOW_CUSTOM_WEIGHTS, GATE_CHAMPION_RULE, DATASET_MAX_MB,
    APPLICATIONINSIGHTS_CONNECTION_STRING, APPLICATIONINSIGHTS_AUTHENTICATION_STRING, OTEL_SERVICE_NAME,
    OTEL_EXPORTER_OTLP_ENDPOINT, MLOPS_TELEMETRY_CONSOLE, PENDING_SWEEP_MINUTES,
)  # fmt: skip


@dataclass(frozen=True)
class TrainingSettings:
    """Where jobs run (TRAINING_BACKEND and the Azure ML workspace) and how long the pipeline waits for them."""

    backend: Backend = TRAINING_BACKEND.default
    subscription_id: str | None = None
    resource_group: str | None = None
    workspace: str | None = None
    compute: str = AZUREML_COMPUTE.default
    poll_minutes: int = TRAINING_POLL_MINUTES.default
    max_nodes: int = JOB_MAX_NODES.default
    timeout_minutes: int = TRAINING_TIMEOUT_MINUTES.default
    max_steps: int | None = None


@dataclass(frozen=True)
class JudgeSettings:
    """Where the RAGAS judge is and how hard to push it; prices are per million tokens (an estimate)."""

    endpoint: str
    api_key: str
    model: str = AZURE_AI_JUDGE_MODEL.default
    embedding_model: str = AZURE_AI_EMBEDDING_MODEL.default
    max_concurrency: int = JUDGE_MAX_CONCURRENCY.default
    timeout_s: float = JUDGE_TIMEOUT_SECONDS.default
    max_retries: int = JUDGE_MAX_RETRIES.default
    price_input_per_mtok: float = JUDGE_PRICE_INPUT_PER_MTOK.default
    price_output_per_mtok: float = JUDGE_PRICE_OUTPUT_PER_MTOK.default
    requests_per_minute: int = JUDGE_REQUESTS_PER_MINUTE.default
    tokens_per_minute: int = JUDGE_TOKENS_PER_MINUTE.default
    base_delay_s: float = 0.5  # first retry's backoff (not a setting: tests shorten it)


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
    approval_timeout_hours: float
    public_base_url: str
    database_entra_auth: bool = False
    database_pool_size: int = DATABASE_POOL_SIZE.default
    database_pgbouncer: bool = False
    teams_webhook_url: str | None = None
    approval_signing_keys: SigningKeys | None = None
    approval_reminder_hours: float = APPROVAL_REMINDER_HOURS.default
    auth_enabled: bool = False
    approvals_required: int = APPROVALS_REQUIRED.default
    ui_base_url: str | None = None
    model_studio_url: str | None = None
    judge: JudgeSettings | None = None  # None: LLM-free metrics only
    eval_max_nan_fraction: float = EVAL_MAX_NAN_FRACTION.default
    eval_batch_size: int = EVAL_BATCH_SIZE.default
    dataset_max_bytes: int = DATASET_MAX_MB.default * 1024 * 1024
    pending_sweep_minutes: float = PENDING_SWEEP_MINUTES.default
    training: TrainingSettings = field(default_factory=TrainingSettings)
    gate_policy: GatePolicy = field(default_factory=GatePolicy)
    telemetry: TelemetryConfig = field(default_factory=TelemetryConfig)
    # The declared settings' text as given, for a job that reads its settings itself (the Azure ML scoring job).
    given: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default ``os.environ``), raising SettingsError on bad values."""
        values = os.environ if env is None else env
        _refuse_unresolved_references(values)
        blob_cs = BLOB_CONNECTION_STRING.read(values)
        blob_url = BLOB_ACCOUNT_URL.read(values)
        if not blob_cs and not blob_url:
            raise SettingsError("set BLOB_CONNECTION_STRING (local) or BLOB_ACCOUNT_URL (managed identity)")
        approvals_required = APPROVALS_REQUIRED.read(values)
        return cls(
            database_url=DATABASE_URL.require(values),
            database_entra_auth=DATABASE_ENTRA_AUTH.read(values),
            database_pool_size=DATABASE_POOL_SIZE.read(values),
            database_pgbouncer=DATABASE_PGBOUNCER.read(values),
            blob_connection_string=blob_cs,
            blob_account_url=blob_url,
            servicebus_connection=SERVICEBUS_CONNECTION.read(values),
            servicebus_namespace=SERVICEBUS_NAMESPACE.read(values),
            servicebus_topic=SERVICEBUS_TOPIC.read(values),
            mlflow_tracking_uri=MLFLOW_TRACKING_URI.require(values),
            model_cache_dir=MODEL_CACHE_DIR.read(values).resolve(),
            hf_token=HF_TOKEN.read(values),
            approval_timeout_hours=APPROVAL_TIMEOUT_HOURS.read(values),
            public_base_url=PUBLIC_BASE_URL.read(values),
            teams_webhook_url=TEAMS_WEBHOOK_URL.read(values),
            approval_signing_keys=APPROVAL_SIGNING_KEYS.read(values),
            approval_reminder_hours=APPROVAL_REMINDER_HOURS.read(values),
            auth_enabled=WEBSITE_AUTH_ENABLED.read(values),
            approvals_required=approvals_required,
            ui_base_url=UI_BASE_URL.read(values),
            model_studio_url=MODEL_STUDIO_URL.read(values),
            judge=_judge(values),
            eval_max_nan_fraction=EVAL_MAX_NAN_FRACTION.read(values),
            eval_batch_size=EVAL_BATCH_SIZE.read(values),
            dataset_max_bytes=DATASET_MAX_MB.read(values) * 1024 * 1024,
            pending_sweep_minutes=PENDING_SWEEP_MINUTES.read(values),
            training=_training(values),
            gate_policy=_gate_policy(values, approvals_required),
            telemetry=telemetry_config(values),
            given={setting.name: values[setting.name] for setting in SETTINGS if values.get(setting.name)},
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
    backend = TRAINING_BACKEND.read(values)
    workspace = (AZUREML_SUBSCRIPTION_ID, AZUREML_RESOURCE_GROUP, AZUREML_WORKSPACE)
    missing = [setting.name for setting in workspace if not setting.read(values)]
    if backend == "azureml" and missing:
        raise SettingsError(f"TRAINING_BACKEND=azureml requires the settings {', '.join(missing)}")
    return TrainingSettings(
        backend=backend,
        subscription_id=AZUREML_SUBSCRIPTION_ID.read(values),
        resource_group=AZUREML_RESOURCE_GROUP.read(values),
        workspace=AZUREML_WORKSPACE.read(values),
        compute=AZUREML_COMPUTE.read(values),
        poll_minutes=TRAINING_POLL_MINUTES.read(values),
        max_nodes=JOB_MAX_NODES.read(values),
        timeout_minutes=TRAINING_TIMEOUT_MINUTES.read(values),
        max_steps=TRAINING_MAX_STEPS.read(values),
    )


def _judge(values: Mapping[str, str]) -> JudgeSettings | None:
    """The judge is off without AZURE_AI_ENDPOINT; with it, the key is required."""
    endpoint = AZURE_AI_ENDPOINT.read(values)
    if not endpoint:
        return None
    return JudgeSettings(
        endpoint=endpoint,
        api_key=AZURE_AI_API_KEY.require(values),
        model=AZURE_AI_JUDGE_MODEL.read(values),
        embedding_model=AZURE_AI_EMBEDDING_MODEL.read(values),
        max_concurrency=JUDGE_MAX_CONCURRENCY.read(values),
        timeout_s=JUDGE_TIMEOUT_SECONDS.read(values),
        max_retries=JUDGE_MAX_RETRIES.read(values),
        price_input_per_mtok=JUDGE_PRICE_INPUT_PER_MTOK.read(values),
        price_output_per_mtok=JUDGE_PRICE_OUTPUT_PER_MTOK.read(values),
        requests_per_minute=JUDGE_REQUESTS_PER_MINUTE.read(values),
        tokens_per_minute=JUDGE_TOKENS_PER_MINUTE.read(values),
    )


def telemetry_config(values: Mapping[str, str]) -> TelemetryConfig:
    """Where spans go: Application Insights in Azure; locally an OTLP collector or the console, if asked."""
    return TelemetryConfig(
        appinsights_connection_string=APPLICATIONINSIGHTS_CONNECTION_STRING.read(values),
        entra_auth="Authorization=AAD" in (APPLICATIONINSIGHTS_AUTHENTICATION_STRING.read(values) or ""),
        service_name=OTEL_SERVICE_NAME.read(values),
        otlp_endpoint=OTEL_EXPORTER_OTLP_ENDPOINT.read(values),
        console=MLOPS_TELEMETRY_CONSOLE.read(values),
    )


def _gate_policy(values: Mapping[str, str], approvals_required: int) -> GatePolicy:
    profiles = GATE_WEIGHT_PROFILES.read(values)
    try:
        return GatePolicy(
            threshold_floor=GATE_THRESHOLD_FLOOR.read(values),
            profiles=default_profiles() if profiles is None else profiles,
            default_profile=GATE_DEFAULT_PROFILE.read(values),
            allow_custom_weights=GATE_ALLOW_CUSTOM_WEIGHTS.read(values),
            approvals_required=approvals_required,
            champion_rule=GATE_CHAMPION_RULE.read(values),
        )
    except ValueError as exc:
        raise SettingsError(f"gate policy (GATE_*): {exc}") from exc


def setting_names(scopes: frozenset[Scope] = frozenset({"app", "local", "platform"})) -> tuple[str, ...]:
    """The declared settings' names of those scopes, in declaration order."""
    return tuple(setting.name for setting in SETTINGS if setting.scope in scopes)


def settings_table() -> str:
    """The README's settings table, rendered from the declarations."""
    rows = ["| setting | meaning | default |", "|---|---|---|"]
    for setting in SETTINGS:
        default = setting.shown_default or _shown(setting.default)
        rows.append(f"| `{setting.name}` | {setting.meaning} | {default} |")
    return "\n".join(rows) + "\n"


def _shown(default: object) -> str:
    if default is None:
        return "empty"
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, float):
        return f"{default:g}"
    return f"`{default}`" if isinstance(default, (str, Path)) else str(default)


if __name__ == "__main__":
    print(settings_table(), end="")
