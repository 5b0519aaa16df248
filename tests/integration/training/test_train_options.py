"""train.py's loop options on the tiny model: eval split with eval loss per step, early stopping,
gradient accumulation and the memory / padding metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from mlflow import MlflowClient
from peft import get_peft_model_state_dict
from transformers import AutoModelForCausalLM, AutoTokenizer

from training_job.data import load_rows
from training_job.lora import LoraSettings, TrainOptions, train_lora
from training_job.prompts import encode_example
from training_job.train import main as train_main


def test_early_stopping_stops_once_the_eval_loss_stops_improving(tiny_model_dir: Path, data_dir: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    examples = [encode_example(tokenizer, row, 96) for row in load_rows(data_dir / "train.jsonl", "train")]
    evals: list[tuple[int, float]] = []
    result = train_lora(
        model, examples[4:], LoraSettings(8, 16, 0.0, ("q_proj",)), steps=10, batch_size=4, learning_rate=0.0,
        pad_id=tokenizer.pad_token_id, seed=0, on_step=lambda step, loss: None,
        options=TrainOptions(grad_accumulation=2, eval_examples=examples[:4], eval_every=1, patience=2),
        on_eval=lambda step, loss: evals.append((step, loss)),
    )  # fmt: skip
    # lr 0: the eval loss never improves after the first eval, so 2 stale evals stop the run at step 3.
    assert result.steps == 3 and [step for step, _ in evals] == [1, 2, 3]
    assert result.best_eval_loss == evals[0][1]


def test_a_resumed_run_ends_with_the_adapter_of_an_uninterrupted_one(
    tiny_model_dir: Path, data_dir: Path, tmp_path: Path
) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    examples = [encode_example(tokenizer, row, 96) for row in load_rows(data_dir / "train.jsonl", "train")]

    def train(steps: int, folder: Path, resume: bool, init_seed: int = 0) -> dict[str, torch.Tensor]:
        torch.manual_seed(init_seed)  # the LoRA init
        model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
        result = train_lora(
            model, examples, LoraSettings(8, 16, 0.0, ("q_proj", "v_proj")), steps=steps, batch_size=4,
            learning_rate=1e-2, pad_id=tokenizer.pad_token_id, seed=0, on_step=lambda step, loss: None,
            options=TrainOptions(checkpoint_dir=folder, save_every=2, resume=resume),
        )  # fmt: skip
        assert result.steps == steps
        return dict(get_peft_model_state_dict(result.model))

    uninterrupted = train(4, tmp_path / "a", resume=False)
    train(2, tmp_path / "b", resume=False)  # "interrupted" after the step-2 checkpoint
    # Another init: only the checkpoint's adapter and optimiser state can make it match.
    resumed = train(4, tmp_path / "b", resume=True, init_seed=1)
    assert (tmp_path / "b" / "lora_checkpoint.pt").is_file()
    assert uninterrupted.keys() == resumed.keys()
    assert all(torch.allclose(uninterrupted[key], resumed[key], atol=1e-6) for key in resumed)
    assert any(bool(value.abs().sum() > 0) for key, value in resumed.items() if "lora_B" in key)


def test_eval_split_logs_eval_loss_per_step_and_memory_metrics(
    tiny_model_dir: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    out = tmp_path / "out"
    argv = [
        "--base-model-dir", str(tiny_model_dir), "--train-file", str(data_dir / "train.jsonl"),
        "--eval-file", str(data_dir / "eval.jsonl"), "--output-dir", str(out), "--max-steps", "4",
        "--batch-size", "4", "--max-new-tokens", "4", "--max-seq-length", "96", "--eval-fraction", "0.25",
        "--eval-every", "2", "--grad-accumulation", "2", "--experiment-name", "exp-options",
    ]  # fmt: skip
    assert train_main(argv) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["train_steps"] == 4 and metrics["peak_rss_mb"] > 0
    assert 0.9 < metrics["real_token_fraction"] <= 1.0 and metrics["best_step_eval_loss"] > 0
    client = MlflowClient(f"sqlite:///{out / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("exp-options")
    assert experiment is not None
    [run] = client.search_runs([experiment.experiment_id])
    assert [m.step for m in client.get_metric_history(run.info.run_id, "step_eval_loss")] == [2, 4]
    assert run.data.params["grad_accumulation"] == "2"
