"""The training job: LoRA fine-tune a base model, merge and save it, then answer the eval set.

    python -m training_job.train --base-model-dir DIR --train-file F --eval-file F --output-dir DIR
        [--mode finetune|generate] [--max-steps N] [--batch-size N] [--lora-r N] [--run-id ID] ...

Writes OUTPUT/adapter and OUTPUT/finetuned (finetune only; both also MLflow artifacts), OUTPUT/predictions.jsonl
and OUTPUT/metrics.json; logs to MLflow (see tracking.py). Exit code 2 on bad inputs (message on stderr), 1 on
any other failure.
Pure local paths: this directory is the Azure ML job's code and never imports ``mlops``.
"""

from __future__ import annotations

import json
import math
import random
import resource
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from training_job import tracking
from training_job.config import JobConfig, parse_config
from training_job.data import QARow, TrainingInputError, load_rows, write_jsonl
from training_job.generate import generate_answers
from training_job.lora import LoraSettings, TrainOptions, eval_loss, train_lora
from training_job.prompts import encode_example

FINETUNED_DIR = "finetuned"
ADAPTER_DIR = "adapter"
PREDICTIONS_FILE = "predictions.jsonl"
CHAMPION_DIR = "champion"  # the champion's answers, when asked for (mlops.champion reads them there)
METRICS_FILE = "metrics.json"
CHECKPOINT_DIR = "checkpoint"


def _load(model_dir: Path) -> tuple[Any, Any]:
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model: Any = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    if torch.cuda.is_available():  # fp32 master weights; the loop autocasts to bf16/fp16 there
        model = model.to(torch.device("cuda"))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


def _finetune(config: JobConfig, model: Any, tokenizer: Any, rows: Sequence[QARow]) -> tuple[Any, dict[str, float]]:
    """Train LoRA adapters, save them to OUTPUT/adapter, merge them and save the merged model + tokenizer
    to OUTPUT/finetuned; both are logged to the MLflow run."""
    examples = [encode_example(tokenizer, row, config.max_seq_length) for row in rows]
    held_out = int(len(examples) * config.eval_fraction)
    if held_out:  # a seeded eval split of the train rows, for eval loss per step and early stopping
        random.Random(config.seed).shuffle(examples)
        examples, eval_split = examples[held_out:], examples[:held_out]
    else:
        eval_split = []
    options = TrainOptions(
        config.grad_accumulation, eval_split, config.eval_every, config.patience, config.gradient_checkpointing,
        config.output_dir / CHECKPOINT_DIR, config.save_every, config.resume,
    )  # fmt: skip
    settings = LoraSettings(
        config.lora_r, config.lora_alpha, config.lora_dropout, config.target_modules, config.lora_layers
    )
    result = train_lora(
        model, examples, settings, steps=config.max_steps, batch_size=config.batch_size,
        learning_rate=config.learning_rate, pad_id=tokenizer.pad_token_id, seed=config.seed,
        on_step=tracking.log_step, options=options, on_eval=tracking.log_eval_step,
    )  # fmt: skip
    result.model.save_pretrained(config.output_dir / ADAPTER_DIR)  # the adapter alone, before merging it away
    merged = result.model.merge_and_unload()
    merged.save_pretrained(config.output_dir / FINETUNED_DIR)
    tokenizer.save_pretrained(config.output_dir / FINETUNED_DIR)
    tracking.log_model_dirs(config.output_dir / ADAPTER_DIR, config.output_dir / FINETUNED_DIR)
    metrics = {
        "train_loss": result.final_loss,
        "train_seconds": result.seconds,
        "tokens_per_s": result.tokens_per_s,
        "real_token_fraction": result.real_token_fraction,
        "train_steps": float(result.steps),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if torch.cuda.is_available():
        metrics["peak_gpu_memory_mb"] = torch.cuda.max_memory_allocated() / 2**20
    if not math.isnan(result.best_eval_loss):
        metrics["best_step_eval_loss"] = result.best_eval_loss
    return merged, metrics


def _answer_as_champion(config: JobConfig, model_dir: Path, rows: Sequence[QARow]) -> float:
    """The champion's answers to the same eval rows, with the same generation settings, to
    OUTPUT/champion/predictions.jsonl (it has no scores on this eval set yet); return the seconds it took."""
    model, tokenizer = _load(model_dir)
    generated = generate_answers(
        model, tokenizer, rows, max_length=config.max_seq_length,
        max_new_tokens=config.max_new_tokens, batch_size=config.generation_batch_size,
    )  # fmt: skip
    (config.output_dir / CHAMPION_DIR).mkdir(parents=True, exist_ok=True)
    write_jsonl(config.output_dir / CHAMPION_DIR / PREDICTIONS_FILE, generated.rows)
    return generated.seconds


def run(config: JobConfig) -> dict[str, float]:
    """Execute the job described by ``config`` and return its final metrics."""
    eval_rows = load_rows(config.eval_file, "eval")
    # Bad datasets fail before the (slow) model load; parse_config requires --train-file for finetune.
    train_rows = load_rows(config.train_file, "train") if config.mode == "finetune" and config.train_file else []
    torch.manual_seed(config.seed)
    model, tokenizer = _load(config.base_model_dir)
    with tracking.tracked_run(config.output_dir, config.experiment_name, config.run_id, config.params()):
        metrics: dict[str, float] = {}
        examples = [encode_example(tokenizer, row, config.max_seq_length) for row in eval_rows]
        if config.mode == "finetune":  # the base model's loss on the same rows: did fine-tuning help?
            base_loss = eval_loss(model, examples, config.generation_batch_size, tokenizer.pad_token_id)
            model, metrics = _finetune(config, model, tokenizer, train_rows)
            metrics["base_eval_loss"] = base_loss
        loss = eval_loss(model, examples, config.generation_batch_size, tokenizer.pad_token_id)
        metrics.update(eval_loss=loss, perplexity=math.exp(min(loss, 50.0)))
        generated = generate_answers(
            model, tokenizer, eval_rows, max_length=config.max_seq_length,
            max_new_tokens=config.max_new_tokens, batch_size=config.generation_batch_size,
        )  # fmt: skip
        write_jsonl(config.output_dir / PREDICTIONS_FILE, generated.rows)
        metrics.update(generation_seconds=generated.seconds)
        if config.champion_model_dir is not None:
            del model
            seconds = _answer_as_champion(config, config.champion_model_dir, eval_rows)
            metrics.update(champion_generation_seconds=seconds)
        tracking.log_metrics(metrics)
    (config.output_dir / METRICS_FILE).write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    return metrics


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: run the job, print its metrics; bad inputs print ``error: ...`` and return 2."""
    try:
        config = parse_config(argv)
        config.output_dir.mkdir(parents=True, exist_ok=True)
        metrics = run(config)
    except TrainingInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
