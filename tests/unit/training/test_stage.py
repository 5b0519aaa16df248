"""The staging job: local copies are validated; hub failures become StagingError naming the model; exit 2."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from huggingface_hub import constants

from training_job.stage import StagingError, fetch_base_model, main


def test_local_directory_is_copied_and_validated(tiny_model_dir: Path, tmp_path: Path) -> None:
    dest = fetch_base_model(str(tiny_model_dir), tmp_path / "copy")
    assert (dest / "config.json").is_file() and (dest / "model.safetensors").is_file()


def test_local_directory_without_weights_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "no-weights"
    shutil.copytree(tiny_model_dir, source, ignore=shutil.ignore_patterns("*.safetensors"))
    with pytest.raises(StagingError, match="no weights"):
        fetch_base_model(str(source), tmp_path / "dest")


def test_config_that_does_not_load_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "bad-config"
    shutil.copytree(tiny_model_dir, source)
    (source / "config.json").write_text('{"model_type": "no-such-architecture"}')
    with pytest.raises(StagingError, match="does not load as a transformers config") as info:
        fetch_base_model(str(source), tmp_path / "dest")
    assert info.value.model_id == str(source)


@pytest.mark.parametrize("model_id", ["blob://model-outputs/base/x", "azureml://registries/r/models/m/versions/1"])
def test_other_uri_forms_are_left_to_the_caller(model_id: str, tmp_path: Path) -> None:
    with pytest.raises(StagingError, match="not a HuggingFace id nor an existing local directory"):
        fetch_base_model(model_id, tmp_path / "dest")


def test_offline_hub_is_a_typed_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(StagingError, match=r"'mistralai/Mistral-7B-v0\.1'.*hub download failed") as info:
        fetch_base_model("mistralai/Mistral-7B-v0.1", tmp_path / "dest", hf_token="hf_dummy")
    assert info.value.model_id == "mistralai/Mistral-7B-v0.1"


def test_unreachable_hub_is_a_typed_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    with pytest.raises(StagingError, match="HuggingFaceTB/SmolLM2-135M-Instruct"):
        fetch_base_model("HuggingFaceTB/SmolLM2-135M-Instruct", tmp_path / "dest")


def test_the_job_exits_2_naming_a_model_it_cannot_stage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--model-id", "blob://model-outputs/base/x", "--output-dir", str(tmp_path / "out")]) == 2
    assert "cannot fetch base model 'blob://model-outputs/base/x'" in capsys.readouterr().err


def test_the_job_stages_a_local_model_into_its_output_dir(tiny_model_dir: Path, tmp_path: Path) -> None:
    assert main(["--model-id", str(tiny_model_dir), "--output-dir", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "config.json").is_file()
