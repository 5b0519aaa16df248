"""The candidate against the production model: find the champion, find its per-sample scores on the same eval
set version, compare from them, and apply the run's champion rule; and the what-if re-score under other weights.
Nothing here calls the judge: every score read is already stored.

A champion with no scores on this eval set version (it was released on another) is scored once, by the
candidate's own jobs: ``champion_to_score`` (when the generation job is submitted) asks the job to answer the
eval set with the champion too and leaves a manifest beside the run's outputs; the scoring job scores those
answers with the same batches; the fan-in (``record_champion_scores``) stores them under the champion's model
version and the eval hash, where every later run finds them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlops.bootstrap import Services
from mlops.datasets import content_sha256
from mlops.evaluation import MetricWeights, compute_ml_score, read_predictions
from mlops.evaluation.batches import batch_uri
from mlops.evaluation.comparison import compare, first_model, not_comparable
from mlops.evaluation.run import summarise_for_run
from mlops.evaluation.scoring import ScoredRows, merge_scored
from mlops.gate.champion import ChampionRule
from mlops.insight_views import scored_samples
from mlops.payloads import JobMode, RowRange
from mlops.registry import RegisteredModelVersion, finetuned_name
from mlops.store import RunRecord, SampleScore
from mlops.training.azureml_events import RUNS_PREFIX

CHAMPION_DIR = "champion"  # beside the run's predictions: the champion's answers (predictions.jsonl), manifest
MANIFEST = "model.json"


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


@dataclass(frozen=True)
class ChampionToScore:
    """A champion version without scores on an eval set version, and where its weights are."""

    name: str
    version: str
    eval_sha256: str
    model_uri: str

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "eval_sha256": self.eval_sha256}


def champion_dir(predictions_uri: str) -> str:
    """Where a run's champion answers, their scores and their manifest go: beside the run's predictions."""
    return f"{predictions_uri.rsplit('/', 1)[0]}/{CHAMPION_DIR}"


def champion_predictions(predictions_uri: str) -> str:
    """The champion's answers that the generation job wrote beside the run's ``predictions_uri``."""
    return f"{champion_dir(predictions_uri)}/predictions.jsonl"


async def champion_to_score(svc: Services, run: RunRecord, mode: JobMode, eval_uri: str) -> ChampionToScore | None:
    """The champion the run will be compared with when it has no scores on this eval file yet (None: none,
    or it has some); its manifest is written where the job's outputs go, for the scoring and the fan-in."""
    base = (run.registered_model or {}).get("name")
    if not base:
        return None
    name = finetuned_name(str(base)) if mode == "finetune" else str(base)
    found = await asyncio.to_thread(svc.registry.champion, name)
    if found is None:
        return None
    ref, tags = found
    sha = content_sha256(await asyncio.to_thread(svc.blob.download_bytes, eval_uri))
    if await _baseline(svc, ref, tags.get("run_id"), sha, run.run_id):
        return None
    plan = ChampionToScore(ref.name, ref.version, sha, await asyncio.to_thread(svc.registry.get_source, ref))
    manifest = f"{champion_dir(f'{RUNS_PREFIX}/{run.run_id}/predictions.jsonl')}/{MANIFEST}"
    await asyncio.to_thread(svc.blob.upload_bytes, manifest, json.dumps(plan.as_json()).encode("utf-8"))
    return plan


async def record_champion_scores(
    svc: Services, run_id: str, predictions_uri: str, batches: list[RowRange], weights: Mapping[str, float]
) -> str | None:
    """Store the champion's scores this run's jobs produced (if its plan asked for them) under the champion's
    version and eval hash; return what happened, for the run's events (None: nothing to store)."""
    directory = champion_dir(predictions_uri)
    if not await asyncio.to_thread(svc.blob.exists, f"{directory}/{MANIFEST}"):
        return None
    plan = json.loads(await asyncio.to_thread(svc.blob.read_text, f"{directory}/{MANIFEST}"))
    answers = champion_predictions(predictions_uri)
    rows = read_predictions(await asyncio.to_thread(svc.blob.read_text, answers))
    parts = [
        ScoredRows.from_json(await asyncio.to_thread(svc.blob.read_text, batch_uri(answers, r.start, r.stop)))
        for r in batches
    ]
    result = summarise_for_run(rows, merge_scored(parts), weights, svc.settings)
    model = f"champion {plan['name']} v{plan['version']}"
    if result.failure:
        return f"{model} could not be scored on eval set {_short(plan['eval_sha256'])}: {result.failure}"
    samples = scored_samples(rows, result.per_sample, result.weights)
    await svc.store.save_champion_samples(plan["name"], plan["version"], plan["eval_sha256"], samples, run_id)
    return f"{model} scored on eval set {_short(plan['eval_sha256'])}: MLScore {result.ml_score:.3f}"


async def _baseline(
    svc: Services, ref: RegisteredModelVersion, run_id: str | None, eval_sha256: str | None, candidate: str
) -> list[SampleScore]:
    """The champion's per-sample scores on ``eval_sha256``: its release run's when that run was scored on it,
    else those generated for it by an earlier candidate's jobs (empty: none yet)."""
    if eval_sha256 is None:
        return []
    champion_run = await svc.store.get_run(run_id) if run_id and run_id != candidate else None
    if champion_run is not None and champion_run.eval_sha256 == eval_sha256:
        found = await svc.store.samples(champion_run.run_id)
        if found:
            return found
    return await svc.store.champion_samples(ref.name, ref.version, eval_sha256)


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
    if champion_run is not None and champion_run.run_id == run.run_id:
        return not_comparable(described, f"champion {described['model']} is this run")
    theirs = await _baseline(svc, ref, tags.get("run_id"), evals.sha256, run.run_id)
    if not theirs:
        return not_comparable(
            described,
            f"champion {described['model']} has no per-sample scores on eval set {_short(evals.sha256)} "
            f"(it was scored on {_short(described['eval_sha256'])}): scores on different questions are not compared",
        )
    described["eval_sha256"] = evals.sha256
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
    champion = comparison.get("champion") or {}
    if comparison.get("status") == "compared":
        ref = RegisteredModelVersion(str(champion["name"]), str(champion["version"]))
        theirs = await _baseline(svc, ref, champion.get("run_id"), run.eval_sha256, run.run_id)
        evals = await eval_set(svc, run)
        domains = evals.domains if evals.sha256 == run.eval_sha256 else []  # changed since: one "unknown" group
        compared = await asyncio.to_thread(compare, samples, theirs, chosen.as_dict(), champion, domains)
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
