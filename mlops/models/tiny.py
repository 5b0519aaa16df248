"""A tiny Mistral-shaped causal LM with a byte-level BPE tokenizer trained on our own data.

It loads through the real ``AutoModelForCausalLM`` / ``AutoTokenizer.from_pretrained`` path with
no hub, builds in seconds, and exists to test the code path: it cannot learn to answer from the
context (use SmolLM2 where a run must honestly learn).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import GenerationConfig, MistralConfig, MistralForCausalLM, PreTrainedTokenizerFast

from mlops.models.errors import ModelBuildError

BOS, IM_START, IM_END, PAD = "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"
# ChatML, the template SmolLM2-Instruct ships: both models see the same instruction format.
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
_ROLE_LINES = ("system", "user", "assistant", "Context:", "Question:", "Answer:")


def build_tiny_model(
    output_dir: Path,
    corpus_texts: Sequence[str],
    *,
    vocab_size: int = 2048,
    hidden_size: int = 256,
    num_layers: int = 4,
    seed: int = 0,
) -> Path:
    """Train a tokenizer on ``corpus_texts``, build a model seeded by ``seed``; save to ``output_dir``."""
    texts = [text for text in corpus_texts if text.strip()]
    if not texts:
        raise ModelBuildError("the tiny model needs a non-empty corpus to train its tokenizer")
    tokenizer = _train_tokenizer([*texts, *_ROLE_LINES], vocab_size)
    config = MistralConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=num_layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        sliding_window=None,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    model = MistralForCausalLM(config)
    model.generation_config = GenerationConfig(
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, do_sample=False
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)
    return output_dir


def _train_tokenizer(texts: Iterable[str], vocab_size: int) -> PreTrainedTokenizerFast:
    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[BOS, IM_START, IM_END, PAD],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token=BOS,
        eos_token=IM_END,
        pad_token=PAD,
        model_max_length=1024,
        chat_template=CHAT_TEMPLATE,
    )


def corpus_from_jsonl(paths: Iterable[Path]) -> list[str]:
    """Every question, context and answer string of the dataset rows in ``paths``, in file order."""
    texts: list[str] = []
    for path in sorted(paths):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ModelBuildError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            texts.extend(str(row.get(key, "")) for key in ("question", "context", "answer"))
    return texts
