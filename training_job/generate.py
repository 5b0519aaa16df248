"""Greedy batched generation of answers for the eval rows (left padding), as predictions.jsonl rows."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from training_job.data import QARow
from training_job.prompts import encode_prompt


@dataclass(frozen=True)
class Generated:
    rows: list[dict[str, str]]
    seconds: float
    new_tokens: int


def _left_pad(prompts: Sequence[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(ids) for ids in prompts)
    ids = [[pad_id] * (width - len(p)) + p for p in prompts]
    mask = [[0] * (width - len(p)) + [1] * len(p) for p in prompts]
    return torch.tensor(ids), torch.tensor(mask)


@torch.no_grad()
def generate_answers(
    model: Any,
    tokenizer: Any,
    rows: Sequence[QARow],
    *,
    max_length: int,
    max_new_tokens: int,
    batch_size: int,
) -> Generated:
    """Answer every row greedily; ``response`` is the decoded new text up to EOS, whitespace-stripped."""
    model.eval()
    pad_id, eos_id = tokenizer.pad_token_id, tokenizer.eos_token_id
    pad_id = eos_id if pad_id is None else pad_id
    budget = max(8, max_length - max_new_tokens)
    out: list[dict[str, str]] = []
    new_tokens, started = 0, time.perf_counter()
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        input_ids, mask = _left_pad([encode_prompt(tokenizer, r.question, r.context, budget) for r in chunk], pad_id)
        device = next(model.parameters()).device
        generated = model.generate(
            input_ids=input_ids.to(device),
            attention_mask=mask.to(device),
            max_new_tokens=max_new_tokens,
            do_sample=False,
            pad_token_id=pad_id,
            eos_token_id=eos_id,
        )[:, input_ids.shape[1] :]
        for row, ids in zip(chunk, generated.tolist(), strict=True):
            answer_ids = ids[: ids.index(eos_id)] if eos_id in ids else ids
            new_tokens += len(answer_ids)
            response = tokenizer.decode(answer_ids, skip_special_tokens=True).strip()
            out.append(
                {
                    "question": row.question,
                    "context": row.context,
                    "reference": row.answer,
                    "response": response,
                }
            )
    return Generated(out, time.perf_counter() - started, new_tokens)
