"""End to end: a run approved for production becomes the champion; the eval set then changes, so the next run
generates and scores the champion's answers on the new version once (the same jobs) and is compared with it
(stored on the run, on the approval card); a later run reuses those scores, and the gate's champion rule
rejects it with numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from mlops.blob import BlobStore
from tests.e2e.conftest import Api

EVAL_FILE = "blob://datasets/eval/legal_eval.jsonl"
GENERATED = "has no scores on this eval set: its answers are generated and scored with this run's"
NEVER_FAILS = '{"min_absolute_change": -1.0}'
IMPOSSIBLE = '{"min_absolute_change": 0.5}'


def _card_facts(api: Api, run_id: str) -> dict[str, str]:
    """The facts of the approval card the local Teams receiver got for the run."""
    messages = httpx.get(f"{api.devhost.base_url}/admin/webhooks/teams", timeout=30).json()["messages"]
    for message in messages:
        facts = _facts(message)
        if facts.get("Run") == run_id and "Decide before" in facts:
            return facts
    raise AssertionError(f"no approval card for {run_id}")


def run_eval_sha(api: Api, run_id: str) -> str:
    return str(api.run(run_id)["eval_sha256"])


def _facts(node: Any) -> dict[str, str]:
    if isinstance(node, dict):
        found = {f["title"]: f["value"] for f in node["facts"]} if node.get("type") == "FactSet" else {}
        for value in node.values():
            found |= _facts(value)
        return found
    if isinstance(node, list):
        return {k: v for item in node for k, v in _facts(item).items()}
    return {}


def _messages(run: dict[str, Any]) -> list[str]:
    return [str(event["message"]) for event in run["events"]]


def test_the_champion_is_scored_once_on_a_new_eval_set_and_the_rule_can_reject_against_it(
    devhost_factory: Callable[..., Any], tiny_model: Path, stack_env: dict[str, str]
) -> None:
    blob = BlobStore.from_connection_string(stack_env["BLOB_CONNECTION_STRING"])
    original = blob.download_bytes(EVAL_FILE)
    try:
        _scenario(devhost_factory, tiny_model, blob, original)
    finally:  # the stack is shared by the session's other tests
        blob.upload_bytes(EVAL_FILE, original)


def _scenario(devhost_factory: Callable[..., Any], tiny_model: Path, blob: BlobStore, original: bytes) -> None:
    with devhost_factory(GATE_CHAMPION_RULE=NEVER_FAILS) as devhost:
        api = Api(devhost)
        first = api.start_run(str(tiny_model), dataset="legal", ml_score_threshold=0.0)
        run = api.wait_for(first, {"awaiting_approval", "failed"}, timeout=900)
        assert run["comparison"]["status"] in {"first_model", "not_comparable"}, run["comparison"]
        assert (
            api.as_user("ana@contoso.com").post(f"/runs/{first}/approval", {"decision": "approve"}).status_code == 202
        )
        assert api.wait_for(first, {"completed", "failed"})["decision"] == "go_prod"
        rows = [json.loads(line) for line in original.decode("utf-8").splitlines() if line.strip()]
        rows[0]["answer"] += " (the premises)"  # a new eval set version: one reference reworded
        blob.upload_bytes(EVAL_FILE, "".join(json.dumps(row) + "\n" for row in rows).encode("utf-8"))

        second = api.start_run(str(tiny_model), dataset="legal", ml_score_threshold=0.0)
        run = api.wait_for(second, {"awaiting_approval", "failed"}, timeout=900)
        comparison = run["comparison"]
        assert (comparison["status"], comparison["champion"]["run_id"]) == ("compared", first), comparison
        assert comparison["ml_score"]["pairs"] == 40 and comparison["gate"]["passed"] is True
        assert run["eval_sha256"] == comparison["eval_sha256"] != run_eval_sha(api, first)
        assert any(GENERATED in m for m in _messages(run)), _messages(run)
        assert any(m.startswith(f"champion {comparison['champion']['model']} scored on eval") for m in _messages(run))
        assert _card_facts(api, second)["Against production"].startswith(
            f"{comparison['ml_score']['candidate']:.3f} vs {comparison['ml_score']['champion']:.3f} in production"
        )
        assert api.as_user("bo@contoso.com").post(f"/runs/{second}/approval", {"decision": "reject"}).status_code == 202

    with devhost_factory(GATE_CHAMPION_RULE=IMPOSSIBLE) as devhost:
        api = Api(devhost)
        third = api.start_run(str(tiny_model), dataset="legal", ml_score_threshold=0.0)
        run = api.wait_for(third, {"completed", "failed"}, timeout=900)
        assert (run["decision"], run["comparison"]["champion"]["run_id"]) == ("rejected", first)
        assert run["comparison"]["status"] == "compared" and run["comparison"]["ml_score"]["pairs"] == 40
        assert not any(GENERATED in m for m in _messages(run)), "the champion's scores were not reused"
        assert "champion rule on ml_score: change vs champion" in run["events"][-1]["message"]
        assert "not beyond +0.500" in run["events"][-1]["message"]
