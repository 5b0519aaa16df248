"""Activity: render the Adaptive Card for a run milestone, keep it in the audit trail, deliver it to Teams."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from activities.names import SEND_CARD
from mlops import telemetry
from mlops.approvals.notify import publish_card
from mlops.bootstrap import services
from mlops.payloads import CardRequest
from mlops.teams import TeamsWebhook

bp = df.Blueprint()


@bp.function_name(SEND_CARD)
@bp.activity_trigger(input_name="payload")
@telemetry.traced_activity
async def send_card(payload: dict[str, Any]) -> None:
    """One card per kind per run; a delivery failure is recorded on the run and never raised."""
    request = CardRequest.model_validate(payload)
    svc = await services()
    url = svc.settings.teams_webhook_url
    webhook = TeamsWebhook(url) if url else None
    await publish_card(svc.store, svc.settings, request.kind, request.run_id, request.facts, webhook)
