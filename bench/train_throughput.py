"""Benchmark: training_job's LoRA loop vs a plain transformers.Trainer + peft baseline (default settings).

Same model (the tiny Mistral-shaped model built from the shipped sample data), same examples
(chat-formatted, answer-only labels), same LoRA config, steps, batch size and seed. Each side runs
in its own subprocess, one after the other, so its peak RSS (``ru_maxrss``) is its own.
Tokens/s counts real (non-padding) tokens over the whole training call.
Each pair runs both sides (order alternating); the result is the median of the per-pair ratios with
its spread and the load (bench.pairs), refused (exit 2) when the spread is too wide; exit 1 when the
goal (>= 1.5x tokens/s at <= the baseline's peak RSS, every pair) is not met.
Run: .venv/bin/python -m bench.train_throughput [--steps 30] [--batch-size 8] [--rows 480] [--pairs 5]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.pairs import Pair, record_if_steady, run_pairs, summarize

DATA = Path(__file__).resolve().parents[1] / "data" / "datasets"
RESULTS = Path(__file__).resolve().parent / "results" / "train_throughput.json"
LORA_R, LORA_ALPHA, LORA_DROPOUT, TARGETS = 16, 32, 0.05, ("q_proj", "v_proj")
MAX_SEQ_LENGTH = 256
LEARNING_RATE = 2e-3
GOAL_RATIO = 1.5  # issue 17: ours >= 1.5x Trainer+peft tokens/s (median of the pairs)


def _rows(split: str, count: int) -> list[Any]:
    from training_job.data import load_rows

    rows = [row for path in sorted((DATA / split).glob("*.jsonl")) for row in load_rows(path, split)]
    random.Random(0).shuffle(rows)  # a prefix covers every domain
    return rows[:count]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _load(model_dir: str, rows: int) -> tuple[Any, Any, list[Any]]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training_job.prompts import encode_example

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    examples = [encode_example(tokenizer, row, MAX_SEQ_LENGTH) for row in _rows("train", rows)]
    return model, tokenizer, examples


def run_ours(model_dir: str, steps: int, batch_size: int, rows: int, seed: int) -> dict[str, Any]:
    """training_job.lora.train_lora: length-grouped batches, answer-only logits."""
    import torch

    from training_job.lora import LoraSettings, train_lora

    torch.manual_seed(seed)
    model, tokenizer, examples = _load(model_dir, rows)
    settings = LoraSettings(LORA_R, LORA_ALPHA, LORA_DROPOUT, TARGETS)
    started = time.perf_counter()
    result = train_lora(
        model, examples, settings, steps=steps, batch_size=batch_size, learning_rate=LEARNING_RATE,
        pad_id=tokenizer.pad_token_id, seed=seed, on_step=lambda step, loss: None,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    tokens = result.tokens_per_s * result.seconds
    return {"seconds": seconds, "tokens": tokens, "tokens_per_s": tokens / seconds, "final_loss": result.final_loss,
            "real_token_fraction": result.real_token_fraction, "peak_rss_mb": _peak_rss_mb()}  # fmt: skip


def run_baseline(model_dir: str, steps: int, batch_size: int, rows: int, seed: int) -> dict[str, Any]:
    """transformers.Trainer with default TrainingArguments + peft, DataCollatorForSeq2Seq padding."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import DataCollatorForSeq2Seq, Trainer, TrainingArguments

    torch.manual_seed(seed)
    model, tokenizer, examples = _load(model_dir, rows)
    config = LoraConfig(
        r=LORA_R, lora_alpha=LORA_ALPHA, lora_dropout=LORA_DROPOUT, target_modules=list(TARGETS), task_type="CAUSAL_LM"
    )
    peft_model = get_peft_model(model, config)
    dataset = [
        {"input_ids": e.input_ids, "labels": e.labels, "attention_mask": [1] * len(e.input_ids)} for e in examples
    ]
    padder = DataCollatorForSeq2Seq(tokenizer, padding=True, label_pad_token_id=-100)
    counts = {"tokens": 0, "positions": 0}

    def collate(features: list[dict[str, Any]]) -> dict[str, Any]:
        batch = padder(features)
        counts["tokens"] += int(batch["attention_mask"].sum())
        counts["positions"] += batch["attention_mask"].numel()
        return dict(batch)

    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out, max_steps=steps, per_device_train_batch_size=batch_size, learning_rate=LEARNING_RATE,
            seed=seed, report_to="none", save_strategy="no", logging_strategy="no", use_cpu=True,
        )  # fmt: skip
        trainer = Trainer(model=peft_model, args=args, train_dataset=dataset, data_collator=collate)
        started = time.perf_counter()
        output = trainer.train()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "tokens": counts["tokens"], "tokens_per_s": counts["tokens"] / seconds,
            "final_loss": float(output.training_loss), "real_token_fraction": counts["tokens"] / counts["positions"],
            "peak_rss_mb": _peak_rss_mb()}  # fmt: skip


