"""The approval card names the gate policy the decision is taken under: its version, floor, profile, N."""

from mlops.approvals.notify import publish_card
from mlops.gate import GatePolicy
from mlops.settings import Settings
from mlops.store import RunStore
from tests.integration.store.support import DATASET, new_run

SETTINGS = Settings.from_env(
    {"DATABASE_URL": "postgresql://u@/db", "BLOB_CONNECTION_STRING": "x", "MLFLOW_TRACKING_URI": "sqlite:///m.db"}
)


async def test_the_approval_card_shows_the_runs_gate_policy(run_store: RunStore) -> None:
    policy = GatePolicy(threshold_floor=0.6, approvals_required=2)
    await run_store.upsert_dataset(DATASET)
    run = await run_store.create_run(
        new_run(gate_policy=policy.snapshot(), policy_version=policy.version, weight_profile="default")
    )
    facts = {"deadline": "2030-01-01T00:00:00+00:00", "model_version": "1"}
    card = await publish_card(run_store, SETTINGS, "approval_requested", run.run_id, facts, None)
    shown = {fact["title"]: fact["value"] for fact in card["body"][1]["facts"]}
    assert shown["Gate policy"] == f"{policy.version} (floor 0.6, profile default, 2 approvals)"
