"""Health and API description: each dependency's state, and the OpenAPI document kept in the repo."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from mlops.bootstrap import Services, services
from triggers.http_responses import json_response

bp = df.Blueprint()
log = logging.getLogger(__name__)

OPENAPI_PATH = Path(__file__).with_name("openapi.json")
CHECK_TIMEOUT_S = 5.0


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@bp.durable_client_input(client_name="client")
async def health(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """200 when every dependency answers, else 503; the body names each one's state, never an exception's
    text (anonymous callers would read hosts, DSNs or secrets in it): the detail goes to the app's log."""
    try:
        svc = await services()
    except Exception:
        log.exception("health: the app's settings or adapters could not be built")
        return json_response({"status": "unhealthy", "dependencies": {"configuration": _down("misconfigured")}}, 503)
    checks: dict[str, Callable[[], Awaitable[Any]]] = {
        "database": svc.store.ping,
        "blob": lambda: asyncio.to_thread(svc.blob.ping),
        "servicebus": lambda: _servicebus(svc),
        "mlflow": lambda: asyncio.to_thread(svc.registry.ping),
        "durable": lambda: client.get_status("health-probe"),
    }
    results = await asyncio.gather(*(_check(name, check) for name, check in checks.items()))
    dependencies = dict(zip(checks, results, strict=True))
    healthy = all(state["status"] == "up" for state in dependencies.values())
    return json_response(
        {"status": "healthy" if healthy else "unhealthy", "dependencies": dependencies},
        200 if healthy else 503,
    )


@bp.route(route="openapi.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def openapi(req: func.HttpRequest) -> func.HttpResponse:
    """The OpenAPI 3.1 description of this API."""
    return json_response(json.loads(OPENAPI_PATH.read_text()))


async def _servicebus(svc: Services) -> None:
    await svc.publisher.check()


async def _check(name: str, check: Callable[[], Awaitable[Any]]) -> dict[str, str]:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
    except TimeoutError:
        log.warning("health: %s did not answer within %ss", name, CHECK_TIMEOUT_S)
        return _down("timeout")
    except Exception:
        log.exception("health: %s is down", name)
        return _down("unreachable")
    return {"status": "up"}


def _down(reason: str) -> dict[str, str]:
    """A fixed word (misconfigured, timeout, unreachable): what an operator acts on, nothing an attacker reads."""
    return {"status": "down", "reason": reason}
