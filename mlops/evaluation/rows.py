"""Prediction rows ({question, context, reference, response}) and their JSONL reader."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mlops.evaluation.errors import InvalidPredictions

FIELDS = ("question", "context", "reference", "response")


@dataclass(frozen=True)
class PredictionRow:
    """One generated answer (response) next to its gold answer (reference) and its context."""

    question: str
    context: str
    reference: str
    response: str

    @classmethod
    def from_dict(cls, data: object, line: int = 1) -> PredictionRow:
        """Build a row from a decoded JSON object; InvalidPredictions names the line and the field."""
        if not isinstance(data, dict):
            raise InvalidPredictions(line, f"expected a JSON object, got {type(data).__name__}")
        for name in FIELDS:
            if name not in data:
                raise InvalidPredictions(line, f"missing field {name!r}")
            if not isinstance(data[name], str):
                kind = type(data[name]).__name__
                raise InvalidPredictions(line, f"field {name!r} must be a string, got {kind}")
        return cls(**{name: data[name] for name in FIELDS})

    def to_dict(self) -> dict[str, str]:
        """The JSONL form of the row."""
        return {name: getattr(self, name) for name in FIELDS}


def read_predictions(source: str | Path) -> list[PredictionRow]:
    """Parse predictions JSONL from a Path, a file path string, or JSONL text (blank lines skipped)."""
    rows = []
    for number, line in enumerate(_text_of(source).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            message = f"not valid JSON ({error.msg} at column {error.colno})"
            raise InvalidPredictions(number, message) from error
        rows.append(PredictionRow.from_dict(data, number))
    return rows


def _text_of(source: str | Path) -> str:
    """JSONL text as given, or read from a file: a str is text when blank, multi-line or a JSON object."""
    if isinstance(source, str) and (not source.strip() or "\n" in source or source.lstrip().startswith("{")):
        return source
    return Path(source).read_text(encoding="utf-8")
