"""Activity: write one status transition (run row + audit event) to PostgreSQL."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from mlops import telemetry
from mlops.bootstrap import services
from mlops.payloads import StatusUpdate
from mlops.store import RunFields

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
async def record_status(payload: dict[str, Any]) -> None:
    """Apply the transition once: a re-run of this activity finds its audit row and changes nothing."""
    update = StatusUpdate.model_validate(payload)
    with telemetry.run_span("activity record_status", update.run_id, status=update.status):
        await _record(update)
        telemetry.log_status(update.run_id, update.status, update.message or "")


async def _record(update: StatusUpdate) -> None:
    store = (await services()).store
    await store.record_transition(
        update.run_id,
        update.status,
        update.message,
        decision=update.decision,
        fields=RunFields(**update.fields) if update.fields else None,
        dedupe_key=f"status:{update.status}",
    )
