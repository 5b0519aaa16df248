"""The evaluation report an approver reads: metric table, weights, NaN decision, judge cost and the
worst samples (question / context / answer / reference), as JSON and as Markdown."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mlops.evaluation.evaluate import EvaluationResult
from mlops.evaluation.rows import PredictionRow

WORST = 5
CONTEXT_CHARS = 300


def sample_score(scores: dict[str, float | None], weights: dict[str, float]) -> float | None:
    """A sample's weighted score over its non-missing weighted metrics (None when it has none)."""
    pairs = [(w, scores.get(n)) for n, w in weights.items() if w > 0 and scores.get(n) is not None]
    total = sum(w for w, _ in pairs)
    return None if total <= 0 else sum(w * float(v) for w, v in pairs if v is not None) / total


def build_report(result: EvaluationResult, rows: Sequence[PredictionRow], worst: int = WORST) -> dict[str, Any]:
    """The report as a JSON-ready dict; samples that could not be scored rank worst."""
    ranked = sorted(
        range(len(rows)),
        key=lambda i: ((s := sample_score(result.per_sample[i], result.weights)) is not None and s) or -1.0,
    )
    return {
        "ml_score": result.ml_score,
        "failure": result.failure,
        "decision": result.decision,
        "judge": result.judge,
        "judge_usage": result.judge_usage,
        "sample_count": result.sample_count,
        "metrics": result.metrics,
        "weights": result.weights,
        "effective_weights": result.effective_weights,
        "nan_fractions": result.nan_fractions,
        "notes": result.notes,
        "worst_samples": [
            {
                "index": i,
                "score": sample_score(result.per_sample[i], result.weights),
                **rows[i].to_dict(),
                "scores": result.per_sample[i],
            }
            for i in ranked[:worst]
        ],
    }


def report_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, allow_nan=False, ensure_ascii=False)


def report_markdown(report: dict[str, Any]) -> str:
    """The readable form: verdict first, then why."""
    fmt = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    verdict = f"FAILED: {report['failure']}" if report["failure"] else f"MLScore **{report['ml_score']:.3f}**"
    lines = [
        f"# Evaluation report\n\n{verdict}\n",
        f"Samples: {report['sample_count']}; judge: {report['judge'] or 'none'}\n",
    ]
    lines += ["| metric | value | weight | effective weight | NaN share |", "|---|---|---|---|---|"]
    for name, value in report["metrics"].items():
        lines.append(
            f"| {name} | {fmt(value)} | {report['weights'].get(name, 0.0):.2f} | "
            f"{report['effective_weights'].get(name, 0.0):.2f} | {report['nan_fractions'].get(name, 0.0):.0%} |"
        )
    decision = report["decision"]
    lines.append(f"\nNaN policy: {decision.get('nan_policy')} (max NaN share {decision.get('max_nan_fraction')})")
    if report["judge_usage"]:
        usage = report["judge_usage"]
        lines.append(
            f"\nJudge: {usage['chat_calls']:.0f} chat + {usage['embedding_calls']:.0f} embedding calls, "
            f"{usage['cache_hits']:.0f} cache hits, {usage['retries']:.0f} retries, "
            f"{usage['input_tokens']:.0f} in / {usage['output_tokens']:.0f} out tokens, est. cost {usage['cost']:.4f}"
        )
    lines += [f"- {note}" for note in report["notes"]]
    if report.get("comparison"):
        lines += _comparison_markdown(report["comparison"])
    lines.append(f"\n## The {len(report['worst_samples'])} worst samples\n")
    for sample in report["worst_samples"]:
        context = sample["context"][:CONTEXT_CHARS] + ("…" if len(sample["context"]) > CONTEXT_CHARS else "")
        scores = ", ".join(f"{k} {fmt(v)}" for k, v in sample["scores"].items())
        lines += [
            f"### #{sample['index']} — score {fmt(sample['score'])}",
            f"- **question**: {sample['question']}",
            f"- **context**: {context}",
            f"- **answer**: {sample['response'] or '(empty)'}",
            f"- **reference**: {sample['reference']}",
            f"- scores: {scores}\n",
        ]
    return "\n".join(lines)


def _comparison_markdown(comparison: dict[str, Any]) -> list[str]:
    """Against the champion: the headline, each metric's paired difference, and the answers that got worse."""
    lines = ["\n## Against the production model (champion)\n", comparison["summary"]]
    if comparison.get("status") != "compared":
        return lines
    champion = comparison["champion"]
    lines.append(
        f"\nChampion {champion['model']}; paired bootstrap, {comparison['resamples']} resamples (seed "
        f"{comparison['seed']}), eval set {str(comparison.get('eval_sha256', ''))[:12]}\n"
    )
    lines += ["| metric | candidate | champion | difference | 95 % CI | P(better) |", "|---|---|---|---|---|---|"]
    rows = {"MLScore": comparison["ml_score"], **comparison["metrics"]}
    rows |= {f"domain {name}": side for name, side in comparison["domains"].items()}
    for name, side in rows.items():
        if side["pairs"]:
            lines.append(
                f"| {name} | {side['candidate']:.3f} | {side['champion']:.3f} | {side['diff']:+.3f} | "
                f"{side['low']:+.3f}…{side['high']:+.3f} | {side['p_better']:.0%} |"
            )
    gate = comparison.get("gate")
    if gate:
        lines.append(f"\nChampion rule: {'passed' if gate['passed'] else 'FAILED: ' + str(gate['reason'])}")
    lines.append(f"\n### {comparison['worse']} answers worse than the champion's (most regressed first)\n")
    for row in comparison["regressions"]:
        lines += [
            f"- #{row['idx']} ({row['diff']:+.3f}) **{row['question']}** — reference: {row['reference']}",
            f"  - candidate ({row['candidate_score']:.3f}): {row['candidate_response'] or '(empty)'}",
            f"  - champion ({row['champion_score']:.3f}): {row['champion_response'] or '(empty)'}",
        ]
    return lines
