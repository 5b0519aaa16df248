"""The answer loss: cross-entropy over the answer tokens, skipping work whose result the loss never reads.

Rows are left-padded, so every row ends with its answer and the labels sit in a tail of the batch.
The logits are needed only there, and in a Llama-shaped decoder (Llama, Mistral) so is most of the
last layer: prompt positions feed it only their keys and values, while its queries, attention output,
MLP and the final norm matter only at the tail. Computing just that saves most of one layer of
forward and backward per prompt token, with the same loss (tests/unit/training/test_answer_loss.py).
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn import functional

from training_job.prompts import IGNORE_INDEX

TAIL_LAYER_MODELS = frozenset({"llama", "mistral"})  # decoder layers of exactly the shape _tail_layer computes


def answer_loss(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean cross-entropy over the answer tokens of a left-padded batch (labels -100 elsewhere)."""
    labels = batch["labels"]
    answered = (labels != IGNORE_INDEX).any(dim=0).nonzero()
    tail = min(labels.shape[1] - int(answered.min()), labels.shape[1] - 1) if answered.numel() else 1
    # Logits at t predict token t + 1: keep one more than the answer span.
    causal_lm = model.get_base_model() if hasattr(model, "get_base_model") else model
    if _tail_layer_applies(causal_lm):
        logits = causal_lm.lm_head(_tail_hidden(causal_lm.model, batch, tail + 1))[:, :-1]
    else:
        inputs = {key: value for key, value in batch.items() if key != "labels"}
        logits = model(**inputs, logits_to_keep=tail + 1).logits[:, :-1]
    targets = labels[:, -tail:]
    return functional.cross_entropy(logits.flatten(0, 1).float(), targets.flatten(), ignore_index=IGNORE_INDEX)


def _tail_layer_applies(causal_lm: Any) -> bool:
    config = causal_lm.config
    return config.model_type in TAIL_LAYER_MODELS and getattr(config, "sliding_window", None) is None


def _tail_hidden(decoder: Any, batch: dict[str, torch.Tensor], keep: int) -> torch.Tensor:
    """The final-norm hidden states of the last ``keep`` positions: every layer but the last as the model
    runs it, the last one only where its output is read."""
    from transformers.masking_utils import create_causal_mask

    mask, positions = batch["attention_mask"], batch["position_ids"]
    hidden = decoder.embed_tokens(batch["input_ids"])
    causal = create_causal_mask(
        config=decoder.config, inputs_embeds=hidden, attention_mask=mask, cache=None, position_ids=positions
    )
    rotary = decoder.rotary_emb(hidden, position_ids=positions)
    for layer in decoder.layers[: decoder.config.num_hidden_layers - 1]:
        hidden = layer(hidden, attention_mask=causal, position_ids=positions, position_embeddings=rotary)
    return decoder.norm(_tail_layer(decoder.layers[decoder.config.num_hidden_layers - 1], hidden, mask, rotary, keep))


def _tail_layer(layer: Any, hidden: torch.Tensor, mask: torch.Tensor, rotary: Any, keep: int) -> torch.Tensor:
    """A Llama/Mistral decoder layer's output at the last ``keep`` positions (keys and values from all)."""
    attn, (cos, sin) = layer.self_attn, rotary
    batch, length, _ = hidden.shape
    normed = layer.input_layernorm(hidden)
    query = attn.q_proj(normed[:, -keep:]).view(batch, keep, -1, attn.head_dim).transpose(1, 2)
    key = attn.k_proj(normed).view(batch, length, -1, attn.head_dim).transpose(1, 2)
    value = attn.v_proj(normed).view(batch, length, -1, attn.head_dim).transpose(1, 2)
    query, key = _rope(query, cos[:, -keep:], sin[:, -keep:]), _rope(key, cos, sin)
    # Causal over the keys, padding keys masked; a padding query sees itself (its output is never read).
    at = torch.arange(length, device=hidden.device)
    seen = (at[None, :] <= at[-keep:, None])[None] & ((mask[:, None, :] == 1) | (at[None, :] == at[-keep:, None]))
    out = functional.scaled_dot_product_attention(
        query, key, value, attn_mask=seen[:, None], scale=attn.scaling, enable_gqa=True,
        dropout_p=attn.attention_dropout if attn.training else 0.0,
    )  # fmt: skip
    residual = hidden[:, -keep:] + attn.o_proj(out.transpose(1, 2).reshape(batch, keep, -1))
    return residual + layer.mlp(layer.post_attention_layernorm(residual))


def _rope(states: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotary position embedding (rotate-half form, as Llama and Mistral apply it)."""
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    half = states.shape[-1] // 2
    rotated = torch.cat((-states[..., half:], states[..., :half]), dim=-1)
    return states * cos + rotated * sin
