import json
from pathlib import Path

import pytest

from mlops.evaluation import InvalidPredictions, PredictionRow, read_predictions

ROW = {"question": "Q?", "context": "C.", "reference": "R", "response": "S"}


def jsonl(*rows: object) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


def test_reads_text_path_string_and_path(tmp_path: Path) -> None:
    text = jsonl(ROW, "", {**ROW, "response": ""})
    path = tmp_path / "predictions.jsonl"
    path.write_text(text, encoding="utf-8")
    expected = [PredictionRow(**ROW), PredictionRow(**{**ROW, "response": ""})]
    assert read_predictions(text) == read_predictions(str(path)) == read_predictions(path) == expected
    assert read_predictions(json.dumps(ROW)) == expected[:1]
    assert read_predictions("") == []
    assert expected[0].to_dict() == ROW


def test_bad_json_names_the_line() -> None:
    with pytest.raises(InvalidPredictions, match=r"line 3: not valid JSON") as caught:
        read_predictions(jsonl(ROW, ROW, '{"question": "Q?",'))
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({k: v for k, v in ROW.items() if k != "reference"}, "line 2: missing field 'reference'"),
        ({**ROW, "response": None}, "line 2: field 'response' must be a string, got NoneType"),
        ('["a list"]', "line 2: expected a JSON object, got list"),
    ],
)
def test_malformed_row_names_line_and_field(line: object, message: str) -> None:
    with pytest.raises(InvalidPredictions, match=message):
        read_predictions(jsonl(ROW, line))


def test_missing_file_is_not_mistaken_for_text(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_predictions(str(tmp_path / "absent.jsonl"))
