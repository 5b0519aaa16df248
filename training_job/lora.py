"""LoRA fine-tuning with peft: a plain AdamW loop over shuffled batches, eval loss, merge."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from peft import LoraConfig, get_peft_model

from training_job.checkpoint import load_checkpoint, save_checkpoint
from training_job.data import TrainingInputError
from training_job.loss import answer_loss
from training_job.prompts import IGNORE_INDEX, Example


@dataclass(frozen=True)
class LoraSettings:
    r: int
    alpha: int
    dropout: float
    target_modules: tuple[str, ...]
    top_layers: int = 0  # 0: every layer; N: only the last N, so backpropagation stops below them


@dataclass(frozen=True)
class TrainOptions:
    """Loop options beyond the LoRA settings; the defaults are a plain single-device run."""

    grad_accumulation: int = 1  # micro-batches per optimiser step
    eval_examples: Sequence[Example] = ()  # held-out split for eval loss per eval_every steps
    eval_every: int = 0  # 0: no periodic eval (and no early stopping)
    patience: int = 0  # stop after this many evals without improvement (0: never)
    gradient_checkpointing: bool = False  # recompute activations in backward (large models)
    checkpoint_dir: Path | None = None  # where a resumable checkpoint is kept
    save_every: int = 0  # steps between checkpoints (0: none)
    resume: bool = False  # continue from checkpoint_dir's checkpoint when there is one


@dataclass(frozen=True)
class TrainResult:
    model: Any
    seconds: float
    tokens_per_s: float
    final_loss: float
    real_token_fraction: float = 1.0  # non-padding share of the token positions trained on
    steps: int = 0  # optimiser steps taken (fewer than asked when early stopping fired)
    best_eval_loss: float = math.nan


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


GROUP_BATCHES = 16  # length-grouped batching: sort within windows of this many batches


def _batches(examples: Sequence[Example], batch_size: int, seed: int) -> Iterator[list[Example]]:
    """Endless shuffled epochs of length-grouped batches: little padding, random batch order.

    Each epoch is shuffled, cut into windows of ``GROUP_BATCHES`` batches, sorted by length
    within a window and split into batches whose order is shuffled again.
    """
    rng = random.Random(seed)
    order = list(range(len(examples)))
    window = batch_size * GROUP_BATCHES
    while True:
        rng.shuffle(order)
        epoch: list[list[int]] = []
        for start in range(0, len(order), window):
            grouped = sorted(order[start : start + window], key=lambda index: len(examples[index].input_ids))
            epoch += [grouped[i : i + batch_size] for i in range(0, len(grouped), batch_size)]
        rng.shuffle(epoch)
        for batch in epoch:
            yield [examples[index] for index in batch]


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
    options: TrainOptions | None = None,
    on_eval: Callable[[int, float], None] = lambda step, loss: None,
) -> TrainResult:
    """Wrap ``model`` with LoRA adapters, train up to ``steps`` AdamW steps and return the peft model.

    With ``options.eval_every`` the held-out eval loss is computed (and passed to ``on_eval``) every
    that many steps; with ``options.patience`` training stops once it has not improved that often.
    """
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
    options = options or TrainOptions()
    if options.gradient_checkpointing:
        peft_model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        peft_model.enable_input_require_grads()
    trainable = [parameter for parameter in peft_model.parameters() if parameter.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=learning_rate)
    device = next(peft_model.parameters()).device
    # bf16 (or fp16) autocast on a GPU; fp32 on CPU, where the loop stays exact.
    half = torch.bfloat16 if device.type == "cuda" and torch.cuda.is_bf16_supported() else torch.float16
    autocast = torch.autocast(device.type, dtype=half, enabled=device.type == "cuda")
    peft_model.train()
    batches, tokens, positions, loss_value = _batches(examples, batch_size, seed), 0, 0, math.nan
    best, stale, done = math.inf, 0, 0
    folder = options.checkpoint_dir
    restored = load_checkpoint(folder, peft_model, optimizer) if folder and options.resume else None
    if restored:
        done, best, stale = int(restored["step"]), restored["best"], int(restored["stale"])
        for _ in range(done * options.grad_accumulation):  # the same batch order as an uninterrupted run
            next(batches)
    started, step = time.perf_counter(), done
    for step in range(done + 1, steps + 1):
        step_loss = 0.0
        for _ in range(options.grad_accumulation):
            batch = {key: value.to(device) for key, value in collate(next(batches), pad_id).items()}
            with autocast:
                loss = answer_loss(peft_model, batch) / options.grad_accumulation
            loss.backward()
            step_loss += float(loss.item())
            tokens += int(batch["attention_mask"].sum())
            positions += batch["attention_mask"].numel()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss_value = step_loss
        on_step(step, loss_value)
        if options.eval_every and options.eval_examples and step % options.eval_every == 0:
            current = eval_loss(peft_model, options.eval_examples, batch_size, pad_id)
            peft_model.train()
            on_eval(step, current)
            best, stale = (current, 0) if current < best else (best, stale + 1)
            if options.patience and stale >= options.patience:
                break
        if folder and options.save_every and step % options.save_every == 0:
            save_checkpoint(folder, peft_model, optimizer, {"step": step, "best": best, "stale": stale})
    seconds = time.perf_counter() - started
    peft_model.eval()
    rate = tokens / seconds if seconds else 0.0
    real = tokens / positions if positions else 1.0
    return TrainResult(peft_model, seconds, rate, loss_value, real, step, best if best < math.inf else math.nan)


def _top_layers(model: Any, count: int) -> list[int] | None:
    total = int(model.config.num_hidden_layers)
    return list(range(max(0, total - count), total)) if 0 < count < total else None


@torch.no_grad()
def eval_loss(model: Any, examples: Sequence[Example], batch_size: int, pad_id: int) -> float:
    """Mean cross-entropy per answer token over ``examples`` (teacher forcing)."""
    model.eval()
    total, count = 0.0, 0
    device = next(model.parameters()).device
    for start in range(0, len(examples), batch_size):
        batch = {key: value.to(device) for key, value in collate(examples[start : start + batch_size], pad_id).items()}
        n_tokens = int((batch["labels"] != IGNORE_INDEX).sum())
        total += float(answer_loss(model, batch)) * n_tokens
        count += n_tokens
    return total / count if count else math.nan
