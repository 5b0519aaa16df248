"""The job's inputs: JSONL rows and command-line values are validated with messages that say where."""

from __future__ import annotations

from pathlib import Path

import pytest

from training_job.config import parse_config
from training_job.data import TrainingInputError, load_rows


def test_rows_load(dataset: tuple[Path, Path]) -> None:
    rows = load_rows(dataset[0], "train")
    assert len(rows) == 16 and rows[0].answer.isdigit()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"question": "q", "context": "c", "answer": "a"}\n\n{not json}\n',
            r"data\.jsonl:3: not valid JSON",
        ),
        ('{"question": "q", "context": "c"}\n', r"data\.jsonl:1: field 'answer' must be a non-empty string"),
        ('["q", "c", "a"]\n', r"data\.jsonl:1: expected a JSON object"),
        ("\n  \n", r"train dataset is empty"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(content)
    with pytest.raises(TrainingInputError, match=message):
        load_rows(path, "train")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TrainingInputError, match=r"eval file not found: .*missing\.jsonl"):
        load_rows(tmp_path / "missing.jsonl", "eval")


def _argv(model: Path, *extra: str) -> list[str]:
    return ["--base-model-dir", str(model), "--eval-file", "e.jsonl", "--output-dir", "out", *extra]


def test_config_defaults_and_target_modules(tiny_model_dir: Path) -> None:
    config = parse_config(_argv(tiny_model_dir, "--train-file", "t.jsonl", "--target-modules", "q_proj, k_proj"))
    assert config.target_modules == ("q_proj", "k_proj")
    assert config.mode == "finetune" and config.params()["target_modules"] == "q_proj,k_proj"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--train-file", "t.jsonl", "--max-steps", "0"], "--max-steps must be positive"),
        ([], "--train-file is required with --mode finetune"),
        (["--mode", "generate", "--max-seq-length", "16"], "--max-seq-length must be >= 32"),
        (["--mode", "generate", "--target-modules", " , "], "--target-modules must name at least one module"),
    ],
)
def test_bad_config_values(tiny_model_dir: Path, extra: list[str], message: str) -> None:
    with pytest.raises(TrainingInputError, match=message):
        parse_config(_argv(tiny_model_dir, *extra))


def test_base_model_dir_must_hold_a_config(tmp_path: Path) -> None:
    with pytest.raises(TrainingInputError, match=r"--base-model-dir has no config\.json"):
        parse_config(_argv(tmp_path, "--mode", "generate"))
