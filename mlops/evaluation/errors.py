"""Typed failures of the evaluation package."""

from __future__ import annotations


class EvaluationError(Exception):
    """Base class of every evaluation failure."""


class InvalidWeights(EvaluationError, ValueError):
    """A metric weight is unknown, negative or not finite, or no weight is positive."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"invalid metric weight {field!r}: {message}")
        self.field = field


class InvalidPredictions(EvaluationError, ValueError):
    """A predictions JSONL line is not a valid prediction row."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"predictions line {line}: {message}")
        self.line = line


class EvaluationFailed(EvaluationError):
    """The evaluation cannot yield a trustworthy MLScore (too many NaN samples, nothing to score)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EmbeddingModelMissing(EvaluationError, FileNotFoundError):
    """The offline sentence-embedding model directory is absent or incomplete."""


class JudgeCallFailed(EvaluationError):
    """A judge call failed for good (non-retryable error, or retries exhausted); the sample gets NaN."""
