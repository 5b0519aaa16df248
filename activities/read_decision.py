"""Activity: the run's approval decision as recorded in PostgreSQL (the only source the orchestrator trusts)."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from activities.names import READ_DECISION
from mlops import telemetry
from mlops.bootstrap import services
from mlops.payloads import ApprovalDecision, DecisionQuery

bp = df.Blueprint()


@bp.function_name(READ_DECISION)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def read_decision(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The recorded decision, or None when none is recorded (an event raised around the API is ignored);
    when N approvals released the run, ``approver`` names them all."""
    query = DecisionQuery.model_validate(payload)
    store = (await services()).store
    record = await store.get_approval(query.run_id)
    if record is None:
        return None
    approvers = [v.approver for v in await store.list_votes(query.run_id) if v.decision == record.decision]
    decision = ApprovalDecision(
        decision="approve" if record.decision == "approve" else "reject",
        approver=", ".join(approvers) if record.decision == "approve" and approvers else record.approver,
        comment=record.comment,
        via=record.via,
        decided_at=record.decided_at.isoformat(),
    )
    return decision.to_json()
