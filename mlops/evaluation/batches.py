"""An evaluation set split into row ranges scored by the scoring job, and where each range's scores are
kept: in Blob beside the predictions, so the orchestration history carries only their URIs."""

from __future__ import annotations


def batch_ranges(count: int, size: int) -> list[tuple[int, int]]:
    """Consecutive [start, stop) ranges of at most size rows covering count rows; one empty range when
    count is 0, so the fan-in still runs and reports the empty set (a fan-out of nothing never ends)."""
    if size <= 0:
        raise ValueError(f"batch size must be positive, got {size}")
    return [(start, min(start + size, count)) for start in range(0, max(count, 1), size)]


def batch_uri(predictions_uri: str, start: int, stop: int) -> str:
    """Where the scores of rows [start, stop) of these predictions are written."""
    return f"{batches_uri(predictions_uri)}/{batch_file(start, stop)}"


def batches_uri(predictions_uri: str) -> str:
    """The folder of every range's scores (the scoring job's output folder)."""
    return f"{predictions_uri.rsplit('/', 1)[0]}/evaluation-batches"


def batch_file(start: int, stop: int) -> str:
    """The file name of rows [start, stop)'s scores, in Blob and in the scoring job's output folder."""
    return f"{start:06d}-{stop:06d}.json"
