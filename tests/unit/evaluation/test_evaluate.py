import random
from collections.abc import Callable
from typing import Any

import pytest

from mlops.evaluation import EvaluationFailed, EvaluationResult, PredictionRow, evaluate_predictions

WORDS = ["banana", "orbit", "velvet", "cascade", "lantern", "quartz", "meadow", "pixel", "thunder", "harbour"]
Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def eval_rows(dataset_rows: Callable[[str], Rows]) -> Rows:
    return [
        *dataset_rows("eval/medical_eval.jsonl")[:8],
        *dataset_rows("eval/legal_eval.jsonl")[:8],
        *dataset_rows("eval/rag_qa_eval.jsonl")[:8],
    ]


def predictions(rows: Rows, respond: Callable[[dict[str, str]], str]) -> list[PredictionRow]:
    return [PredictionRow(r["question"], r["context"], r["answer"], respond(r)) for r in rows]


def test_copied_answers_score_high(embeddings: Any, eval_rows: Rows) -> None:
    result = evaluate_predictions(predictions(eval_rows, lambda r: r["answer"]))
    assert result.ml_score >= 0.9
    assert result.metrics["exact_match"] == 1.0
    assert result.sample_count == len(result.per_sample) == 24


def test_babble_scores_low(embeddings: Any, eval_rows: Rows) -> None:
    rng = random.Random(0)
    result = evaluate_predictions(predictions(eval_rows, lambda r: " ".join(rng.sample(WORDS, 4))))
    assert result.ml_score <= 0.3
    assert result.metrics["context_recall"] == 1.0  # reported, weight 0: it scores the retriever


def test_empty_answers_score_zero_with_a_note(embeddings: Any, eval_rows: Rows) -> None:
    result = evaluate_predictions(predictions(eval_rows[:5], lambda r: ""))
    assert result.ml_score == 0.0
    assert result.notes == [
        "5 of 5 responses empty: scored 0 on answer metrics",
        "no judge configured (AZURE_AI_ENDPOINT unset): LLM-free metrics only",
    ]


def test_custom_weights_and_json_round_trip(embeddings: Any, eval_rows: Rows) -> None:
    right = predictions(eval_rows[:4], lambda r: r["answer"])
    wrong = predictions(eval_rows[4:8], lambda r: "no idea")
    result = evaluate_predictions(right + wrong, {"exact_match": 1.0})
    assert result.ml_score == 0.5
    assert result.weights["exact_match"] == 1.0 and result.weights["semantic_similarity"] == 0.0
    assert EvaluationResult.from_json(result.to_json()) == result


def test_rows_without_a_reference_are_nan_not_a_crash(embeddings: Any, eval_rows: Rows) -> None:
    answered = predictions(eval_rows[:9], lambda r: r["answer"])
    unreferenced = PredictionRow(eval_rows[9]["question"], eval_rows[9]["context"], "  ", "some answer")
    result = evaluate_predictions([*answered, unreferenced])
    assert result.per_sample[-1]["semantic_similarity"] is None and result.per_sample[-1]["exact_match"] is None
    assert result.nan_fractions["exact_match"] == pytest.approx(0.1) and result.failure is None
    assert result.metrics["exact_match"] == 1.0  # the 9 referenced rows, not dragged down by the tenth
    assert "1 of 10 rows without a reference: answer metrics NaN for them" in result.notes


def test_a_set_without_references_fails_the_nan_policy(embeddings: Any, eval_rows: Rows) -> None:
    rows = [PredictionRow(r["question"], r["context"], "", r["answer"]) for r in eval_rows[:4]]
    with pytest.raises(EvaluationFailed, match="exact_match"):
        evaluate_predictions(rows)
