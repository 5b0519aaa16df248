"""training_job.train on the tiny model: merged model, predictions, MLflow records and artifacts; clear failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mlflow import MlflowClient
from transformers import AutoModelForCausalLM, AutoTokenizer

from training_job.train import main as train_main


def _job(model: Path, data: Path, out: Path, *extra: str) -> list[str]:
    return [
        "--base-model-dir", str(model), "--train-file", str(data / "train.jsonl"),
        "--eval-file", str(data / "eval.jsonl"), "--output-dir", str(out),
        "--max-steps", "3", "--batch-size", "4", "--max-new-tokens", "4", "--max-seq-length", "96", *extra,
    ]  # fmt: skip


def test_finetune_writes_a_loadable_merged_model_predictions_and_mlflow_run(
    tiny_model_dir: Path, data_dir: Path, tmp_path: Path
) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    command = [sys.executable, "-m", "training_job.train", *_job(tiny_model_dir, data_dir, tmp_path / "out")]
    command += ["--run-id", "run-42", "--experiment-name", "exp-train"]
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    merged = tmp_path / "out" / "finetuned"
    model = AutoModelForCausalLM.from_pretrained(merged)
    assert not any("lora" in name for name, _ in model.named_parameters())
    assert AutoTokenizer.from_pretrained(merged).eos_token == "<|im_end|>"
    rows = [json.loads(line) for line in (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()]
    assert len(rows) == 5 and set(rows[0]) == {"question", "context", "reference", "response"}
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("exp-train")
    assert experiment is not None
    [run] = client.search_runs([experiment.experiment_id])
    assert run.info.run_name == "run-42" and run.data.tags["run_id"] == "run-42"
    assert {"eval_loss", "perplexity", "tokens_per_s"} <= set(run.data.metrics)
    assert [m.step for m in client.get_metric_history(run.info.run_id, "train_loss")] == [1, 2, 3]
    assert run.data.params["lora_r"] == "16" and run.data.params["target_modules"] == "q_proj,v_proj"
    assert run.data.metrics["base_eval_loss"] > 0


def test_finetune_logs_the_adapter_and_a_loadable_merged_model_next_to_the_store(
    tiny_model_dir: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store / 'mlflow.db'}")
    monkeypatch.chdir(tmp_path)  # MLflow's default root would be ./mlruns here
    assert train_main([*_job(tiny_model_dir, data_dir, tmp_path / "out"), "--experiment-name", "exp-artifacts"]) == 0
    client = MlflowClient(f"sqlite:///{store / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("exp-artifacts")
    assert experiment is not None and experiment.artifact_location == (store / "artifacts").as_uri()
    [run] = client.search_runs([experiment.experiment_id])
    assert {a.path for a in client.list_artifacts(run.info.run_id)} == {"adapter", "merged_model"}
    adapter = {a.path for a in client.list_artifacts(run.info.run_id, "adapter")}
    assert {"adapter/adapter_config.json", "adapter/adapter_model.safetensors"} <= adapter
    local = Path(client.download_artifacts(run.info.run_id, "merged_model", str(tmp_path / "download")))
    assert local.is_relative_to(tmp_path / "download")
    model = AutoModelForCausalLM.from_pretrained(local)
    assert model.config.model_type == "mistral" and not any("lora" in name for name, _ in model.named_parameters())
    assert AutoTokenizer.from_pretrained(local).eos_token == "<|im_end|>"
    assert not (tmp_path / "mlruns").exists()


def test_generate_mode_only_predicts_with_the_base_model(
    tiny_model_dir: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    out = tmp_path / "out"
    assert train_main([*_job(tiny_model_dir, data_dir, out), "--mode", "generate"]) == 0
    assert not (out / "finetuned").exists()
    assert len((out / "predictions.jsonl").read_text().splitlines()) == 5
    assert (out / "mlflow.db").is_file()  # the documented fallback: a local SQLite store in the output dir
    assert set(json.loads((out / "metrics.json").read_text())) == {
        "eval_loss",
        "perplexity",
        "generation_seconds",
    }


def test_bad_jsonl_line_exits_non_zero_naming_the_line(tiny_model_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "data"
    bad.mkdir()
    (bad / "train.jsonl").write_text((data_dir / "train.jsonl").read_text())
    (bad / "eval.jsonl").write_text('{"question": "q", "context": "c", "answer": "a"}\n{"question": oops}\n')
    command = [sys.executable, "-m", "training_job.train", *_job(tiny_model_dir, bad, tmp_path / "out")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 2
    assert f"error: {bad / 'eval.jsonl'}:2: not valid JSON" in done.stderr


def test_empty_and_missing_inputs_fail_clearly(
    tiny_model_dir: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "train.jsonl").write_text("\n")
    (empty / "eval.jsonl").write_text((data_dir / "eval.jsonl").read_text())
    assert train_main(_job(tiny_model_dir, empty, tmp_path / "out")) == 2
    assert "train dataset is empty" in capsys.readouterr().err
    assert train_main(_job(tiny_model_dir, tmp_path / "nowhere", tmp_path / "out")) == 2
    assert "eval file not found" in capsys.readouterr().err


def test_lora_targets_missing_from_the_model_fail_clearly(
    tiny_model_dir: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert train_main([*_job(tiny_model_dir, data_dir, tmp_path / "out"), "--target-modules", "c_attn"]) == 2
    assert "LoRA does not apply to this model" in capsys.readouterr().err
