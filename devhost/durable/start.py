"""Starting orchestrations over HTTP: the input the SDK sends, and the optional wait for completion."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import web

from devhost.durable.engine import DurableEngine
from devhost.durable.replies import (
    FINAL_STATES,
    check_status_reply,
    error_reply,
    json_reply,
    runtime_status,
    status_reply,
)


def orchestration_input(body: str) -> str | None:
    """The JSON text the orchestrator's get_input() decodes (the SDK double-encodes it as a JSON string)."""
    if not body.strip():
        return None
    value: Any = json.loads(body)
    if isinstance(value, str):
        return value
    return json.dumps(value)


def query_seconds(request: web.Request, name: str) -> float | None:
    """TimeSpan.FromSeconds(double.Parse(query[name])) or None."""
    try:
        return float(request.query[name])
    except (KeyError, ValueError):
        return None


async def wait_or_check(
    engine: DurableEngine,
    request: web.Request,
    instance_id: str,
    limits: tuple[float, float],
    task_hub: str,
    connection: str,
) -> web.Response:
    """WaitForCompletionOrCreateCheckStatusResponse: output if done within (total, poll) seconds, else 202."""
    total, interval = limits
    if interval > total:
        return error_reply(400, f"Total timeout {total} should be bigger than retry timeout {interval}")
    deadline = time.monotonic() + total
    while True:
        status = engine.get_status(instance_id)
        if status is not None and runtime_status(status) in FINAL_STATES:
            if runtime_status(status) == "Completed":
                return json_reply(200, status.to_management_json().get("output"))
            return status_reply(request, status, error_on_failure=False)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return check_status_reply(request, instance_id, task_hub, connection)
        await asyncio.sleep(min(interval, remaining))
