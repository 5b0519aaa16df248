"""The staging job: put a loadable snapshot of a base model (HuggingFace id or local directory) in a directory.

    python -m training_job.stage --model-id ID --output-dir DIR

Runs where the model's size is no problem (an Azure ML job writing to the ``model-outputs`` datastore, or the
local runner, which uploads DIR to Blob): a 7B model's ~14 GB never pass through a Function instance. The
token for gated models is read from the environment (HF_TOKEN), never from the command line. Exit code 2 when
the model cannot be fetched or does not load (message on stderr). Never imports ``mlops``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

ALLOW_PATTERNS = ["*.json", "*.safetensors", "*.bin", "*.model", "tokenizer*"]
WEIGHT_PATTERNS = ("*.safetensors", "*.bin")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


class StagingError(Exception):
    """A base model could not be fetched or is not a loadable model; the message names it and says why."""

    def __init__(self, model_id: str, reason: str) -> None:
        super().__init__(f"cannot fetch base model {model_id!r}: {reason}")
        self.model_id = model_id


def fetch_base_model(model_id: str, dest_dir: Path, *, hf_token: str | None = None) -> Path:
    """Put a loadable snapshot of ``model_id`` in ``dest_dir`` and return it, or raise StagingError."""
    from transformers import AutoConfig

    local = Path(model_id).expanduser()
    if local.is_dir():
        _require_files(model_id, local)
        shutil.copytree(local, dest_dir, dirs_exist_ok=True)
    elif "://" in model_id or not _HUB_ID.match(model_id):
        raise StagingError(model_id, "not a HuggingFace id nor an existing local directory")
    else:
        _download(model_id, dest_dir, hf_token)
    _require_files(model_id, dest_dir)
    try:
        AutoConfig.from_pretrained(dest_dir)
    except (OSError, ValueError, KeyError) as exc:
        raise StagingError(model_id, f"config.json does not load as a transformers config ({exc})") from exc
    return dest_dir


def _download(model_id: str, dest_dir: Path, hf_token: str | None) -> None:
    from huggingface_hub import snapshot_download

    try:
        snapshot_download(model_id, local_dir=dest_dir, allow_patterns=ALLOW_PATTERNS, token=hf_token)
    except (OSError, ValueError) as exc:
        # Hub errors are OSErrors (offline, unreachable, not found, gated); invalid ids are ValueErrors.
        raise StagingError(model_id, f"HuggingFace hub download failed: {type(exc).__name__}: {exc}") from exc


def _require_files(model_id: str, directory: Path) -> None:
    if not (directory / "config.json").is_file():
        raise StagingError(model_id, f"no config.json in {directory}")
    if not any(next(directory.glob(pattern), None) for pattern in WEIGHT_PATTERNS):
        raise StagingError(model_id, f"no weights (*.safetensors or *.bin) in {directory}")


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: stage the model; a model that cannot be staged prints ``error: ...`` and returns 2."""
    parser = argparse.ArgumentParser(prog="python -m training_job.stage", description="Stage a base model.")
    parser.add_argument("--model-id", required=True, help="HuggingFace id or local directory")
    parser.add_argument("--output-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        fetch_base_model(args.model_id, args.output_dir, hf_token=os.environ.get("HF_TOKEN") or None)
    except StagingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"staged {args.model_id} in {args.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
