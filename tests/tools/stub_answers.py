"""Deterministic judge answers for the RAGAS prompts, chosen by the output schema named in the prompt.

Verdicts come from word overlap (a statement is 'in' a text when half its content words are), so
the stub judge agrees with the truth on clear cases: a copied answer is faithful, babble is not.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

WORD = re.compile(r"[a-z0-9]+")
STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "by",
        "for",
        "with",
        "as",
        "at",
        "it",
        "this",
        "that",
    ]
)


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP}


def supported(statement: str, text: str) -> int:
    wanted = words(statement)
    return int(bool(wanted) and len(wanted & words(text)) * 2 >= len(wanted))


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p.strip()]
    return parts or ([text.strip()] if text.strip() else [])


def schema_and_input(prompt: str) -> tuple[str, dict[str, Any]]:
    """The output model's title and the input object of a RAGAS PydanticPrompt."""
    marker = "JSON Schema:\n"
    start = prompt.find(marker)
    schema, _ = json.JSONDecoder().raw_decode(prompt[start + len(marker) :]) if start >= 0 else ({}, 0)
    tail = prompt.rsplit("input: ", 1)[-1].rsplit("Output:", 1)[0]
    try:
        data = json.loads(tail)
    except json.JSONDecodeError:
        data = {}
    return str(schema.get("title", "")), data if isinstance(data, dict) else {}


def answer(prompt: str) -> str:
    """The JSON text a careful judge would give to this prompt."""
    title, data = schema_and_input(prompt)
    handler = HANDLERS.get(title)
    return json.dumps(handler(data)) if handler else json.dumps({"text": "unsupported prompt"})


def _statements(data: dict[str, Any]) -> dict[str, Any]:
    return {"statements": sentences(str(data.get("answer", "")))}


def _nli(data: dict[str, Any]) -> dict[str, Any]:
    context = str(data.get("context", ""))
    return {
        "statements": [
            {"statement": s, "reason": "word overlap", "verdict": supported(s, context)}
            for s in data.get("statements", [])
        ]
    }


def _relevance(data: dict[str, Any]) -> dict[str, Any]:
    response = str(data.get("response", ""))
    evasive = any(p in response.lower() for p in ("don't know", "not sure", "no idea"))
    return {"question": f"What is {response.rstrip('.')}?", "noncommittal": int(evasive)}


def _verification(data: dict[str, Any]) -> dict[str, Any]:
    verdict = supported(str(data.get("answer", "")), str(data.get("context", "")))
    return {"reason": "word overlap", "verdict": verdict}


def _recall(data: dict[str, Any]) -> dict[str, Any]:
    context = str(data.get("context", ""))
    return {
        "classifications": [
            {"statement": s, "reason": "word overlap", "attributed": supported(s, context)}
            for s in sentences(str(data.get("answer", "")))
        ]
    }


def _correctness(data: dict[str, Any]) -> dict[str, Any]:
    answers, truths = list(data.get("answer", [])), list(data.get("ground_truth", []))
    truth_text, answer_text = " ".join(truths), " ".join(answers)
    item = lambda s: {"statement": s, "reason": "word overlap"}  # noqa: E731
    return {
        "TP": [item(s) for s in answers if supported(s, truth_text)],
        "FP": [item(s) for s in answers if not supported(s, truth_text)],
        "FN": [item(s) for s in truths if not supported(s, answer_text)],
    }


def _fix_format(data: dict[str, Any]) -> dict[str, Any]:
    return {"text": str(data.get("output_string", ""))}


HANDLERS = {
    "StatementGeneratorOutput": _statements,
    "NLIStatementOutput": _nli,
    "ResponseRelevanceOutput": _relevance,
    "Verification": _verification,
    "ContextRecallClassifications": _recall,
    "ClassificationWithReason": _correctness,
    "StringIO": _fix_format,
}


def embedding(text: str, dim: int = 64) -> list[float]:
    """A unit bag-of-words vector (feature hashing): texts sharing words point the same way."""
    vector = [0.0] * dim
    for word in words(text) or {text}:
        digest = hashlib.sha256(word.encode()).digest()
        vector[digest[0] % dim] += 1.0 if digest[1] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]
