import asyncio
import math
import warnings
from pathlib import Path
from typing import Any

import pytest

from mlops.evaluation import EmbeddingModelMissing, PredictionRow
from mlops.evaluation.embeddings import load_embeddings
from mlops.evaluation.metrics import ANSWER_METRICS, build_scorers, normalise_answer, score_row

CONTEXT = "Innes Software was founded in 2015 in Tallinn. Its chief executive is Soren Albrecht."


def row(reference: str, response: str) -> PredictionRow:
    return PredictionRow("Who is the chief executive of Innes Software?", CONTEXT, reference, response)


def scores(embeddings: Any, reference: str, response: str) -> dict[str, float]:
    return asyncio.run(score_row(row(reference, response), build_scorers(embeddings), {}))


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("  Soren   Albrecht. ", "soren albrecht"),
        ("E-220!", "e 220"),
        ("“Clause 5.2”", "clause 5 2"),
        ("TLS\tEnabled", "tls enabled"),
        ("25 °C", "25 °c"),
    ],
)
def test_normalise_answer(raw: str, normal: str) -> None:
    assert normalise_answer(raw) == normal


def test_exact_match_ignores_case_whitespace_and_punctuation(embeddings: Any) -> None:
    assert scores(embeddings, "Soren Albrecht", " soren  albrecht.\n")["exact_match"] == 1.0
    assert scores(embeddings, "Soren Albrecht", "Soren")["exact_match"] == 0.0


def test_copied_span_scores_one_everywhere(embeddings: Any) -> None:
    assert all(math.isclose(v, 1.0) for v in scores(embeddings, "Soren Albrecht", "Soren Albrecht").values())


def test_empty_response_scores_zero_on_answer_metrics(embeddings: Any) -> None:
    result = scores(embeddings, "Soren Albrecht", "   ")
    assert {name: result[name] for name in ANSWER_METRICS} == dict.fromkeys(ANSWER_METRICS, 0.0)
    assert result["context_recall"] == 1.0  # the retriever's score: the gold context is always retrieved


def test_a_metric_that_raises_gives_nan_for_that_sample() -> None:
    async def broken(_: PredictionRow) -> float:
        raise RuntimeError("boom")

    async def fine(_: PredictionRow) -> float:
        return 0.5

    errors: dict[str, str] = {}
    result = asyncio.run(score_row(row("a", "b"), {"broken": broken, "fine": fine}, errors))
    assert math.isnan(result["broken"]) and result["fine"] == 0.5
    assert errors == {"broken": "RuntimeError: boom"}


def test_collections_api_matches_the_older_metric_classes(embeddings: Any) -> None:
    from ragas.dataset_schema import SingleTurnSample

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas.metrics import BleuScore, NonLLMStringSimilarity, RougeScore, SemanticSimilarity

    legacy = {
        "semantic_similarity": SemanticSimilarity(embeddings=embeddings),
        "string_similarity": NonLLMStringSimilarity(),
        "rouge_l": RougeScore(),
        "bleu": BleuScore(kwargs={"use_effective_order": True}),
    }
    pairs = [("three years", "three"), ("May 2014", "the year of the cat"), ("40 mg", "40 mg")]
    for reference, response in pairs:
        ours = scores(embeddings, reference, response)
        sample = SingleTurnSample(reference=reference, response=response)
        for name, metric in legacy.items():
            old = asyncio.run(metric.single_turn_ascore(sample))
            assert ours[name] == pytest.approx(min(1.0, max(0.0, old)), abs=1e-6), name


def test_batch_primed_vectors_give_the_same_similarity(embeddings: Any) -> None:
    sample = row("three years", "three")
    primed = asyncio.run(build_scorers(embeddings, [sample])["semantic_similarity"](sample))
    on_demand = asyncio.run(build_scorers(embeddings)["semantic_similarity"](sample))
    assert primed == pytest.approx(on_demand, abs=1e-5)


def test_missing_embedding_model_is_a_typed_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(EmbeddingModelMissing, match=r"lacks modules\.json, model\.safetensors, tokenizer"):
        load_embeddings(tmp_path)
