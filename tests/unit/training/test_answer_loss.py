"""training_job.loss.answer_loss equals the full-sequence reference loss, on the tail-layer path and off it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from peft import LoraConfig, get_peft_model
from torch.nn import functional
from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

from training_job.lora import collate
from training_job.loss import answer_loss
from training_job.prompts import IGNORE_INDEX, Example


def _batch(vocab_size: int) -> dict[str, torch.Tensor]:
    """Rows of different lengths and answer spans; one row shorter than the longest answer span."""
    generator = torch.Generator().manual_seed(0)
    examples = []
    for length, answer in ((40, 5), (33, 9), (7, 3), (25, 1)):
        ids = torch.randint(4, vocab_size, (length,), generator=generator).tolist()
        examples.append(Example(ids, [IGNORE_INDEX] * (length - answer) + ids[-answer:]))
    return collate(examples, pad_id=3)


def _reference(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """The textbook causal LM loss: full logits over every position, shifted by one, labels masked."""
    inputs = {key: value for key, value in batch.items() if key != "labels"}
    logits = model(**inputs).logits[:, :-1]
    return functional.cross_entropy(logits.flatten(0, 1), batch["labels"][:, 1:].flatten(), ignore_index=IGNORE_INDEX)


def _lora(model: Any) -> Any:
    torch.manual_seed(1)
    config = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=["q_proj", "v_proj"])
    peft_model = get_peft_model(model, config)
    for name, parameter in peft_model.named_parameters():  # non-zero adapters, so they shape the loss
        if "lora_B" in name:
            torch.nn.init.normal_(parameter, std=0.1)
    return peft_model


def _assert_same_loss_and_gradients(model: Any) -> None:
    batch = _batch(model.config.vocab_size)
    ours, reference = answer_loss(model, batch), _reference(model, batch)
    assert ours.item() == pytest.approx(reference.item(), rel=1e-5)
    trainable = [p for p in model.parameters() if p.requires_grad]
    expected = torch.autograd.grad(reference, trainable)
    for mine, theirs in zip(torch.autograd.grad(ours, trainable), expected, strict=True):
        torch.testing.assert_close(mine, theirs, rtol=1e-4, atol=1e-6)


def test_mistral_tail_layer_loss_and_gradients_equal_the_reference(tiny_model_dir: Path) -> None:
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    assert model.config.model_type == "mistral" and model.config.sliding_window is None  # the tail-layer path
    _assert_same_loss_and_gradients(_lora(model).eval())


def test_llama_tail_layer_loss_equals_the_reference() -> None:
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=512, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, pad_token_id=3)  # fmt: skip
    _assert_same_loss_and_gradients(_lora(LlamaForCausalLM(config)).eval())


def test_other_architectures_take_the_full_model_path_with_the_same_loss(tiny_model_dir: Path) -> None:
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    model.config.sliding_window = 4096  # a sliding-window Mistral is not a shape the tail layer computes
    _assert_same_loss_and_gradients(_lora(model).eval())
