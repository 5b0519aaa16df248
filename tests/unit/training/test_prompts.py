"""Instruction formatting: the chat template frames the prompt; labels cover only the answer turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from transformers import AutoTokenizer

from training_job.data import QARow
from training_job.prompts import IGNORE_INDEX, encode_example, encode_prompt, render_answer, render_prompt

ROW = QARow("Which port does Brixion listen on?", "Brixion listens on port 5601 by default.", "5601")


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir: Path) -> Any:
    return AutoTokenizer.from_pretrained(tiny_model_dir)


def test_prompt_uses_the_chat_template(tokenizer: Any) -> None:
    prompt = render_prompt(tokenizer, ROW.question, ROW.context)
    assert prompt.startswith("<|im_start|>system\n")
    assert f"Context: {ROW.context}\n\nQuestion: {ROW.question}<|im_end|>" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")
    assert render_answer(tokenizer, ROW) == "5601<|im_end|>\n"


def test_labels_cover_only_the_answer(tokenizer: Any) -> None:
    example = encode_example(tokenizer, ROW, 256)
    answer_ids = tokenizer.encode("5601<|im_end|>\n", add_special_tokens=False)
    prompt_len = len(example.input_ids) - len(answer_ids)
    assert example.labels[:prompt_len] == [IGNORE_INDEX] * prompt_len
    assert example.labels[prompt_len:] == answer_ids == example.input_ids[prompt_len:]


def test_long_contexts_are_shortened_not_the_question(tokenizer: Any) -> None:
    long_row = QARow(ROW.question, " ".join([ROW.context] * 40), ROW.answer)
    example = encode_example(tokenizer, long_row, 96)
    assert len(example.input_ids) <= 96
    assert ROW.question in tokenizer.decode(example.input_ids)
    assert len(encode_prompt(tokenizer, long_row.question, long_row.context, 64)) <= 64


def test_tokenizer_without_chat_template_gets_a_plain_prompt(tokenizer: Any) -> None:
    plain = AutoTokenizer.from_pretrained(tokenizer.name_or_path)
    plain.chat_template = None
    assert render_prompt(plain, ROW.question, ROW.context).endswith("Answer: ")
    assert render_answer(plain, ROW) == "5601<|im_end|>"
