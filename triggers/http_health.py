"""Health and API description: each dependency's state, and the OpenAPI document kept in the repo."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from mlops.bootstrap import Services, services
from triggers.http_responses import json_response

bp = df.Blueprint()

OPENAPI_PATH = Path(__file__).with_name("openapi.json")
CHECK_TIMEOUT_S = 5.0


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@bp.durable_client_input(client_name="client")
async def health(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """200 when every dependency answers, else 503; the body names each one's state."""
    try:
        svc = await services()
    except Exception as exc:
        return json_response({"status": "unhealthy", "dependencies": {"configuration": _down(exc)}}, 503)
    checks: dict[str, Callable[[], Awaitable[Any]]] = {
        "database": svc.store.ping,
        "blob": lambda: asyncio.to_thread(svc.blob.ping),
        "servicebus": lambda: _servicebus(svc),
        "mlflow": lambda: asyncio.to_thread(svc.registry.ping),
        "durable": lambda: client.get_status("health-probe"),
    }
    results = await asyncio.gather(*(_check(check) for check in checks.values()))
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


async def _check(check: Callable[[], Awaitable[Any]]) -> dict[str, str]:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
    except Exception as exc:
        return _down(exc)
    return {"status": "up"}


def _down(exc: BaseException) -> dict[str, str]:
    return {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
