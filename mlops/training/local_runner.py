"""Local stand-in for "Azure ML job + Event Grid": download inputs, run train.py, upload, publish one event.

    python -m mlops.training.local_runner --run-id ID --base-model blob://model-outputs/base/<slug>
        --dataset-train blob://datasets/train/x.jsonl --dataset-eval blob://datasets/eval/x.jsonl
        --mode finetune|generate [--max-steps N] [--experiment-name NAME] [--champion-model blob://...]

Environment: BLOB_CONNECTION_STRING, ServiceBusConnection, SERVICEBUS_TOPIC (default mlops-events),
MLFLOW_TRACKING_URI (passed on to the job). Exit 0 once the outcome event (done or failed) is published.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from mlops.blob import BlobStore
from mlops.bootstrap import blob_store, event_publisher
from mlops.events import TRAINING_DONE, TRAINING_FAILED, EventPublisher, LifecycleEvent
from mlops.node_queue import release_node
from mlops.payloads import TrainingRequest
from mlops.settings import Settings, SettingsError
from mlops.training.job_process import JobFailed, run_training_job
from mlops.training.publish import PublishError, publish_with_retry

RUNS_PREFIX = "blob://model-outputs/runs"
CHAMPION_ANSWERS = "champion/predictions.jsonl"  # written when the request names the champion's weights
TASK_TYPES = {"finetune": "finetune", "generate": "evaluate"}
log = logging.getLogger("mlops.training.local_runner")


def execute(request: TrainingRequest, blob: BlobStore, work_dir: Path) -> LifecycleEvent:
    """Run the job for ``request`` in ``work_dir`` and return the event that reports its outcome."""
    out_uri = f"{RUNS_PREFIX}/{request.run_id}"
    task_type = TASK_TYPES[request.mode]
    log_file = work_dir / "train.log"
    try:
        base = blob.download_dir(request.base_model_uri, work_dir / "base")
        train = blob.download_file(request.train_uri, work_dir / "data" / "train.jsonl")
        evaluation = blob.download_file(request.eval_uri, work_dir / "data" / "eval.jsonl")
        champion_uri = request.champion_model_uri
        champion = blob.download_dir(champion_uri, work_dir / "champion") if champion_uri else None
        try:
            metrics = run_training_job(request, base, train, evaluation, work_dir / "out", log_file, champion)
        finally:
            if log_file.is_file():
                blob.upload_file(log_file, f"{out_uri}/train.log")
        model_uri = request.base_model_uri
        if request.mode == "finetune":
            model_uri = blob.upload_dir(work_dir / "out" / "finetuned", f"{out_uri}/finetuned")
        predictions = blob.upload_file(work_dir / "out" / "predictions.jsonl", f"{out_uri}/predictions.jsonl")
        if champion is not None:
            blob.upload_file(work_dir / "out" / CHAMPION_ANSWERS, f"{out_uri}/{CHAMPION_ANSWERS}")
    except Exception as exc:  # the job's boundary: every failure becomes a run.training_failed event
        reason = exc.reason if isinstance(exc, JobFailed) else f"{type(exc).__name__}: {exc}"
        log.error("run %s failed: %s", request.run_id, reason)
        return LifecycleEvent(TRAINING_FAILED, request.run_id, {"reason": reason}, task_type=task_type)
    payload = {"model_uri": model_uri, "predictions_uri": predictions, "metrics": metrics}
    return LifecycleEvent(TRAINING_DONE, request.run_id, payload, task_type=task_type)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mlops.training.local_runner", description=__doc__)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--base-model", required=True, dest="base_model_uri")
    parser.add_argument("--dataset-train", "--train", required=True, dest="train_uri")
    parser.add_argument("--dataset-eval", "--eval", required=True, dest="eval_uri")
    parser.add_argument("--mode", choices=("finetune", "generate"), default="finetune")
    parser.add_argument("--max-steps", type=int)
    parser.add_argument("--experiment-name", default="mlops-training")
    parser.add_argument("--champion-model", dest="champion_model_uri", help="also answer with the champion")
    return parser


def connect_from_env() -> tuple[BlobStore, EventPublisher]:
    """The Blob store and the topic publisher a local job runner reports through (the app's settings)."""
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise SystemExit(f"error: {exc}") from exc
    return blob_store(settings), event_publisher(settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one job and publish its outcome; exit 1 only if the event could not be published."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("azure").setLevel(logging.WARNING)  # the SDKs log every HTTP request at INFO
    request = TrainingRequest.model_validate(vars(_parser().parse_args(argv)))
    blob, publisher = connect_from_env()
    with tempfile.TemporaryDirectory(prefix=f"mlops-job-{request.run_id}-") as tmp:
        event = execute(request, blob, Path(tmp))
    return report(publisher, event)


def report(publisher: EventPublisher, event: LifecycleEvent) -> int:
    """Publish a job's outcome (retrying while the broker is away, on no node: the work is done); the
    job's exit status: 1 if it could not."""
    release_node()
    try:
        attempts = asyncio.run(publish_with_retry(publisher, event))
    except PublishError as exc:
        log.error("%s", exc)
        return 1
    log.info("published %s for run %s (%d attempt(s))", event.event, event.run_id, attempts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
