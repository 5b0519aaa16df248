"""The operator use cases behind ``/api/operations/deadletters``: each one audited with who did it.

Callers hold the app role ``operator`` (OPERATOR_ROLE), checked by the HTTP trigger."""

from __future__ import annotations

from collections.abc import Sequence

from mlops.approvals.identity import Principal
from mlops.bootstrap import Services
from mlops.operations.deadletters import SUBSCRIPTIONS, DeadLetter, DeadLetterQueues
from mlops.store import RunNotFound

OPERATOR_ROLE = "operator"


def _queues(svc: Services) -> DeadLetterQueues:
    return DeadLetterQueues(svc.publisher.client, svc.publisher.topic)


async def list_dead_letters(svc: Services, actor: Principal, subscription: str | None) -> list[DeadLetter]:
    """Every dead-lettered message (of one subscription, or of all), with its reason; audited."""
    found: list[DeadLetter] = []
    for name in [subscription] if subscription else SUBSCRIPTIONS:
        found.extend(await _queues(svc).peek(name))
    target = {"subscription": subscription or "*"}
    await svc.store.record_operator_action(actor.name, actor.oid, "deadletters.list", target, {"count": len(found)})
    return found


async def redrive(
    svc: Services, actor: Principal, subscription: str, sequence_numbers: Sequence[int]
) -> list[DeadLetter]:
    """Re-drive the chosen messages; the action is audited, and so is each re-driven run's message."""
    done = await _queues(svc).redrive(subscription, sequence_numbers)
    outcome = {"redriven": [d.sequence_number for d in done], "run_ids": sorted({d.run_id for d in done if d.run_id})}
    target = {"subscription": subscription, "sequence_numbers": list(sequence_numbers)}
    await svc.store.record_operator_action(actor.name, actor.oid, "deadletters.redrive", target, outcome)
    for letter in done:
        if letter.run_id:
            await _note_on_run(svc, actor, letter)
    return done


async def _note_on_run(svc: Services, actor: Principal, letter: DeadLetter) -> None:
    message = (
        f"{letter.event_type or 'message'} re-driven from {letter.subscription}'s dead-letter queue by {actor.name}"
    )
    details = {"reason": letter.reason, "sequence_number": letter.sequence_number, "operator": actor.name}
    key = f"redrive:{letter.subscription}:{letter.sequence_number}"
    try:
        await svc.store.append_event(str(letter.run_id), "event", message, details, dedupe_key=key)
    except RunNotFound:
        return
