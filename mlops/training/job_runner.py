"""Local stand-in for the staging and scoring jobs (Azure ML command jobs in Azure): fetch inputs from
Blob, run the job's own entry point as a process, upload its outputs, publish one completion event.

    python -m mlops.training.job_runner stage --run-id ID --model-id ID --target blob://model-outputs/base/<slug>
    python -m mlops.training.job_runner score --run-id ID --predictions blob://.../predictions.jsonl
        --batch START:STOP [...] [--judge-metric NAME ...] [--champion-predictions blob://.../predictions.jsonl]

Environment as the training runner's (BLOB_CONNECTION_STRING, ServiceBusConnection, SERVICEBUS_TOPIC), plus
what the job reads (HF_TOKEN; the app's settings for scoring). Exit 0 once the outcome event is published.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from mlops import events
from mlops.blob import BlobStore
from mlops.evaluation.batches import batch_file, batch_uri
from mlops.events import LifecycleEvent
from mlops.staging import COMPLETE_MARKER
from mlops.training.job_process import JobFailed, run_process
from mlops.training.local_runner import connect_from_env, report

log = logging.getLogger("mlops.training.job_runner")


def stage(run_id: str, model_id: str, target: str, blob: BlobStore, work: Path) -> LifecycleEvent:
    """Stage ``model_id`` at ``target`` (weights first, the completion marker last); the event says how it went."""
    try:
        out = work / "model"
        command = [sys.executable, "-u", "-m", "training_job.stage", "--model-id", model_id, "--output-dir", str(out)]
        run_process(command, work / "stage.log")
        blob.upload_dir(out, target)
        blob.upload_bytes(f"{target}/{COMPLETE_MARKER}", model_id.encode())
    except Exception as exc:  # the job's boundary: every failure becomes a failed event
        return _failed(events.STAGING_FAILED, run_id, exc)
    return LifecycleEvent(events.STAGING_DONE, run_id, {"model_uri": target})


def score(
    run_id: str, predictions_uri: str, batches: Sequence[tuple[int, int]], judge_metrics: Sequence[str],
    blob: BlobStore, work: Path, champion_predictions_uri: str | None = None,
) -> LifecycleEvent:  # fmt: skip
    """Score the predictions' row ranges (and the champion's answers', when given), each to its blob beside
    them; the event says how it went."""
    try:
        for n, uri in enumerate(u for u in (predictions_uri, champion_predictions_uri) if u):
            predictions = blob.download_file(uri, work / f"{n}" / "predictions.jsonl")
            out = work / f"{n}" / "scores"
            command = [
                sys.executable, "-u", "-m", "evaluation_job.score", "--predictions", str(predictions),
                "--output-dir", str(out),
            ]  # fmt: skip
            command += [arg for start, stop in batches for arg in ("--batch", f"{start}:{stop}")]
            command += [arg for name in judge_metrics for arg in ("--judge-metric", name)]
            run_process(command, work / f"score-{n}.log")
            for start, stop in batches:
                blob.upload_file(out / batch_file(start, stop), batch_uri(uri, start, stop))
    except Exception as exc:  # the job's boundary: every failure becomes a failed event
        return _failed(events.SCORING_FAILED, run_id, exc)
    return LifecycleEvent(events.SCORING_DONE, run_id, {"predictions_uri": predictions_uri})


def _failed(event: str, run_id: str, exc: Exception) -> LifecycleEvent:
    reason = exc.reason if isinstance(exc, JobFailed) else f"{type(exc).__name__}: {exc}"
    log.error("%s for run %s: %s", event, run_id, reason)
    return LifecycleEvent(event, run_id, {"reason": reason})


def _range(text: str) -> tuple[int, int]:
    start, _, stop = text.partition(":")
    return int(start), int(stop)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mlops.training.job_runner", description=__doc__)
    jobs = parser.add_subparsers(dest="job", required=True)
    staging = jobs.add_parser("stage")
    staging.add_argument("--run-id", required=True)
    staging.add_argument("--model-id", required=True)
    staging.add_argument("--target", required=True)
    scoring = jobs.add_parser("score")
    scoring.add_argument("--run-id", required=True)
    scoring.add_argument("--predictions", required=True)
    scoring.add_argument("--batch", type=_range, action="append", required=True, dest="batches")
    scoring.add_argument("--judge-metric", action="append", default=[], dest="judge_metrics")
    scoring.add_argument("--champion-predictions")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one job and publish its outcome; exit 1 only if the event could not be published."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("azure").setLevel(logging.WARNING)
    args = _parser().parse_args(argv)
    blob, publisher = connect_from_env()
    with tempfile.TemporaryDirectory(prefix=f"mlops-{args.job}-{args.run_id}-") as tmp:
        if args.job == "stage":
            event = stage(args.run_id, args.model_id, args.target, blob, Path(tmp))
        else:
            event = score(
                args.run_id, args.predictions, args.batches, args.judge_metrics, blob, Path(tmp),
                args.champion_predictions,
            )  # fmt: skip
    return report(publisher, event)


if __name__ == "__main__":
    sys.exit(main())
