import pytest

from mlops.registry import model_name


@pytest.mark.parametrize(
    ("model_id", "name"),
    [
        ("HuggingFaceTB/SmolLM2-135M", "smollm2-135m"),
        ("HuggingFaceTB/SmolLM2-135M-Instruct", "smollm2-135m-instruct"),
        ("Qwen/Qwen2.5-0.5B", "qwen2.5-0.5b"),
        ("mistralai/Mistral-7B-Instruct-v0.3", "mistral-7b-instruct-v0.3"),
        ("azureml://registries/HuggingFace/models/microsoft-phi-2/versions/3", "microsoft-phi-2"),
        ("azureml://registries/azureml/models/Phi-3-mini-4k-instruct", "phi-3-mini-4k-instruct"),
        ("blob://model-outputs/base/tiny-mistral/", "tiny-mistral"),
        ("/work/main/.stack/models/My Model (v2)", "my-model-v2"),
        ("gpt2", "gpt2"),
    ],
)
def test_model_names(model_id: str, name: str) -> None:
    assert model_name(model_id) == name


@pytest.mark.parametrize("model_id", ["", "/", "org/---", "org/@@@"])
def test_ids_without_a_name_are_refused(model_id: str) -> None:
    with pytest.raises(ValueError, match="no model name"):
        model_name(model_id)
