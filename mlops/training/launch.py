"""Start the local runner detached, the way submitting an Azure ML job returns before the job runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mlops.node_queue import new_ticket, pid_alive
from mlops.payloads import ScoringRequest, StagingPlan, TrainingRequest
from mlops.settings import JOB_MAX_NODES
from mlops.training.job_process import code_root


def job_name(job: TrainingRequest) -> str:
    """The local job's name, stable per run and mode (what the audit trail records)."""
    return f"local-{job.mode}-{job.run_id}"


def jobs_dir(model_cache_dir: Path) -> Path:
    """Where detached jobs write their logs: ``MODEL_CACHE_DIR/../jobs``."""
    return model_cache_dir.resolve().parent / "jobs"


def runner_command(job: TrainingRequest) -> list[str]:
    """The local runner's command line for ``job``."""
    command = [
        sys.executable, "-m", "mlops.training.local_runner", "--run-id", job.run_id,
        "--base-model", job.base_model_uri, "--dataset-train", job.train_uri, "--dataset-eval", job.eval_uri,
        "--mode", job.mode, "--experiment-name", job.experiment_name,
    ]  # fmt: skip
    if job.max_steps is not None:
        command += ["--max-steps", str(job.max_steps)]
    if job.champion_model_uri is not None:
        command += ["--champion-model", job.champion_model_uri]
    return command


def staging_command(run_id: str, model_id: str, plan: StagingPlan) -> list[str]:
    """The job runner's command line that stages ``model_id`` at ``plan.uri``."""
    return [
        sys.executable, "-m", "mlops.training.job_runner", "stage", "--run-id", run_id,
        "--model-id", model_id, "--target", plan.uri,
    ]  # fmt: skip


def scoring_command(job: ScoringRequest) -> list[str]:
    """The job runner's command line that scores the predictions' batches."""
    command = [
        sys.executable, "-m", "mlops.training.job_runner", "score", "--run-id", job.run_id,
        "--predictions", job.predictions_uri,
    ]  # fmt: skip
    for rows in job.batches:
        command += ["--batch", f"{rows.start}:{rows.stop}"]
    for name in job.judge_metrics:
        command += ["--judge-metric", name]
    if job.champion_predictions_uri is not None:
        command += ["--champion-predictions", job.champion_predictions_uri]
    return command


def launch_local_training(job: TrainingRequest, *, model_cache_dir: Path, nodes: int = JOB_MAX_NODES.default) -> str:
    """Spawn the training runner detached; see launch_detached."""
    command = runner_command(job)
    return launch_detached(job_name(job), job.run_id, command, model_cache_dir=model_cache_dir, nodes=nodes)


def launch_detached(
    name: str, run_id: str, command: list[str], *, model_cache_dir: Path, nodes: int = JOB_MAX_NODES.default
) -> str:
    """Queue a runner for one of ``nodes`` local nodes (mlops.node_queue) in its own session (it
    outlives the caller), logging to jobs/<run_id>.log; return ``name``.

    Idempotent while the job waits or runs: a re-run of the submit activity (at-least-once delivery)
    finds the live process through its pid file and starts nothing.
    """
    directory = jobs_dir(model_cache_dir)
    directory.mkdir(parents=True, exist_ok=True)
    pid_file = directory / f"{name}.pid"
    if _alive(pid_file):
        return name
    queued = [
        sys.executable, "-m", "mlops.node_queue", "--jobs-dir", str(directory), "--nodes", str(nodes),
        "--ticket", new_ticket(directory, name, run_id), "--", *command,
    ]  # fmt: skip
    with (directory / f"{run_id}.log").open("ab") as log_file:
        process = subprocess.Popen(
            queued,
            cwd=code_root(),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pid_file.write_text(str(process.pid))
    return name


def _alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text())
    except (FileNotFoundError, ValueError):
        return False
    return pid_alive(pid)
