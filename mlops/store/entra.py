"""Entra (Azure AD) authentication to Azure Database for PostgreSQL: an access token as the password.

The server in Azure accepts only Entra tokens (password auth is disabled). asyncpg accepts a
coroutine function as ``password`` and calls it for every new connection, so pool connections
opened hours later still get a valid token; the token is cached until shortly before it expires.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

# The resource every Azure Database for PostgreSQL (Flexible Server) token is issued for.
POSTGRES_SCOPE = "https://ossrdbms-aad.database.windows.net/.default"
# Fetch a new token when the cached one has less than this left (connections are opened with it).
REFRESH_MARGIN_S = 300.0


class _AccessToken(Protocol):
    @property
    def token(self) -> str: ...

    @property
    def expires_on(self) -> int: ...


class AsyncTokenCredential(Protocol):
    """The part of ``azure.identity.aio`` credentials used here (``get_token`` and ``close``)."""

    async def get_token(self, *scopes: str) -> _AccessToken: ...

    async def close(self) -> None: ...


class EntraPassword:
    """``await password()`` returns a current access token for PostgreSQL (an asyncpg ``password`` callable)."""

    def __init__(self, credential: AsyncTokenCredential, *, clock: Callable[[], float] = time.time) -> None:
        self._credential = credential
        self._clock = clock
        self._token: str | None = None
        self._expires_on = 0.0
        self._lock = asyncio.Lock()

    async def __call__(self) -> str:
        async with self._lock:
            now = self._clock()
            if self._token is None or self._expires_on - now < REFRESH_MARGIN_S:
                access = await self._credential.get_token(POSTGRES_SCOPE)
                self._token, self._expires_on = access.token, float(access.expires_on)
            return self._token

    async def close(self) -> None:
        """Close the credential (its HTTP session); the pool must be closed first."""
        await self._credential.close()


def default_entra_password() -> EntraPassword:
    """The app's identity in Azure (managed identity), a developer's ``az login`` locally."""
    from azure.identity.aio import DefaultAzureCredential

    return EntraPassword(DefaultAzureCredential())
