"""LoRA fine-tuning with peft: a plain AdamW loop over shuffled batches, eval loss, merge."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from peft import LoraConfig, get_peft_model

from training_job.data import TrainingInputError
from training_job.prompts import IGNORE_INDEX, Example


@dataclass(frozen=True)
class LoraSettings:
    r: int
    alpha: int
    dropout: float
    target_modules: tuple[str, ...]
    top_layers: int = 0  # 0: every layer; N: only the last N, so backpropagation stops below them


@dataclass(frozen=True)
class TrainResult:
    model: Any
    seconds: float
    tokens_per_s: float
    final_loss: float


def collate(examples: Sequence[Example], pad_id: int) -> dict[str, torch.Tensor]:
    """Left-pad a batch so every answer ends the row: pad ids, -100 labels, zero mask, positions from 0."""
    width = max(len(example.input_ids) for example in examples)
    ids, labels, mask = [], [], []
    for example in examples:
        pad = width - len(example.input_ids)
        ids.append([pad_id] * pad + example.input_ids)
        labels.append([IGNORE_INDEX] * pad + example.labels)
        mask.append([0] * pad + [1] * len(example.input_ids))
    attention = torch.tensor(mask)
    positions = (attention.cumsum(-1) - 1).clamp(min=0)
    return {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels), "attention_mask": attention,
            "position_ids": positions}  # fmt: skip


def answer_loss(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean cross-entropy over the answer tokens, computing logits only for the rows' answer tails."""
    labels = batch["labels"]
    answered = (labels != IGNORE_INDEX).any(dim=0).nonzero()
    tail = min(labels.shape[1] - int(answered.min()), labels.shape[1] - 1) if answered.numel() else 1
    inputs = {key: value for key, value in batch.items() if key != "labels"}
    # Logits at t predict token t + 1: keep one more than the answer span (skips most of the vocab matmul).
    logits = model(**inputs, logits_to_keep=tail + 1).logits[:, :-1]
    targets = labels[:, -tail:]
    return torch.nn.functional.cross_entropy(logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE_INDEX)


def _batches(examples: Sequence[Example], batch_size: int, seed: int) -> Iterator[list[Example]]:
    rng = random.Random(seed)
    order = list(range(len(examples)))
    while True:
        rng.shuffle(order)
        for start in range(0, len(order), batch_size):
            yield [examples[index] for index in order[start : start + batch_size]]


def train_lora(
    model: Any,
    examples: Sequence[Example],
    settings: LoraSettings,
    *,
    steps: int,
    batch_size: int,
    learning_rate: float,
    pad_id: int,
    seed: int,
    on_step: Callable[[int, float], None],
) -> TrainResult:
    """Wrap ``model`` with LoRA adapters, train ``steps`` AdamW steps and return the peft model."""
    config = LoraConfig(
        r=settings.r,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=list(settings.target_modules),
        task_type="CAUSAL_LM",
        layers_to_transform=_top_layers(model, settings.top_layers),
    )
    try:
        peft_model = get_peft_model(model, config)
    except ValueError as exc:  # e.g. target modules absent from this architecture
        raise TrainingInputError(f"LoRA does not apply to this model: {exc}") from exc
    trainable = [parameter for parameter in peft_model.parameters() if parameter.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=learning_rate)
    peft_model.train()
    batches, tokens, loss_value = _batches(examples, batch_size, seed), 0, math.nan
    started = time.perf_counter()
    for step in range(1, steps + 1):
        batch = collate(next(batches), pad_id)
        loss = answer_loss(peft_model, batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss_value, tokens = float(loss.item()), tokens + int(batch["attention_mask"].sum())
        on_step(step, loss_value)
    seconds = time.perf_counter() - started
    peft_model.eval()
    return TrainResult(peft_model, seconds, tokens / seconds if seconds else 0.0, loss_value)


def _top_layers(model: Any, count: int) -> list[int] | None:
    total = int(model.config.num_hidden_layers)
    return list(range(max(0, total - count), total)) if 0 < count < total else None


@torch.no_grad()
def eval_loss(model: Any, examples: Sequence[Example], batch_size: int, pad_id: int) -> float:
    """Mean cross-entropy per answer token over ``examples`` (teacher forcing)."""
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(examples), batch_size):
        batch = collate(examples[start : start + batch_size], pad_id)
        n_tokens = int((batch["labels"] != IGNORE_INDEX).sum())
        total += float(answer_loss(model, batch)) * n_tokens
        count += n_tokens
    return total / count if count else math.nan
