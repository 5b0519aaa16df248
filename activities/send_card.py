"""Activity: render the Adaptive Card for a run milestone and record it in the run's events."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from mlops.bootstrap import services
from mlops.cards import render_card
from mlops.payloads import CardRequest

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
async def send_card(payload: dict[str, Any]) -> None:
    """Store the card where users see it (the audit trail); one card per kind per run."""
    request = CardRequest.model_validate(payload)
    svc = await services()
    run_url = f"{svc.settings.public_base_url}/api/runs/{request.run_id}"
    card = render_card(request.kind, request.run_id, request.facts, run_url)
    await svc.store.append_event(
        request.run_id,
        "card",
        f"{request.kind} card",
        details={"card": card},
        dedupe_key=f"card:{request.kind}",
    )
