"""The tiny model builds deterministically and loads through the real from_pretrained path."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from transformers import AutoModelForCausalLM, AutoTokenizer

from mlops.models import ModelBuildError, build_tiny_model
from mlops.models.__main__ import main as models_cli


def _digest(directory: Path) -> dict[str, str]:
    names = ("model.safetensors", "tokenizer.json", "config.json")
    return {name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in names}


def test_tiny_model_reloads_with_auto_classes(tiny_model_dir: Path) -> None:
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    assert model.config.model_type == "mistral"
    assert model.config.hidden_size == 256 and model.config.num_hidden_layers == 4
    assert model.config.vocab_size == len(tokenizer) <= 512
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": "Which port?"}], tokenize=False)
    assert prompt == "<|im_start|>user\nWhich port?<|im_end|>\n"
    assert tokenizer.eos_token == "<|im_end|>" and tokenizer.pad_token_id is not None


def test_tiny_model_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    corpus = ["Brixion listens on port 5601.", "Which port does Brixion listen on?", "5601"]
    first = _digest(build_tiny_model(tmp_path / "a", corpus, vocab_size=300, seed=7))
    again = _digest(build_tiny_model(tmp_path / "b", corpus, vocab_size=300, seed=7))
    other = _digest(build_tiny_model(tmp_path / "c", corpus, vocab_size=300, seed=8))
    assert first == again
    assert other["model.safetensors"] != first["model.safetensors"]


def test_empty_corpus_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelBuildError, match="non-empty corpus"):
        build_tiny_model(tmp_path / "m", ["", "  "])


def test_cli_builds_from_a_data_folder(tmp_path: Path, dataset: tuple[Path, Path]) -> None:
    out = tmp_path / "cli-model"
    assert models_cli(["build-tiny", "--out", str(out), "--data", str(dataset[0].parent)]) == 0
    assert (out / "config.json").is_file() and (out / "tokenizer.json").is_file()


def test_cli_without_data_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert models_cli(["build-tiny", "--out", str(tmp_path / "m"), "--data", str(tmp_path / "none")]) == 2
    assert "no *.jsonl under" in capsys.readouterr().err
