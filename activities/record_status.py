"""Activity: write one status transition (run row + audit event) to PostgreSQL."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from activities.names import RECORD_STATUS
from mlops import telemetry
from mlops.bootstrap import services
from mlops.payloads import StatusUpdate
from mlops.store import RunFields

bp = df.Blueprint()


@bp.function_name(RECORD_STATUS)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def record_status(payload: dict[str, Any]) -> None:
    """Apply the transition once: a re-run of this activity finds its audit row and changes nothing."""
    update = StatusUpdate.model_validate(payload)
    telemetry.annotate(status=update.status)
    await _record(update)
    telemetry.log_status(update.run_id, update.status, update.message or "")


async def _record(update: StatusUpdate) -> None:
    store = (await services()).store
    if update.decision == "expired":  # the deadline's side of the run's one outcome (mlops.store.approvals)
        await store.close_approval(update.run_id)
    # One primary-key read: the stage this transition closes and when the run entered it (updated_at is
    # written by transitions only), so its duration is known without another column.
    before = await store.get_run(update.run_id)
    after = await store.record_transition(
        update.run_id,
        update.status,
        update.message,
        decision=update.decision,
        fields=RunFields(**update.fields) if update.fields else None,
        dedupe_key=f"status:{update.status}",
    )
    if before is not None and after.updated_at > before.updated_at:  # not a deduplicated re-run
        seconds = (after.updated_at - before.updated_at).total_seconds()
        telemetry.record_stage_duration(update.run_id, before.status, seconds)
