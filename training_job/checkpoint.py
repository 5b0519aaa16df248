"""Resumable LoRA training: the adapter weights, optimiser state and loop counters in one file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from peft import get_peft_model_state_dict, set_peft_model_state_dict

CHECKPOINT_FILE = "lora_checkpoint.pt"


def save_checkpoint(folder: Path, model: Any, optimizer: torch.optim.Optimizer, counters: dict[str, float]) -> Path:
    """Write the adapter, optimiser state and ``counters`` (step, best, stale) atomically to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {"adapter": get_peft_model_state_dict(model), "optimizer": optimizer.state_dict(), **counters}
    partial = folder / (CHECKPOINT_FILE + ".partial")
    torch.save(state, partial)
    return partial.replace(folder / CHECKPOINT_FILE)


def load_checkpoint(folder: Path, model: Any, optimizer: torch.optim.Optimizer) -> dict[str, float] | None:
    """Restore the adapter and optimiser from ``folder``; return its counters, or None when there is none."""
    path = folder / CHECKPOINT_FILE
    if not path.is_file():
        return None
    state = torch.load(path, map_location=next(model.parameters()).device, weights_only=True)
    set_peft_model_state_dict(model, state.pop("adapter"))
    optimizer.load_state_dict(state.pop("optimizer"))
    return {key: float(value) for key, value in state.items()}
