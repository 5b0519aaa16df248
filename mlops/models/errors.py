"""Typed failures of base-model building; messages name the model and the reason."""

from __future__ import annotations


class ModelError(Exception):
    """Base class of the model package's failures."""


class ModelBuildError(ModelError):
    """A local base model (tiny or SmolLM2) could not be built."""
