"""Teams delivery over real HTTP (a local aiohttp server as the webhook): retries, failures recorded."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
from aiohttp import web

from mlops.approvals.notify import deliver
from mlops.store import RunStore
from mlops.teams import CARD_CONTENT_TYPE, DeliveryFailed, TeamsWebhook
from tests.integration.store.support import DATASET, new_run

CARD = {"type": "AdaptiveCard", "version": "1.4", "body": []}


@dataclass
class Hook:
    """A webhook that answers the queued statuses in turn (then 202) and keeps what it received."""

    url: str
    statuses: list[int] = field(default_factory=list)
    received: list[dict] = field(default_factory=list)


@pytest_asyncio.fixture(loop_scope="function")
async def hook() -> AsyncIterator[Hook]:
    state = Hook(url="")

    async def receive(request: web.Request) -> web.Response:
        state.received.append(await request.json())
        return web.Response(status=state.statuses.pop(0) if state.statuses else 202)

    app = web.Application()
    app.add_routes([web.post("/hook", receive)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}/hook"
    yield state
    await runner.cleanup()


async def test_posts_the_teams_message_envelope_after_retrying_5xx(hook: Hook):
    hook.statuses = [503, 429]
    assert await TeamsWebhook(hook.url, first_delay_s=0.01).post(CARD) == 202
    assert len(hook.received) == 3
    assert hook.received[-1] == {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": CARD}],
    }


async def test_client_errors_are_not_retried_and_unreachable_urls_fail(hook: Hook):
    hook.statuses = [400]
    with pytest.raises(DeliveryFailed, match="HTTP 400"):
        await TeamsWebhook(hook.url, first_delay_s=0.01).post(CARD)
    assert len(hook.received) == 1
    with pytest.raises(DeliveryFailed, match=r"after 2 attempt\(s\)"):
        await TeamsWebhook("http://127.0.0.1:9/hook", attempts=2, first_delay_s=0.01).post(CARD)


async def test_outcomes_are_recorded_on_the_run_once_and_never_raised(run_store: RunStore, hook: Hook):
    await run_store.upsert_dataset(DATASET)
    run_id = (await run_store.create_run(new_run())).run_id
    hook.statuses = [500, 500, 500]
    failing = TeamsWebhook(hook.url, first_delay_s=0.01)
    assert await deliver(run_store, failing, run_id, "approval_requested", CARD) == "failed"
    assert await deliver(run_store, failing, run_id, "approval_requested", CARD) == "failed"  # a re-run
    assert await deliver(run_store, TeamsWebhook(hook.url), run_id, "go_prod", CARD) == "delivered"
    assert await deliver(run_store, None, run_id, "failed", CARD) == "disabled"
    events = {e.dedupe_key: e for e in await run_store.list_events(run_id) if e.kind == "event"}
    assert len(hook.received) == 4
    assert events["delivery:approval_requested"].details["delivery"] == "failed"
    assert "HTTP 500" in events["delivery:approval_requested"].details["error"]
    assert events["delivery:go_prod"].details == {"card": "go_prod", "http_status": 202, "delivery": "delivered"}
    assert "TEAMS_WEBHOOK_URL is empty" in events["delivery:failed"].message


async def test_an_attempt_interrupted_mid_delivery_is_never_posted_again(run_store: RunStore, hook: Hook):
    await run_store.upsert_dataset(DATASET)
    run_id = (await run_store.create_run(new_run())).run_id
    # A crash after the attempt was recorded and before its outcome was: the card may have reached Teams.
    attempt = {"card": "go_prod"}
    await run_store.append_event(
        run_id, "event", "go_prod card being sent", attempt, dedupe_key="delivery-attempt:go_prod"
    )
    assert await deliver(run_store, TeamsWebhook(hook.url), run_id, "go_prod", CARD) == "unconfirmed"
    assert hook.received == []


async def test_the_attempt_is_recorded_before_the_post(run_store: RunStore, hook: Hook):
    await run_store.upsert_dataset(DATASET)
    run_id = (await run_store.create_run(new_run())).run_id
    assert await deliver(run_store, TeamsWebhook(hook.url), run_id, "go_prod", CARD) == "delivered"
    keys = [e.dedupe_key for e in await run_store.list_events(run_id) if e.kind == "event"]
    assert keys == ["delivery-attempt:go_prod", "delivery:go_prod"]
