"""The comparison an approver reads: paired rows, the headline line, the regressions with both answers, per
domain, and both sides re-weighted alike."""

from mlops.evaluation.comparison import compare, first_model, summary
from mlops.store import SampleScore

REF = {"model": "m-ft v1", "name": "m-ft", "version": "1", "run_id": "r1", "eval_sha256": "abc"}


def _samples(values: list[float], answer: str) -> list[SampleScore]:
    return [
        SampleScore(i, f"q{i}", f"ref{i}", f"{answer}{i}", {"exact_match": v, "rouge_l": 1.0 - v}, None)
        for i, v in enumerate(values)
    ]


def test_the_headline_reads_scores_difference_interval_and_answers_worse() -> None:
    candidate = _samples([0.0] * 2 + [1.0] * 38, "new")
    champion = _samples([1.0] * 20 + [0.0] * 20, "old")
    result = compare(candidate, champion, {"exact_match": 1.0}, REF, ["rag_qa"] * 40)
    score = result["ml_score"]
    assert (score["candidate"], score["champion"], score["pairs"], result["worse"]) == (0.95, 0.5, 40, 2)
    assert result["summary"] == (
        f"0.950 vs 0.500 in production (+0.450, 95 % CI {score['low']:+.3f}…{score['high']:+.3f}), 2 answers worse"
    )
    assert 0.0 < score["low"] < 0.45 < score["high"] and score["p_better"] > 0.99


def test_regressions_come_most_regressed_first_with_both_answers() -> None:
    candidate = _samples([0.5, 0.0, 1.0], "new")
    champion = _samples([1.0, 1.0, 1.0], "old")
    rows = compare(candidate, champion, {"exact_match": 1.0}, REF, [])["regressions"]
    assert [(r["idx"], r["candidate_response"], r["champion_response"], r["diff"]) for r in rows] == [
        (1, "new1", "old1", -1.0),
        (0, "new0", "old0", -0.5),
    ]


def test_both_sides_are_weighted_alike_so_other_weights_flip_the_verdict() -> None:
    candidate, champion = _samples([1.0] * 10, "new"), _samples([0.0] * 10, "old")
    assert compare(candidate, champion, {"exact_match": 1.0}, REF, [])["ml_score"]["diff"] == 1.0
    assert compare(candidate, champion, {"rouge_l": 1.0}, REF, [])["ml_score"]["diff"] == -1.0


def test_each_metric_and_each_domain_get_their_own_interval() -> None:
    candidate, champion = _samples([1.0, 0.0, 1.0, 0.0], "new"), _samples([0.0, 0.0, 1.0, 1.0], "old")
    result = compare(candidate, champion, {"exact_match": 1.0}, REF, ["legal", "legal", "medical", "medical"])
    assert sorted(result["metrics"]) == ["exact_match", "rouge_l"]
    assert {name: side["diff"] for name, side in result["domains"].items()} == {"legal": 0.5, "medical": -0.5}


def test_only_rows_both_models_answered_are_paired() -> None:
    candidate = _samples([1.0, 1.0, 1.0], "new")
    champion = [s for s in _samples([0.0, 0.0, 0.0], "old") if s.idx != 1]
    assert compare(candidate, champion, {"exact_match": 1.0}, REF, [])["ml_score"]["pairs"] == 2


def test_without_a_champion_the_summary_says_first_model() -> None:
    assert summary(first_model()) == "first model: no champion in production yet"
