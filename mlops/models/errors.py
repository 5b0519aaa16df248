"""Typed failures of base-model building and fetching; messages name the model and the reason."""

from __future__ import annotations


class ModelError(Exception):
    """Base class of the model package's failures."""


class ModelBuildError(ModelError):
    """A local base model (tiny or SmolLM2) could not be built."""


class ModelFetchError(ModelError):
    """A base model could not be fetched or is not a loadable model; the message names it and says why."""

    def __init__(self, message: str, *, model_id: str | None = None) -> None:
        super().__init__(message)
        self.model_id = model_id

    @classmethod
    def for_model(cls, model_id: str, reason: str) -> ModelFetchError:
        """The error for ``model_id`` with a uniform message: ``cannot fetch base model 'id': reason``."""
        return cls(f"cannot fetch base model {model_id!r}: {reason}", model_id=model_id)
