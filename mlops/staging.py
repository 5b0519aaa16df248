"""Stage a base model in Blob: a HuggingFace id or a local directory is copied once per model id.

``blob://`` ids are used where they are. The copy is keyed by the model id, and a ``_COMPLETE``
marker written last makes an interrupted upload be redone rather than trusted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from mlops.blob import BlobStore
from mlops.models import ModelFetchError, fetch_base_model
from mlops.registry import model_name

BASE_PREFIX = "blob://model-outputs/base"
COMPLETE_MARKER = "_COMPLETE"


@dataclass(frozen=True)
class StagedModel:
    name: str
    uri: str


def stage_base_model(model_id: str, blob: BlobStore, cache_dir: Path, hf_token: str | None) -> StagedModel:
    """Return where the base model lives in Blob, fetching and uploading it if needed."""
    name = model_name(model_id)
    if model_id.startswith("blob://"):
        if not blob.exists(f"{model_id.rstrip('/')}/config.json"):
            raise ModelFetchError(f"model {model_id!r}: no config.json under that blob path")
        return StagedModel(name, model_id.rstrip("/"))
    digest = hashlib.sha256(model_id.encode()).hexdigest()[:8]
    uri = f"{BASE_PREFIX}/{name}-{digest}"
    if not blob.exists(f"{uri}/{COMPLETE_MARKER}"):
        local = fetch_base_model(model_id, cache_dir / "base" / f"{name}-{digest}", hf_token=hf_token)
        blob.upload_dir(local, uri)
        blob.upload_bytes(f"{uri}/{COMPLETE_MARKER}", model_id.encode())
    return StagedModel(name, uri)
