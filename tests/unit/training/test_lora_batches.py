"""Length-grouped batching of the LoRA loop: every example once per epoch, batches of similar lengths."""

from __future__ import annotations

import random

from training_job.lora import _batches, collate
from training_job.prompts import Example


def _examples(count: int) -> list[Example]:
    rng = random.Random(1)
    lengths = [rng.randint(4, 120) for _ in range(count)]
    return [Example(list(range(n)), [-100] * (n - 1) + [n]) for n in lengths]


def test_one_epoch_covers_every_example_once_with_little_padding() -> None:
    examples = _examples(128)
    batches = _batches(examples, 8, seed=0)
    epoch = [next(batches) for _ in range(16)]
    assert sorted(id(e) for batch in epoch for e in batch) == sorted(id(e) for e in examples)
    real = sum(len(e.input_ids) for e in examples)
    padded = sum(collate(batch, 0)["attention_mask"].numel() for batch in epoch)
    assert real / padded > 0.9


def test_batches_are_seeded() -> None:
    examples = _examples(40)
    first = [[id(e) for e in next(_batches(examples, 4, seed=3))] for _ in range(2)]
    assert first[0] == first[1]
    assert [id(e) for e in next(_batches(examples, 4, seed=4))] != first[0]
