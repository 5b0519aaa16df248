"""Submitting the same local job twice while it runs starts one process (at-least-once activities)."""

import os

from mlops.payloads import TrainingRequest
from mlops.training.launch import job_name, jobs_dir, launch_local_training

REQUEST = TrainingRequest(
    run_id="run-1", mode="finetune", base_model_uri="blob://model-outputs/base/m", train_uri="blob://datasets/t.jsonl",
    eval_uri="blob://datasets/e.jsonl", experiment_name="exp",
)  # fmt: skip


def test_a_live_job_is_not_launched_again(tmp_path):
    cache = tmp_path / "models"
    directory = jobs_dir(cache)
    directory.mkdir(parents=True)
    (directory / f"{job_name(REQUEST)}.pid").write_text(str(os.getpid()))
    assert launch_local_training(REQUEST, model_cache_dir=cache) == job_name(REQUEST)
    assert not (directory / "run-1.log").exists()


def test_a_dead_pid_file_does_not_block_a_launch(tmp_path, monkeypatch):
    cache = tmp_path / "models"
    directory = jobs_dir(cache)
    directory.mkdir(parents=True)
    pid_file = directory / f"{job_name(REQUEST)}.pid"
    pid_file.write_text("999999999")
    monkeypatch.setattr("mlops.training.launch.runner_command", lambda job: ["true"])
    launch_local_training(REQUEST, model_cache_dir=cache)
    assert pid_file.read_text() != "999999999" and (directory / "run-1.log").exists()
