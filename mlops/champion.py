"""The candidate against the production model: find the champion, check it was scored on the same eval set
version, compare from the stored per-sample scores, and apply the run's champion rule; and the what-if
re-score under other weights. Nothing here calls the judge: every score read is already in run_samples.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlops.bootstrap import Services
from mlops.datasets import content_sha256
from mlops.evaluation import MetricWeights, compute_ml_score
from mlops.evaluation.comparison import compare, first_model, not_comparable
from mlops.gate.champion import ChampionRule
from mlops.store import RunRecord, SampleScore


@dataclass(frozen=True)
class EvalSet:
    """The eval file a run was scored on: its content hash and each row's domain."""

    sha256: str
    domains: list[str]


async def eval_set(svc: Services, run: RunRecord) -> EvalSet:
    """The run's dataset's eval file as it is in Blob now (the scoring read it minutes ago): hash and domains
    (a row's own ``domain`` field, else the dataset's)."""
    dataset = await svc.store.get_dataset(run.dataset)
    if dataset is None:
        raise LookupError(f"dataset {run.dataset} of run {run.run_id} is not registered")
    data = await asyncio.to_thread(svc.blob.download_bytes, dataset.eval_uri)
    rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    domains = [str(row.get("domain") or dataset.domain) for row in rows]
    return EvalSet(content_sha256(data), domains)


async def comparison_for(
    svc: Services, run: RunRecord, samples: list[SampleScore], weights: Mapping[str, float], evals: EvalSet
) -> dict[str, Any]:
    """The run's comparison against its registered model's champion, with the run's champion rule applied."""
    name = (run.registered_model or {}).get("name")
    found = None if not name else await asyncio.to_thread(svc.registry.champion, str(name))
    if found is None:
        return first_model()
    ref, tags = found
    champion_run = await svc.store.get_run(tags.get("run_id", "")) if tags.get("run_id") else None
    described: dict[str, str | None] = {"model": f"{ref.name} v{ref.version}", "name": ref.name, "version": ref.version}
    described |= {"run_id": tags.get("run_id"), "eval_sha256": champion_run.eval_sha256 if champion_run else None}
    if champion_run is None or champion_run.run_id == run.run_id:
        return not_comparable(described, f"champion {described['model']} has no release run with scores")
    if champion_run.eval_sha256 != evals.sha256:
        return not_comparable(
            described,
            f"champion {described['model']} was scored on eval set {_short(champion_run.eval_sha256)}, "
            f"this run on {_short(evals.sha256)}: scores on different questions are not compared",
        )
    theirs = await svc.store.samples(champion_run.run_id)
    if not theirs:
        return not_comparable(described, f"champion {described['model']} has no per-sample scores")
    result = await asyncio.to_thread(compare, samples, theirs, weights, described, evals.domains)
    return result | {"eval_sha256": evals.sha256, "gate": gate_check(run, result)}


def gate_check(run: RunRecord, comparison: Mapping[str, Any]) -> dict[str, Any] | None:
    """The run's recorded champion rule applied to the comparison (None: its policy has no such rule)."""
    raw = (run.gate_policy or {}).get("champion_rule")
    if not raw:
        return None
    rule = ChampionRule.from_mapping(raw)
    passed, reason = rule.check(comparison)
    return {"rule": rule.as_dict(), "passed": passed, "reason": reason}


async def rescore(svc: Services, run: RunRecord, weights: Mapping[str, float]) -> dict[str, Any]:
    """The MLScore and the comparison under ``weights`` from the stored per-sample scores; the recorded
    score and decision stay as they are. Raises InvalidWeights, or EvaluationFailed (NaN policy)."""
    chosen = MetricWeights.from_mapping(weights)
    samples = await svc.store.samples(run.run_id)
    score = compute_ml_score([s.scores for s in samples], chosen, max_nan_fraction=svc.settings.eval_max_nan_fraction)
    comparison = run.comparison or first_model()
    champion_run_id = (comparison.get("champion") or {}).get("run_id")
    if comparison.get("status") == "compared" and champion_run_id:
        theirs = await svc.store.samples(str(champion_run_id))
        evals = await eval_set(svc, run)
        domains = evals.domains if evals.sha256 == run.eval_sha256 else []  # changed since: one "unknown" group
        compared = await asyncio.to_thread(compare, samples, theirs, chosen.as_dict(), comparison["champion"], domains)
        comparison = compared | {"eval_sha256": run.eval_sha256}
    return {
        "run_id": run.run_id,
        "weights": chosen.as_dict(),
        "ml_score": score.value,
        "metrics": score.metrics,
        "notes": score.notes,
        "comparison": comparison,
        "recorded": {"ml_score": run.ml_score, "decision": run.decision, "weights": run.metric_weights},
        "judge_calls": 0,  # what this re-score asked the judge: it reads stored scores only
    }


def _short(sha: str | None) -> str:
    return "an unrecorded version" if not sha else sha[:12]
