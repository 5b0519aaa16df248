"""A signing key the platform could not resolve, or a weak one, stops the app at start-up with a clear
message; /api/health never carries exception text (it is anonymous)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from devstack import free_port
from mlops.settings import Settings, SettingsError
from tests.fixtures.devhost import RunningDevHost, run_devhost
from tests.fixtures.security_stack import ROOT
from triggers import http_health

REFERENCE = "@Microsoft.KeyVault(SecretUri=https://kv-mlops.vault.azure.net/secrets/approval-signing-keys/)"
BASE = {
    "DATABASE_URL": "postgresql://u@/db",
    "BLOB_CONNECTION_STRING": "UseDevelopmentStorage=true",
    "MLFLOW_TRACKING_URI": "sqlite:///m.db",
}
STRONG = "kq7-Vd2xR9pLm4Zt8Wc1Hs6Jf3Nb5Ye0Ua"  # 34 random base64url characters: 25 bytes


def _refused(keys: str) -> str:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**BASE, "APPROVAL_SIGNING_KEYS": keys})
    return str(raised.value)


def test_a_key_vault_reference_as_signing_key_is_refused_naming_the_setting() -> None:
    message = _refused(REFERENCE)
    assert "APPROVAL_SIGNING_KEYS" in message and "unresolved Key Vault reference" in message


def test_a_key_vault_reference_after_a_key_id_is_refused_too() -> None:
    assert "Key Vault reference" in _refused(f"k1:{REFERENCE}")


def test_a_secret_under_32_random_bytes_is_refused() -> None:
    assert "at least 32" in _refused(f"k1:{STRONG}")
    assert "at least 32" in _refused("k1:" + "0123456789abcdef" * 3)  # hex: 24 bytes


def test_a_secret_of_few_distinct_characters_is_refused() -> None:
    assert "too few characters" in _refused("k1:" + "ab" * 40)


def test_a_key_id_outside_the_safe_alphabet_is_refused() -> None:
    assert "key id" in _refused(f"k1.prod:{STRONG * 2}")


def test_a_strong_key_is_accepted() -> None:
    keys = Settings.from_env({**BASE, "APPROVAL_SIGNING_KEYS": f"k-1_a:{STRONG * 2}"}).approval_signing_keys
    assert keys is not None and keys.current_kid == "k-1_a"


@pytest.fixture(scope="module")
def misconfigured_host(
    security_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningDevHost]:
    env = {**security_env, "APPROVAL_SIGNING_KEYS": REFERENCE}
    state = tmp_path_factory.mktemp("misconfigured-devhost")
    with run_devhost(ROOT, state_dir=state, env=env, virtual_clock=True, port=free_port()) as host:
        yield host


def test_health_of_a_misconfigured_app_says_so_without_the_exception_text(misconfigured_host: RunningDevHost) -> None:
    response = httpx.get(f"{misconfigured_host.base_url}/api/health", timeout=60)
    assert response.status_code == 503
    assert response.json()["dependencies"] == {"configuration": {"status": "down", "reason": "misconfigured"}}
    assert "KeyVault" not in response.text and "Error" not in response.text


def test_a_down_dependency_is_reported_without_the_exception_text() -> None:
    async def database() -> None:
        raise ConnectionError("could not connect to postgresql://admin:hunter2@10.0.0.4/mlops")

    assert asyncio.run(http_health._check("database", database)) == {"status": "down", "reason": "unreachable"}


def test_a_silent_dependency_is_reported_as_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_health, "CHECK_TIMEOUT_S", 0.05)
    assert asyncio.run(http_health._check("blob", lambda: asyncio.sleep(5))) == {"status": "down", "reason": "timeout"}
