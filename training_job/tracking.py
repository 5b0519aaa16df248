"""MLflow tracking of the job: MLFLOW_TRACKING_URI when set, else a local SQLite store under the output dir.

Azure ML sets MLFLOW_TRACKING_URI (and MLFLOW_RUN_ID for the job's own run) in the job's
environment; a local run without the variable still records everything, in
``<output-dir>/mlflow.db`` (MLflow 3 refuses the plain file store), and says so on stderr.
On a SQLite store the run's artifacts go to ``artifacts/`` next to the database (experiments.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mlflow

from training_job.experiments import experiment_id

LOCAL_DB = "mlflow.db"
ADAPTER_ARTIFACT = "adapter"  # artifact paths in the MLflow run
MODEL_ARTIFACT = "merged_model"


def tracking_uri(output_dir: Path) -> str:
    """The tracking URI to use: the environment's, or SQLite under ``output_dir``."""
    configured = os.environ.get("MLFLOW_TRACKING_URI")
    if configured:
        return configured
    fallback = f"sqlite:///{(output_dir / LOCAL_DB).resolve()}"
    print(f"MLFLOW_TRACKING_URI is not set: tracking to {fallback}", file=sys.stderr)
    return fallback


@contextmanager
def tracked_run(output_dir: Path, experiment: str, run_id: str, params: Mapping[str, Any]) -> Iterator[str]:
    """Open the MLflow run for ``run_id`` (named after it, tagged ``run_id``) with ``params`` logged."""
    uri = tracking_uri(output_dir)
    mlflow.set_tracking_uri(uri)
    if os.environ.get("MLFLOW_RUN_ID"):  # Azure ML opened the job's run in its experiment already
        active = mlflow.start_run()
    else:
        active = mlflow.start_run(
            experiment_id=experiment_id(mlflow.MlflowClient(uri), experiment, uri), run_name=run_id
        )
    with active as run:
        mlflow.set_tags({"run_id": run_id, "mlops.component": "training_job"})
        mlflow.log_params(dict(params))
        yield run.info.run_id


def log_step(step: int, loss: float) -> None:
    """Record the training loss of one optimiser step (MLflow and the job's log)."""
    mlflow.log_metric("train_loss", loss, step=step)
    print(f"step {step} train_loss {loss:.4f}", flush=True)


def log_eval_step(step: int, loss: float) -> None:
    """Record the held-out eval loss at one optimiser step."""
    mlflow.log_metric("step_eval_loss", loss, step=step)
    print(f"step {step} eval_loss {loss:.4f}", flush=True)


def log_metrics(metrics: Mapping[str, float]) -> None:
    """Record the final metrics; train_loss is left out as it already has its per-step history."""
    mlflow.log_metrics({key: value for key, value in metrics.items() if key != "train_loss"})


def log_model_dirs(adapter_dir: Path, merged_dir: Path) -> None:
    """Record the LoRA adapter and the merged model (weights + tokenizer) as the run's artifacts."""
    mlflow.log_artifacts(str(adapter_dir), ADAPTER_ARTIFACT)
    mlflow.log_artifacts(str(merged_dir), MODEL_ARTIFACT)
