"""Model registry through the MLflow client: local SQLite store here, Azure ML (azureml://) in Azure.

Only plain MlflowClient registry calls are used, which azureml-mlflow implements as well, so the same
code serves both tracking URIs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlflow import MlflowClient

# mlflow is imported on first use, never at import: the Function App's cold start must not pay for it
# (the app installs the slim mlflow-skinny client; see docs/architecture.md).


# The tags that make a version this run's result of one stage: its attempt-independent key.
RUN_STAGE_TAGS = ("run_id", "lifecycle")
# The alias of the version approved for production under a registered name: the comparisons' baseline.
CHAMPION = "champion"
_AZUREML_MODEL = re.compile(r"/models/([^/]+)(?:/versions/[^/]+)?/?$")
_NOT_ALLOWED = re.compile(r"[^a-z0-9._-]+")


class RegistryError(RuntimeError):
    """The registry refused or failed an operation; the message names the model."""


@dataclass(frozen=True)
class RegisteredModelVersion:
    name: str
    version: str


def finetuned_name(base_name: str) -> str:
    """The registered-model name of the models fine-tuned from ``base_name`` (their champion is its own)."""
    return f"{base_name}-ft"


def model_name(model_id: str) -> str:
    """The registered-model name for a model id.

    Rule: take the model's own name — the ``<name>`` of an ``azureml://.../models/<name>[/versions/<v>]``
    URI, else the last ``/``-separated segment (HuggingFace ``org/name``, a local or blob path) —
    lowercase it, replace each run of characters other than ``a-z 0-9 . _ -`` with ``-`` and trim
    ``-._`` from both ends. ``HuggingFaceTB/SmolLM2-135M`` -> ``smollm2-135m``. Empty -> ValueError.
    """
    match = _AZUREML_MODEL.search(model_id)
    last = match.group(1) if match else model_id.rstrip("/").rsplit("/", 1)[-1]
    name = _NOT_ALLOWED.sub("-", last.lower()).strip("-._")[:255]
    if not name:
        raise ValueError(f"no model name can be derived from {model_id!r}")
    return name


class ModelRegistry:
    """Register model versions whose source is the weights' URI, and read or set their tags."""

    def __init__(self, tracking_uri: str, registry_uri: str | None = None) -> None:
        self._tracking_uri = tracking_uri
        self._registry_uri = registry_uri or tracking_uri
        self._built: MlflowClient | None = None

    @property
    def _client(self) -> MlflowClient:
        if self._built is None:
            from mlflow import MlflowClient

            self._built = MlflowClient(tracking_uri=self._tracking_uri, registry_uri=self._registry_uri)
        return self._built

    def register_model(
        self, name: str, source_uri: str, tags: Mapping[str, str] | None = None
    ) -> RegisteredModelVersion:
        """Create the registered model ``name`` if absent and add a version pointing at ``source_uri``."""
        from mlflow.exceptions import MlflowException
        from mlflow.protos.databricks_pb2 import RESOURCE_ALREADY_EXISTS, ErrorCode

        try:
            self._client.create_registered_model(name)
        except MlflowException as exc:
            if exc.error_code != ErrorCode.Name(RESOURCE_ALREADY_EXISTS):
                raise RegistryError(f"cannot create registered model {name}: {exc.message}") from exc
        try:
            version = self._client.create_model_version(name, source_uri, tags=dict(tags or {}))
        except MlflowException as exc:
            raise RegistryError(f"cannot register {source_uri} as {name}: {exc.message}") from exc
        return RegisteredModelVersion(name, str(version.version))

    def find_version(self, name: str, tags: Mapping[str, str]) -> RegisteredModelVersion | None:
        """The oldest version of ``name`` carrying every one of ``tags`` (filtered here: a name filter is what
        every registry, Azure ML included, supports), or None."""
        from mlflow.exceptions import MlflowException
        from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST, ErrorCode

        try:
            versions = self._client.search_model_versions(f"name = '{name}'")
        except MlflowException as exc:
            if exc.error_code == ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
                return None
            raise RegistryError(f"cannot search versions of {name}: {exc.message}") from exc
        found = [v for v in versions if all(v.tags.get(k) == str(val) for k, val in tags.items())]
        if not found:
            return None
        oldest = min(found, key=lambda v: int(v.version))
        return RegisteredModelVersion(name, str(oldest.version))

    def register_once(
        self, name: str, source_uri: str, tags: Mapping[str, str], key: tuple[str, ...]
    ) -> RegisteredModelVersion:
        """The version of ``name`` whose ``key`` tags (e.g. run id and lifecycle) match ``tags``; registered
        only when there is none, so a retried activity adds no second version."""
        existing = self.find_version(name, {k: tags[k] for k in key})
        return existing or self.register_model(name, source_uri, tags)

    def set_tags(self, ref: RegisteredModelVersion, tags: Mapping[str, str]) -> None:
        """Set (overwrite) each tag on the version; idempotent."""
        from mlflow.exceptions import MlflowException

        try:
            for key, value in tags.items():
                self._client.set_model_version_tag(ref.name, ref.version, key, str(value))
        except MlflowException as exc:
            raise RegistryError(f"cannot tag {ref.name} v{ref.version}: {exc.message}") from exc

    def get_tags(self, ref: RegisteredModelVersion) -> dict[str, str]:
        """The version's tags."""
        from mlflow.exceptions import MlflowException

        try:
            return dict(self._client.get_model_version(ref.name, ref.version).tags)
        except MlflowException as exc:
            raise RegistryError(f"cannot read {ref.name} v{ref.version}: {exc.message}") from exc

    def get_source(self, ref: RegisteredModelVersion) -> str:
        """Where the version's weights are (the ``source_uri`` it was registered with)."""
        from mlflow.exceptions import MlflowException

        try:
            return str(self._client.get_model_version(ref.name, ref.version).source)
        except MlflowException as exc:
            raise RegistryError(f"cannot read {ref.name} v{ref.version}: {exc.message}") from exc

    def set_champion(self, ref: RegisteredModelVersion) -> None:
        """Point the ``champion`` alias at ``ref``; the version it leaves keeps its tags and history, plus
        ``superseded_by``. Idempotent."""
        from mlflow.exceptions import MlflowException

        previous = self.champion(ref.name)
        try:
            self._client.set_registered_model_alias(ref.name, CHAMPION, ref.version)
        except MlflowException as exc:
            raise RegistryError(f"cannot make {ref.name} v{ref.version} the champion: {exc.message}") from exc
        if previous is not None and previous[0] != ref:
            self.set_tags(previous[0], {"superseded_by": ref.version})

    def champion(self, name: str) -> tuple[RegisteredModelVersion, dict[str, str]] | None:
        """The version under the ``champion`` alias of ``name`` and its tags, or None (no such model or alias)."""
        from mlflow.exceptions import MlflowException

        try:
            version = self._client.get_model_version_by_alias(name, CHAMPION)
        except MlflowException as exc:
            if exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE", "NOT_FOUND"):
                return None
            raise RegistryError(f"cannot read the champion of {name}: {exc.message}") from exc
        return RegisteredModelVersion(name, str(version.version)), dict(version.tags)

    def ping(self) -> None:
        """Raise unless the registry answers a query."""
        self._client.search_registered_models(max_results=1)
