"""Fetch a base model snapshot: a HuggingFace id through the hub, or a local directory by copy.

Blob and Azure ML registry URIs are resolved by the caller; this module refuses them by name.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from huggingface_hub import snapshot_download
from transformers import AutoConfig

from mlops.models.errors import ModelFetchError

ALLOW_PATTERNS = ["*.json", "*.safetensors", "*.bin", "*.model", "tokenizer*"]
WEIGHT_PATTERNS = ("*.safetensors", "*.bin")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


def fetch_base_model(model_id: str, dest_dir: Path, *, hf_token: str | None = None) -> Path:
    """Put a loadable snapshot of ``model_id`` in ``dest_dir`` and return it, or raise ModelFetchError."""
    local = Path(model_id).expanduser()
    if local.is_dir():
        _require_files(model_id, local)
        shutil.copytree(local, dest_dir, dirs_exist_ok=True)
    elif "://" in model_id or not _HUB_ID.match(model_id):
        raise ModelFetchError.for_model(model_id, "not a HuggingFace id nor an existing local directory")
    else:
        _download(model_id, dest_dir, hf_token)
    _require_files(model_id, dest_dir)
    try:
        AutoConfig.from_pretrained(dest_dir)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFetchError.for_model(
            model_id, f"config.json does not load as a transformers config ({exc})"
        ) from exc
    return dest_dir


def _download(model_id: str, dest_dir: Path, hf_token: str | None) -> None:
    try:
        snapshot_download(model_id, local_dir=dest_dir, allow_patterns=ALLOW_PATTERNS, token=hf_token)
    except (OSError, ValueError) as exc:
        # Hub errors are OSErrors (offline, unreachable, not found, gated); invalid ids are ValueErrors.
        raise ModelFetchError.for_model(
            model_id, f"HuggingFace hub download failed: {type(exc).__name__}: {exc}"
        ) from exc


def _require_files(model_id: str, directory: Path) -> None:
    if not (directory / "config.json").is_file():
        raise ModelFetchError.for_model(model_id, f"no config.json in {directory}")
    if not any(next(directory.glob(pattern), None) for pattern in WEIGHT_PATTERNS):
        raise ModelFetchError.for_model(model_id, f"no weights (*.safetensors or *.bin) in {directory}")
