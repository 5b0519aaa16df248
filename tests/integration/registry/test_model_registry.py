import pytest

from mlops.registry import ModelRegistry, RegisteredModelVersion, RegistryError, model_name

pytest_plugins = ["tests.fixtures.services"]


def test_register_versions_with_blob_sources_and_tags(mlflow_tracking_uri: str) -> None:
    registry = ModelRegistry(mlflow_tracking_uri)
    name = model_name("HuggingFaceTB/SmolLM2-135M")
    first = registry.register_model(
        name, "blob://model-outputs/base/smollm2-135m", {"lifecycle": "new", "run_id": "r1"}
    )
    second = registry.register_model(name, "blob://model-outputs/runs/r1/finetuned", {"lifecycle": "finetuned"})
    assert (first, second) == (RegisteredModelVersion(name, "1"), RegisteredModelVersion(name, "2"))
    assert registry.get_tags(first) == {"lifecycle": "new", "run_id": "r1"}
    assert registry.get_source(second) == "blob://model-outputs/runs/r1/finetuned"


def test_set_tags_overwrites_and_is_idempotent(mlflow_tracking_uri: str) -> None:
    registry = ModelRegistry(mlflow_tracking_uri)
    ref = registry.register_model("tiny-mistral", "blob://model-outputs/base/tiny", {"validation": "pending"})
    decision = {"deployment_status": "go_prod", "validation": "validated"}
    registry.set_tags(ref, decision)
    registry.set_tags(ref, decision)
    assert registry.get_tags(ref) == decision


def test_unknown_versions_raise(mlflow_tracking_uri: str) -> None:
    registry = ModelRegistry(mlflow_tracking_uri)
    with pytest.raises(RegistryError, match="cannot read nope v1"):
        registry.get_tags(RegisteredModelVersion("nope", "1"))
    with pytest.raises(RegistryError, match="cannot tag"):
        registry.set_tags(RegisteredModelVersion("nope", "1"), {"a": "b"})


def test_ping(mlflow_tracking_uri: str) -> None:
    ModelRegistry(mlflow_tracking_uri).ping()


def test_register_once_returns_the_runs_version_instead_of_adding_one(mlflow_tracking_uri: str) -> None:
    registry = ModelRegistry(mlflow_tracking_uri)
    tags = {"lifecycle": "finetuned", "run_id": "r1", "validation": "pending"}
    key = ("run_id", "lifecycle")
    first = registry.register_once("tiny-ft", "blob://model-outputs/runs/r1/ft", tags, key)
    again = registry.register_once("tiny-ft", "blob://model-outputs/runs/r1/ft", tags, key)
    other = registry.register_once("tiny-ft", "blob://model-outputs/runs/r2/ft", {**tags, "run_id": "r2"}, key)
    assert (first, again, other) == (RegisteredModelVersion("tiny-ft", "1"),) * 2 + (
        RegisteredModelVersion("tiny-ft", "2"),
    )
