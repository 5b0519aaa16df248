"""The Azure ML command job spec, validated offline: YAML dump, load_job, schema validation, failures."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from azure.ai.ml import load_job
from marshmallow.exceptions import ValidationError

from training_job.job_spec import (
    JobSpec,
    JobSpecError,
    build_job,
    check_bindings,
    datastore_uri,
    training_environment,
)

SPEC = JobSpec(
    run_id="run-42",
    model_id="HuggingFaceTB/SmolLM2-135M-Instruct",
    mode="finetune",
    base_model_uri="blob://model-outputs/base/smollm2-1",
    train_uri="blob://datasets/train/squad.jsonl",
    eval_uri="blob://datasets/eval/squad.jsonl",
    experiment_name="mlops-training",
    max_steps=30,
)


def dumped(tmp_path: Path, spec: JobSpec = SPEC) -> dict[str, Any]:
    path = tmp_path / "job.yml"
    build_job(spec, training_environment())._to_job().dump(path)
    return yaml.safe_load(path.read_text())


def test_dumped_job_loads_and_validates_with_the_spec_fields(tmp_path: Path) -> None:
    doc = dumped(tmp_path)
    loaded = load_job(tmp_path / "job.yml")
    assert loaded._validate().passed  # type: ignore[attr-defined]
    assert (doc["type"], doc["compute"], doc["experiment_name"]) == (
        "command",
        "azureml:gpu-training-cluster",
        "mlops-training",
    )
    assert Path(doc["code"]) == Path(__file__).resolve().parents[3] / "training_job"
    assert doc["tags"] == {"run_id": "run-42", "model_id": SPEC.model_id, "mode": "finetune"}
    assert doc["inputs"]["train_data"] == {
        "type": "uri_file", "mode": "download", "path": "azureml://datastores/mlops_data/paths/train/squad.jsonl"
    }  # fmt: skip
    assert doc["outputs"]["model_output"]["path"] == "azureml://datastores/model_outputs/paths/runs/run-42/"
    assert "--run-id ${{inputs.run_id}}" in doc["command"] and "--max-steps 30" in doc["command"]
    assert doc["environment"]["name"] == "mlops-training"


def test_environment_pins_match_the_local_training_requirements() -> None:
    env = training_environment()
    conda: dict[str, Any] = env.conda_file  # type: ignore[assignment]
    pins = {line.split("==")[0].lower(): line for line in conda["dependencies"][-1]["pip"]}
    local = Path(__file__).resolve().parents[3] / "training_job" / "requirements.txt"
    for line in local.read_text().splitlines():
        if "==" in line and line.split("==")[0].lower() in pins:
            assert pins[line.split("==")[0].lower()] == line.strip()
    assert {"torch", "transformers", "peft", "mlflow"} <= set(pins)


def test_generate_jobs_declare_no_train_input(tmp_path: Path) -> None:
    spec = JobSpec(**{**SPEC.__dict__, "mode": "generate", "train_uri": None})
    doc = dumped(tmp_path, spec)
    assert "train_data" not in doc["inputs"] and "--train-file" not in doc["command"]


def test_a_command_binding_an_undeclared_input_is_refused() -> None:
    job = build_job(SPEC, training_environment())
    job.command = f"{job.command} --extra ${{{{inputs.nope}}}}"
    with pytest.raises(JobSpecError, match=r"inputs\.nope"):
        check_bindings(job)


def test_a_bad_input_type_fails_schema_validation(tmp_path: Path) -> None:
    doc = dumped(tmp_path)
    doc["inputs"]["train_data"]["type"] = "uri_blob"
    (tmp_path / "bad.yml").write_text(yaml.safe_dump(doc))
    with pytest.raises(ValidationError, match="uri_blob"):
        load_job(tmp_path / "bad.yml")


def test_a_missing_environment_fails(tmp_path: Path) -> None:
    doc = dumped(tmp_path)
    del doc["environment"]
    (tmp_path / "noenv.yml").write_text(yaml.safe_dump(doc))
    with pytest.raises(ValidationError, match="environment"):
        load_job(tmp_path / "noenv.yml")
    with pytest.raises(JobSpecError, match="environment"):
        build_job(SPEC, None)
    with pytest.raises(JobSpecError, match="conda file is missing"):
        training_environment(tmp_path / "absent.yaml")


def test_only_known_blob_containers_map_to_datastores() -> None:
    assert datastore_uri("blob://datasets/eval/x.jsonl") == "azureml://datastores/mlops_data/paths/eval/x.jsonl"
    with pytest.raises(JobSpecError, match="containers"):
        datastore_uri("blob://other/x.jsonl")


def test_a_job_asked_for_the_champions_answers_mounts_its_weights(tmp_path: Path) -> None:
    champion = "blob://model-outputs/base/tiny-v1"
    doc = dumped(tmp_path, JobSpec(**{**SPEC.__dict__, "champion_model_uri": champion}))
    assert doc["inputs"]["champion_model"]["path"] == "azureml://datastores/model_outputs/paths/base/tiny-v1"
    assert "--champion-model-dir ${{inputs.champion_model}}" in doc["command"]
    assert "champion_model" not in dumped(tmp_path, SPEC)["inputs"]
