"""Dataset rows of the training job: JSONL of {question, context, answer}, validated line by line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("question", "context", "answer")


class TrainingInputError(ValueError):
    """A bad input to the job (missing file, empty dataset, bad row); the message says which and where."""


@dataclass(frozen=True)
class QARow:
    question: str
    context: str
    answer: str


def load_rows(path: Path, role: str) -> list[QARow]:
    """Read ``path`` as JSONL rows; raise TrainingInputError naming the file and line of the first bad row."""
    if not path.is_file():
        raise TrainingInputError(f"{role} file not found: {path}")
    rows: list[QARow] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            rows.append(_parse(line, f"{path}:{number}"))
    if not rows:
        raise TrainingInputError(f"{role} dataset is empty: {path}")
    return rows


def _parse(line: str, where: str) -> QARow:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TrainingInputError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise TrainingInputError(f"{where}: expected a JSON object with {', '.join(FIELDS)}")
    values = [data.get(name) for name in FIELDS]
    for name, value in zip(FIELDS, values, strict=True):
        if not isinstance(value, str) or not value.strip():
            raise TrainingInputError(f"{where}: field {name!r} must be a non-empty string")
    return QARow(*(str(value) for value in values))


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> None:
    """Write ``rows`` as UTF-8 JSONL (one object per line, non-ASCII kept)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    path.write_text(text, encoding="utf-8")
