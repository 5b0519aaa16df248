"""The run page's comparison table: one row per MLScore, metric and domain scored by both models."""

from ui.comparison import sides

SIDE = {"candidate": 0.91, "champion": 0.88, "diff": 0.03, "low": 0.01, "high": 0.05, "p_better": 0.99, "pairs": 40}
EMPTY = dict.fromkeys(("candidate", "champion", "diff", "low", "high", "p_better")) | {"pairs": 0}


def test_the_table_lists_mlscore_metrics_and_domains_with_their_interval() -> None:
    comparison = {"ml_score": SIDE, "metrics": {"rouge_l": SIDE, "bleu": EMPTY}, "domains": {"legal": SIDE}}
    table = sides(comparison)
    assert list(table["what"]) == ["MLScore", "rouge_l", "domain legal"]
    assert table.iloc[0]["95 % CI"] == "+0.010 … +0.050"
