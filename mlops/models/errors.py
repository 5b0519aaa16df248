"""Typed failures of base-model building and fetching; messages name the model and the reason."""

from __future__ import annotations


class ModelError(Exception):
    """Base class of the model package's failures."""


class ModelBuildError(ModelError):
    """A local base model (tiny or SmolLM2) could not be built."""


class ModelFetchError(ModelError):
    """A base model could not be fetched or is not a loadable model; the message names it."""

    def __init__(self, model_id: str, reason: str) -> None:
        super().__init__(f"cannot fetch base model {model_id!r}: {reason}")
        self.model_id = model_id
        self.reason = reason
