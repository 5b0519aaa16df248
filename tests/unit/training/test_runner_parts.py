"""The local runner's pure parts: its options and the job's command line (the contract's CLI)."""

from __future__ import annotations

from pathlib import Path

from mlops.payloads import TrainingRequest
from mlops.training.job_process import code_root, job_command
from mlops.training.local_runner import _parser


def test_runner_accepts_both_option_spellings() -> None:
    args = ["--run-id", "r1", "--base-model", "blob://model-outputs/base/tiny", "--mode", "generate"]
    short = vars(_parser().parse_args([*args, "--train", "blob://datasets/t", "--eval", "blob://datasets/e"]))
    long = vars(
        _parser().parse_args([*args, "--dataset-train", "blob://datasets/t", "--dataset-eval", "blob://datasets/e"])
    )
    assert short == long
    assert TrainingRequest.model_validate(short).eval_uri == "blob://datasets/e"


def test_job_command_follows_the_contract(tmp_path: Path) -> None:
    request = TrainingRequest(
        run_id="r1", mode="finetune", base_model_uri="blob://model-outputs/base/tiny",
        train_uri="blob://datasets/train/t.jsonl", eval_uri="blob://datasets/eval/e.jsonl",
        experiment_name="exp", max_steps=3,
    )  # fmt: skip
    command = job_command(request, tmp_path / "b", tmp_path / "t", tmp_path / "e", tmp_path / "o")
    assert command[2:4] == ["-m", "training_job.train"]
    pairs = dict(zip(command[4::2], command[5::2], strict=True))
    assert pairs["--base-model-dir"] == str(tmp_path / "b") and pairs["--max-steps"] == "3"
    assert pairs["--run-id"] == "r1" and pairs["--experiment-name"] == "exp" and pairs["--mode"] == "finetune"
    assert (code_root() / "training_job" / "train.py").is_file()
