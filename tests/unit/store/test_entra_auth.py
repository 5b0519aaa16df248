"""Entra auth to PostgreSQL: an access token for the PostgreSQL scope is the asyncpg password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from mlops import bootstrap
from mlops.settings import Settings, SettingsError
from mlops.store import RunStore, postgres
from mlops.store.entra import POSTGRES_SCOPE, EntraPassword

BASE = {"DATABASE_URL": "postgresql://func-app@psql.example:5432/mlops", "BLOB_ACCOUNT_URL": "https://b"}
BASE["MLFLOW_TRACKING_URI"] = "sqlite:///m.db"


@dataclass(frozen=True)
class Token:
    token: str
    expires_on: int


class FakeCredential:
    """A test double of an azure.identity.aio credential (the Azure SDK boundary)."""

    def __init__(self, lifetime: int = 3600) -> None:
        self.scopes: list[tuple[str, ...]] = []
        self.lifetime = lifetime
        self.closed = False
        self.now = 1_000_000

    async def get_token(self, *scopes: str) -> Token:
        self.scopes.append(scopes)
        return Token(f"token-{len(self.scopes)}", self.now + self.lifetime)

    async def close(self) -> None:
        self.closed = True


async def test_password_is_a_token_for_the_postgres_scope_cached_until_near_expiry():
    credential = FakeCredential(lifetime=3600)
    password = EntraPassword(credential, clock=lambda: credential.now)
    assert await password() == "token-1"
    assert await password() == "token-1"
    assert credential.scopes == [(POSTGRES_SCOPE,)]
    assert POSTGRES_SCOPE == "https://ossrdbms-aad.database.windows.net/.default"
    credential.now += 3600 - 60  # under the refresh margin: a new connection gets a fresh token
    assert await password() == "token-2"
    await password.close()
    assert credential.closed


class FakePool:
    def __init__(self) -> None:
        self.closed = False

    async def close(self) -> None:
        self.closed = True


async def test_connect_passes_the_token_callable_to_every_new_connection(monkeypatch):
    calls: list[dict[str, Any]] = []
    pool = FakePool()

    async def create_pool(dsn: str, **kwargs: Any) -> FakePool:
        calls.append({"dsn": dsn, **kwargs})
        return pool

    monkeypatch.setattr(postgres.asyncpg, "create_pool", create_pool)
    credential = FakeCredential()
    entra = EntraPassword(credential)
    store = await RunStore.connect(BASE["DATABASE_URL"], entra=entra)
    (call,) = calls
    assert call["dsn"] == BASE["DATABASE_URL"]
    assert call["password"] is entra
    assert await call["password"]() == "token-1"  # what asyncpg awaits for each connection
    await store.close()
    assert pool.closed and credential.closed


async def test_locally_no_password_callable_is_passed(monkeypatch):
    calls: list[dict[str, Any]] = []

    async def create_pool(dsn: str, **kwargs: Any) -> FakePool:
        calls.append(kwargs)
        return FakePool()

    monkeypatch.setattr(postgres.asyncpg, "create_pool", create_pool)
    await bootstrap.connect_store(Settings.from_env(BASE))
    assert calls[0]["password"] is None


async def test_bootstrap_uses_entra_when_configured(monkeypatch):
    credential = FakeCredential()
    seen: dict[str, Any] = {}

    async def connect(dsn: str, *, entra: EntraPassword | None = None, **_: object) -> str:
        seen.update(dsn=dsn, entra=entra)
        return "store"

    monkeypatch.setattr("mlops.store.entra.default_entra_password", lambda: EntraPassword(credential))
    monkeypatch.setattr(bootstrap.RunStore, "connect", connect)
    settings = Settings.from_env({**BASE, "DATABASE_ENTRA_AUTH": "true"})
    assert settings.database_entra_auth
    assert await bootstrap.connect_store(settings) == "store"
    assert isinstance(seen["entra"], EntraPassword)
    assert await seen["entra"]() == "token-1"


def test_entra_flag_is_off_by_default_and_validated():
    assert Settings.from_env(BASE).database_entra_auth is False
    assert Settings.from_env({**BASE, "DATABASE_ENTRA_AUTH": "false"}).database_entra_auth is False
    with pytest.raises(SettingsError, match="DATABASE_ENTRA_AUTH"):
        Settings.from_env({**BASE, "DATABASE_ENTRA_AUTH": "maybe"})


async def test_the_pool_is_sized_by_its_setting_and_prepares_nothing_behind_pgbouncer(monkeypatch):
    calls: list[dict[str, Any]] = []

    async def create_pool(dsn: str, **kwargs: Any) -> FakePool:
        calls.append(kwargs)
        return FakePool()

    monkeypatch.setattr(postgres.asyncpg, "create_pool", create_pool)
    await bootstrap.connect_store(Settings.from_env({**BASE, "DATABASE_POOL_SIZE": "3", "DATABASE_PGBOUNCER": "true"}))
    await bootstrap.connect_store(Settings.from_env(BASE))
    behind, direct = calls
    assert (behind["max_size"], behind["statement_cache_size"]) == (3, 0)
    assert direct["max_size"] == 5 and direct["statement_cache_size"] > 0
