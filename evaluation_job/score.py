"""The scoring job: score row ranges of a predictions file, one ScoredRows JSON file per range.

    python -m evaluation_job.score --predictions FILE --output-dir DIR --batch START:STOP [--batch ...]
        [--judge-metric NAME ...]

The LLM-free metrics (offline MiniLM embeddings) and, when AZURE_AI_ENDPOINT is set, the judge's RAGAS
metrics, with the judge cache in the run store's PostgreSQL: settings come from the environment exactly as
the app reads them (mlops.settings). Runs as an Azure ML command job (``evaluation_job/job_spec.py``) or,
locally, under the job runner. A range whose file exists is not scored again (a resubmitted job resumes).
Exit code 2 on bad input (message on stderr), 1 on any other failure.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from mlops.evaluation.batches import batch_file
from mlops.evaluation.errors import EvaluationError
from mlops.evaluation.rows import PredictionRow, read_predictions
from mlops.evaluation.run import run_scorer
from mlops.settings import Settings, SettingsError


def _range(text: str) -> tuple[int, int]:
    start, sep, stop = text.partition(":")
    if not sep or not start.isdigit() or not stop.isdigit() or int(start) > int(stop):
        raise argparse.ArgumentTypeError(f"--batch must be START:STOP with 0 <= START <= STOP, got {text!r}")
    return int(start), int(stop)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evaluation_job.score", description="Score prediction rows.")
    parser.add_argument("--predictions", type=Path, required=True)
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--batch", type=_range, action="append", required=True, dest="batches")
    parser.add_argument("--judge-metric", action="append", default=[], dest="judge_metrics")
    return parser


def run(predictions: Path, output_dir: Path, batches: Sequence[tuple[int, int]], judge_metrics: list[str]) -> int:
    """Score each range not scored yet; return how many were scored. EvaluationError on bad input."""
    rows = read_predictions(predictions.read_text(encoding="utf-8"))
    if any(stop > len(rows) for _, stop in batches):
        raise EvaluationError(f"a batch ends past the {len(rows)} rows of {predictions.name}")
    settings = Settings.from_env()
    output_dir.mkdir(parents=True, exist_ok=True)
    todo = [(start, stop) for start, stop in batches if not (output_dir / batch_file(start, stop)).is_file()]
    return asyncio.run(_score_all(rows, todo, judge_metrics, settings, output_dir))


async def _score_all(
    rows: list[PredictionRow], todo: list[tuple[int, int]], judge_metrics: list[str], settings: Settings, out: Path
) -> int:
    """Score the ranges with one scorer (one database pool for the whole job), each to its file."""
    async with run_scorer(settings) as scorer:
        for start, stop in todo:
            result = await scorer(rows[start:stop], judge_metrics)
            target = out / batch_file(start, stop)
            partial = target.with_suffix(".partial")
            partial.write_text(result.to_json(), encoding="utf-8")
            partial.replace(target)  # whole or absent: a resumed job never trusts half a file
    return len(todo)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; bad input prints ``error: ...`` and returns 2."""
    args = _parser().parse_args(argv)
    try:
        scored = run(args.predictions, args.output_dir, args.batches, args.judge_metrics)
    except (EvaluationError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"scored {scored} of {len(args.batches)} batches into {args.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
