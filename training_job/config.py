"""The job's command line, parsed into a validated, frozen JobConfig."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from training_job.data import TrainingInputError


@dataclass(frozen=True)
class JobConfig:
    base_model_dir: Path
    train_file: Path | None
    eval_file: Path
    output_dir: Path
    mode: str
    max_steps: int
    batch_size: int
    learning_rate: float
    lora_r: int
    lora_alpha: int
    lora_dropout: float
    target_modules: tuple[str, ...]
    lora_layers: int
    max_seq_length: int
    max_new_tokens: int
    generation_batch_size: int
    seed: int
    grad_accumulation: int
    eval_fraction: float
    eval_every: int
    patience: int
    gradient_checkpointing: bool
    save_every: int
    resume: bool
    run_id: str
    experiment_name: str
    champion_model_dir: Path | None = None  # also answer the eval set with this model (OUTPUT/champion/)

    def params(self) -> dict[str, Any]:
        """Flat, string-friendly parameters for MLflow."""
        return {key: ",".join(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training_job.train", description="LoRA fine-tune + generate.")
    p.add_argument("--base-model-dir", type=Path, required=True)
    p.add_argument("--train-file", type=Path, help="required for --mode finetune")
    p.add_argument("--eval-file", type=Path, required=True)
    p.add_argument("--output-dir", type=Path, required=True)
    p.add_argument("--mode", choices=("finetune", "generate"), default="finetune")
    p.add_argument("--max-steps", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--learning-rate", type=float, default=2e-3)
    p.add_argument("--lora-r", type=int, default=16)
    p.add_argument("--lora-alpha", type=int, default=32)
    p.add_argument("--lora-dropout", type=float, default=0.05)
    p.add_argument("--target-modules", default="q_proj,v_proj", help="comma-separated module names")
    p.add_argument("--lora-layers", type=int, default=0, help="adapt only the last N layers (0: all)")
    p.add_argument("--max-seq-length", type=int, default=256)
    p.add_argument("--max-new-tokens", type=int, default=24)
    p.add_argument("--generation-batch-size", type=int, default=16)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--grad-accumulation", type=int, default=1, help="micro-batches per optimiser step")
    p.add_argument("--eval-fraction", type=float, default=0.0, help="train rows held out for eval loss per step")
    p.add_argument("--eval-every", type=int, default=5, help="steps between held-out evals (with --eval-fraction)")
    p.add_argument("--patience", type=int, default=0, help="early stop after N evals without improvement (0: off)")
    p.add_argument("--gradient-checkpointing", action="store_true", help="recompute activations (large models)")
    p.add_argument("--save-every", type=int, default=0, help="steps between checkpoints in OUTPUT/checkpoint (0: off)")
    p.add_argument("--resume", action="store_true", help="continue from OUTPUT/checkpoint when it holds one")
    p.add_argument("--run-id", default="local")
    p.add_argument("--experiment-name", default="mlops-training")
    p.add_argument("--champion-model-dir", type=Path, help="also write the champion's answers to OUTPUT/champion/")
    return p


def parse_config(argv: Sequence[str] | None = None) -> JobConfig:
    """Parse and validate ``argv``; raise TrainingInputError on values the job cannot run with."""
    args = vars(_parser().parse_args(argv))
    args["target_modules"] = tuple(name.strip() for name in args["target_modules"].split(",") if name.strip())
    config = JobConfig(**args)
    positive = ("max_steps", "batch_size", "lora_r", "lora_alpha", "max_new_tokens", "generation_batch_size",
                "grad_accumulation", "eval_every")  # fmt: skip
    for name in positive:
        if getattr(config, name) <= 0:
            raise TrainingInputError(f"--{name.replace('_', '-')} must be positive, got {getattr(config, name)}")
    if config.max_seq_length < 32 or config.max_new_tokens >= config.max_seq_length:
        raise TrainingInputError("--max-seq-length must be >= 32 and larger than --max-new-tokens")
    if not 0.0 <= config.eval_fraction < 0.5 or config.patience < 0 or config.save_every < 0:
        raise TrainingInputError("--eval-fraction must be in [0, 0.5), --patience and --save-every >= 0")
    if config.lora_layers < 0:
        raise TrainingInputError(f"--lora-layers must be >= 0, got {config.lora_layers}")
    if not 0.0 <= config.lora_dropout < 1.0 or config.learning_rate <= 0:
        raise TrainingInputError("--lora-dropout must be in [0, 1) and --learning-rate positive")
    if not config.target_modules:
        raise TrainingInputError("--target-modules must name at least one module")
    if config.mode == "finetune" and config.train_file is None:
        raise TrainingInputError("--train-file is required with --mode finetune")
    if not (config.base_model_dir / "config.json").is_file():
        raise TrainingInputError(f"--base-model-dir has no config.json: {config.base_model_dir}")
    return config
