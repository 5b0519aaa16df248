"""Timer triggers that keep messaging honest: the outbox relay and the sweeper of runs stuck ``pending``."""

from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from mlops.bootstrap import services
from mlops.outbox import OutboxRelay

bp = df.Blueprint()
log = logging.getLogger(__name__)

# NCRONTAB (seconds first): every minute the relay, every five minutes the sweeper.
RELAY_SCHEDULE = "0 * * * * *"
SWEEP_SCHEDULE = "30 */5 * * * *"


@bp.timer_trigger(arg_name="timer", schedule=RELAY_SCHEDULE, run_on_startup=False)
async def relay_outbox(timer: func.TimerRequest) -> None:
    """Publish every outbox row still unsent (a crash or broker outage after its commit)."""
    svc = await services()
    sent = await OutboxRelay(svc.store, svc.publisher).drain()
    if sent:
        log.info("outbox relay published %d message(s)", sent)


@bp.timer_trigger(arg_name="timer", schedule=SWEEP_SCHEDULE, run_on_startup=False)
@bp.durable_client_input(client_name="client")
async def sweep_pending_runs(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    """Re-publish ``run.created`` of runs ``pending`` longer than PENDING_SWEEP_MINUTES with no orchestration."""
    svc = await services()

    async def has_orchestration(run_id: str) -> bool:
        status = await client.get_status(run_id)
        return status is not None and status.runtime_status is not None

    swept = await OutboxRelay(svc.store, svc.publisher).sweep_pending(
        svc.settings.pending_sweep_minutes * 60, has_orchestration
    )
    if swept:
        log.warning("re-published run.created of %d stuck run(s): %s", len(swept), ", ".join(swept))
