"""Instruction formatting of (question, context, answer): the tokenizer's chat template when it has one.

Training sequences are prompt + answer turn, with labels masked (-100) on the prompt so the loss
covers only the answer tokens; generation uses exactly the same prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError

from training_job.data import QARow

INSTRUCTION = "Answer the question with the exact words from the context. Reply with the answer only."
IGNORE_INDEX = -100


@dataclass(frozen=True)
class Example:
    input_ids: list[int]
    labels: list[int]


def _user_text(question: str, context: str) -> str:
    return f"Context: {context}\n\nQuestion: {question}"


def _messages(tokenizer: Any, question: str, context: str) -> list[dict[str, str]]:
    user = _user_text(question, context)
    with_system = [{"role": "system", "content": INSTRUCTION}, {"role": "user", "content": user}]
    try:
        tokenizer.apply_chat_template(with_system, tokenize=False, add_generation_prompt=True)
    except TemplateError:  # templates that refuse a system turn get the instruction in the user turn
        return [{"role": "user", "content": f"{INSTRUCTION}\n\n{user}"}]
    return with_system


def render_prompt(tokenizer: Any, question: str, context: str) -> str:
    """The text the model is given, ending where its answer starts."""
    if not tokenizer.chat_template:
        return f"{INSTRUCTION}\n\n{_user_text(question, context)}\n\nAnswer: "
    messages = _messages(tokenizer, question, context)
    return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))


def render_answer(tokenizer: Any, row: QARow) -> str:
    """The answer turn as the template closes it (e.g. ``answer<|im_end|>``), else answer + EOS."""
    fallback = row.answer + (tokenizer.eos_token or "")
    if not tokenizer.chat_template:
        return fallback
    messages = _messages(tokenizer, row.question, row.context)
    prompt = str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))
    turn = [*messages, {"role": "assistant", "content": row.answer}]
    full = str(tokenizer.apply_chat_template(turn, tokenize=False))
    return full[len(prompt) :] if full.startswith(prompt) else fallback


def encode_prompt(tokenizer: Any, question: str, context: str, budget: int) -> list[int]:
    """Token ids of the prompt in at most ``budget`` tokens; the context is shortened, not the question."""
    ids: list[int] = []
    for _ in range(4):
        ids = tokenizer.encode(render_prompt(tokenizer, question, context), add_special_tokens=False)
        if len(ids) <= budget:
            return ids
        context_ids = tokenizer.encode(context, add_special_tokens=False)
        keep = max(0, len(context_ids) - (len(ids) - budget) - 1)
        context = tokenizer.decode(context_ids[:keep])
    return ids[-budget:]


def encode_example(tokenizer: Any, row: QARow, max_length: int) -> Example:
    """Prompt + answer ids within ``max_length``, labels only on the answer tokens."""
    answer_ids = tokenizer.encode(render_answer(tokenizer, row), add_special_tokens=False)[: max_length // 2]
    prompt_ids = encode_prompt(tokenizer, row.question, row.context, max_length - len(answer_ids))
    return Example(prompt_ids + answer_ids, [IGNORE_INDEX] * len(prompt_ids) + answer_ids)
