"""Run ``training_job.train`` as a subprocess, teeing its output to a log file, and read its metrics."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import deque
from pathlib import Path

from mlops.payloads import TrainingRequest

REASON_LINES = 20


class JobFailed(RuntimeError):
    """A job process exited non-zero; ``reason`` holds the last lines of its output."""

    def __init__(self, returncode: int, reason: str) -> None:
        super().__init__(f"job exited with code {returncode}")
        self.returncode = returncode
        self.reason = reason


def code_root() -> Path:
    """The folder that holds the ``training_job`` package (found without importing it)."""
    spec = importlib.util.find_spec("training_job")
    if spec is None or spec.origin is None:
        raise JobFailed(-1, "the training_job package is not importable")
    return Path(spec.origin).resolve().parent.parent


def job_command(
    request: TrainingRequest, base: Path, train: Path, evaluation: Path, out: Path, champion: Path | None = None
) -> list[str]:
    """The job's command line, exactly the training job contract (``champion``: the champion's weights, whose
    answers the job also writes)."""
    command = [
        sys.executable, "-u", "-m", "training_job.train",
        "--base-model-dir", str(base), "--train-file", str(train), "--eval-file", str(evaluation),
        "--output-dir", str(out), "--mode", request.mode, "--run-id", request.run_id,
        "--experiment-name", request.experiment_name,
    ]  # fmt: skip
    if request.max_steps is not None:
        command += ["--max-steps", str(request.max_steps)]
    if champion is not None:
        command += ["--champion-model-dir", str(champion)]
    return command


def run_training_job(
    request: TrainingRequest,
    base: Path,
    train: Path,
    evaluation: Path,
    out: Path,
    log_file: Path,
    champion: Path | None = None,
) -> dict[str, float]:
    """Run the job to completion, copying its output to stdout and ``log_file``; return OUT/metrics.json."""
    run_process(job_command(request, base, train, evaluation, out, champion), log_file)
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    return {str(key): float(value) for key, value in metrics.items()}


def run_process(command: list[str], log_file: Path) -> None:
    """Run a job's command to completion, copying its output to stdout and ``log_file``; JobFailed on exit != 0."""
    tail: deque[str] = deque(maxlen=REASON_LINES)
    # cwd is the code root so that relative settings (e.g. a sqlite MLflow URI) mean what they mean here.
    with (
        log_file.open("w", encoding="utf-8") as sink,
        subprocess.Popen(
            command, cwd=code_root(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        ) as process,
    ):
        assert process.stdout is not None  # guaranteed by stdout=PIPE
        for line in process.stdout:
            sink.write(line)
            sys.stdout.write(line)
            if line.strip():
                tail.append(line.rstrip())
    if process.returncode != 0:
        # A job that refuses its input says why on one "error: ..." line: that line is the reason.
        refused = next((line for line in reversed(tail) if line.startswith("error: ")), None)
        raise JobFailed(process.returncode, refused or "\n".join(tail))
