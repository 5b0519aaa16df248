"""The durable SDK's process-wide aiohttp session, kept on the loop of the host that uses it.

azure-functions-durable keeps one module-level ClientSession (and lock) for its management calls, as
the worker runs one event loop per process. An in-process host on a new loop (tests) must not reuse a
session bound to a loop that has gone; and a host that stops closes it, as a worker exit would.
"""

from __future__ import annotations

import asyncio

from azure.durable_functions.models.utils import http_utils


def forget_foreign_session() -> None:
    """Drop a session (and lock) that belongs to another event loop; the SDK then creates fresh ones."""
    session = http_utils._client_session
    loop = asyncio.get_running_loop()
    if session is not None and (session.closed or getattr(session, "_loop", loop) is not loop):
        http_utils._client_session = None
    http_utils._session_lock = asyncio.Lock()


async def close_session() -> None:
    """Close the SDK's session if this loop owns it."""
    session = http_utils._client_session
    if session is not None and getattr(session, "_loop", None) is asyncio.get_running_loop():
        await http_utils._close_session()