def _side(name: str, model_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.train_throughput", "--worker", name, "--model-dir", str(model_dir),
               "--steps", str(args.steps), "--batch-size", str(args.batch_size), "--rows", str(args.rows),
               "--seed", str(args.seed), "--threads", str(args.threads)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _print_pair(pair: Pair) -> None:
    sides = "  ".join(
        f"{name} {side['tokens_per_s']:6.0f} tok/s {side['peak_rss_mb']:4.0f} MB" for name, side in pair.results.items()
    )
    print(f"pair: {sides}  ratio {pair.ratio:.2f}x  load {pair.load_before:.1f} -> {pair.load_after:.1f}", flush=True)


def _side_summary(pairs: list[Pair], name: str) -> dict[str, Any]:
    runs = [pair.results[name] for pair in pairs]
    return {"tokens_per_s_median": statistics.median(run["tokens_per_s"] for run in runs),
            "tokens_per_s": [run["tokens_per_s"] for run in runs],
            "peak_rss_mb_max": max(run["peak_rss_mb"] for run in runs),
            "real_token_fraction": runs[0]["real_token_fraction"],
            "final_loss": [run["final_loss"] for run in runs]}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--rows", type=int, default=480)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pairs", type=int, default=5, help="interleaved (baseline, ours) pairs, at least 5")
    parser.add_argument("--max-iqr", type=float, default=0.15, help="refuse when the ratios' IQR exceeds this share")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads per side (1: two OpenMP threads stall on each other when others load "
                             "a shared 2-core machine)")  # fmt: skip
    parser.add_argument("--worker", choices=("ours", "baseline"))
    parser.add_argument("--model-dir", type=Path)
    args = parser.parse_args(argv)
    if args.worker:
        import torch

        torch.set_num_threads(args.threads)
        run = run_ours if args.worker == "ours" else run_baseline
        print(json.dumps(run(str(args.model_dir), args.steps, args.batch_size, args.rows, args.seed)))
        return 0

    from mlops.models import build_tiny_model

    blas = {name: os.environ.get(name, "unset") for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(f"torch threads per side {args.threads}  {'  '.join(f'{k}={v}' for k, v in blas.items())}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = [text for row in _rows("train", 10_000) for text in (row.question, row.context, row.answer)]
        model_dir = build_tiny_model(Path(tmp) / "tiny", corpus, seed=args.seed)
        sides = {name: functools.partial(_side, name, model_dir, args) for name in ("baseline", "ours")}
        pairs = run_pairs(args.pairs, sides, lambda r: r["ours"]["tokens_per_s"] / r["baseline"]["tokens_per_s"],
                          on_pair=_print_pair)  # fmt: skip
    summary = summarize(pairs)
    memory = [pair.results["ours"]["peak_rss_mb"] / pair.results["baseline"]["peak_rss_mb"] for pair in pairs]
    report = {
        "model": "tiny Mistral-shaped (hidden 256, 4 layers, vocab 2048), fp32, CPU",
        "settings": {"steps": args.steps, "batch_size": args.batch_size, "rows": args.rows, "seed": args.seed,
                     "max_seq_length": MAX_SEQ_LENGTH, "lora_r": LORA_R, "lora_alpha": LORA_ALPHA,
                     "lora_dropout": LORA_DROPOUT, "target_modules": list(TARGETS), "pairs": args.pairs},
        "environment": {"torch_threads": args.threads, **blas},
        "baseline": _side_summary(pairs, "baseline"),
        "ours": _side_summary(pairs, "ours"),
        "tokens_per_s_ratio": summary.as_dict(),
        "peak_rss_ratio_max": max(memory),
        "pairs": [{"ratio": p.ratio, "load_before": p.load_before, "load_after": p.load_after} for p in pairs],
    }  # fmt: skip
    print(summary.line("tokens/s ratio"))
    print(f"peak RSS ratio (ours / baseline, per pair) max {max(memory):.2f}")
    if not record_if_steady(summary, args.max_iqr, report, RESULTS):
        return 2
    met = summary.median >= GOAL_RATIO and max(memory) <= 1.0
    print(f"goal (>= {GOAL_RATIO}x tokens/s at <= the baseline's peak RSS): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
