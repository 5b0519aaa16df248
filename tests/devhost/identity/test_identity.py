"""devhost's local identity provider and the Easy Auth headers it injects (or refuses to)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from devhost.identity import AuthRoutes, InvalidIdentityRequest, LocalIdentityProvider, easy_auth
from devhost.identity.__main__ import main as identity_cli
from mlops.approvals.identity import principal_from_headers


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> LocalIdentityProvider:
    return LocalIdentityProvider.load_or_create(tmp_path_factory.mktemp("state"))


async def _echo(request: web.Request) -> web.Response:
    return web.json_response({k.lower(): v for k, v in request.headers.items() if k.lower().startswith("x-ms-")})


@asynccontextmanager
async def _client(provider: LocalIdentityProvider) -> AsyncIterator[TestClient]:
    """devhost's auth routes and middleware in front of an app route that echoes the x-ms-* headers it got."""
    app = web.Application(middlewares=[easy_auth(provider)])
    app.add_routes([*AuthRoutes(provider).routes(), web.get("/api/echo", _echo)])
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def test_a_token_names_the_user_with_a_stable_object_id(provider: LocalIdentityProvider):
    first = provider.verify(provider.issue("ana@contoso.com", ["approver"]))
    again = provider.verify(provider.issue("ana@contoso.com", []))
    assert first is not None and again is not None
    assert (first.name, first.roles, first.oid) == ("ana@contoso.com", ("approver",), again.oid)


def test_the_key_pair_is_kept_in_the_state_dir(tmp_path: Path):
    token = LocalIdentityProvider.load_or_create(tmp_path).issue("bo@contoso.com")
    assert LocalIdentityProvider.load_or_create(tmp_path).verify(token) is not None
    assert (tmp_path / "identity" / "signing-key.pem").stat().st_mode & 0o077 == 0


def test_a_token_from_another_key_names_nobody(provider: LocalIdentityProvider, tmp_path: Path):
    assert provider.verify(LocalIdentityProvider.load_or_create(tmp_path).issue("mallory")) is None


def test_an_expired_token_names_nobody(tmp_path: Path):
    provider = LocalIdentityProvider.load_or_create(tmp_path)
    past = LocalIdentityProvider.load_or_create(tmp_path)
    past._clock = lambda: time.time() - 7200
    assert provider.verify(past.issue("ana@contoso.com", ttl_s=60)) is None


def test_unsigned_and_malformed_tokens_name_nobody(provider: LocalIdentityProvider):
    claims = jwt.decode(provider.issue("ana@contoso.com", ["approver"]), options={"verify_signature": False})
    unsigned = jwt.encode(claims, key="", algorithm="none")
    assert provider.verify(unsigned) is None
    assert provider.verify("not.a.token") is None and provider.verify("") is None


@pytest.mark.parametrize(("user", "roles", "field"), [("", [], "user"), ("ana", ["bad role"], "roles")])
def test_bad_token_requests_name_the_field(provider: LocalIdentityProvider, user, roles, field):
    with pytest.raises(InvalidIdentityRequest) as refused:
        provider.issue(user, roles)
    assert refused.value.field == field


async def test_client_sent_identity_headers_are_dropped(provider: LocalIdentityProvider):
    async with _client(provider) as client:
        forged = {
            "X-MS-CLIENT-PRINCIPAL-NAME": "mallory",
            "X-MS-CLIENT-PRINCIPAL": "e30=",
            "X-MS-TOKEN-AAD-ID-TOKEN": "x",
        }
        reply = await client.get("/api/echo", headers=forged)
        assert await reply.json() == {}


async def test_a_valid_bearer_token_injects_the_principal(provider: LocalIdentityProvider):
    async with _client(provider) as client:
        token = provider.issue("ana@contoso.com", ["approver"])
        forged = {"Authorization": f"Bearer {token}", "X-MS-CLIENT-PRINCIPAL-NAME": "mallory"}
        headers = await (await client.get("/api/echo", headers=forged)).json()
        assert headers["x-ms-client-principal-name"] == "ana@contoso.com"
        assert headers["x-ms-client-principal-idp"] == "aad"
        principal = principal_from_headers(headers)
        assert principal is not None and (principal.name, principal.roles) == ("ana@contoso.com", {"approver"})
        assert principal.oid == headers["x-ms-client-principal-id"]


async def test_an_invalid_bearer_token_injects_nothing(provider: LocalIdentityProvider):
    async with _client(provider) as client:
        tampered = provider.issue("ana@contoso.com", ["approver"])[:-4] + "AAAA"
        for token in (tampered, "garbage"):
            reply = await client.get("/api/echo", headers={"Authorization": f"Bearer {token}"})
            assert await reply.json() == {}


async def test_the_token_endpoint_issues_a_bearer_token(provider: LocalIdentityProvider):
    async with _client(provider) as client:
        reply = await client.post("/.auth/local/token", json={"user": "bo@contoso.com", "roles": ["requester"]})
        body = await reply.json()
        assert reply.status == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 3600
        identity = provider.verify(body["access_token"])
        assert identity is not None and identity.roles == ("requester",)


async def test_the_token_endpoint_names_a_bad_field(provider: LocalIdentityProvider):
    async with _client(provider) as client:
        reply = await client.post("/.auth/local/token", json={"user": "bo", "roles": "approver"})
        assert reply.status == 400 and "roles" in (await reply.json())["fields"]


async def test_sign_in_sets_the_cookie_and_goes_back_to_a_local_path(provider: LocalIdentityProvider):
    async with _client(provider) as client:
        form = {"user": "ana@contoso.com", "roles": "approver", "post_login_redirect_uri": "/api/echo"}
        reply = await client.post("/.auth/login", data=form, allow_redirects=False)
        assert reply.status == 302 and reply.headers["Location"] == "/api/echo"
        headers = await (await client.get("/api/echo")).json()  # the client keeps the session cookie
        assert headers["x-ms-client-principal-name"] == "ana@contoso.com"
        me = await client.get("/.auth/me")
        assert me.status == 200 and (await me.json())[0]["user_id"] == "ana@contoso.com"


async def test_sign_in_never_redirects_to_another_site(provider: LocalIdentityProvider):
    async with _client(provider) as client:
        form = {"user": "ana@contoso.com", "post_login_redirect_uri": "//evil.example/steal"}
        reply = await client.post("/.auth/login", data=form, allow_redirects=False)
        assert reply.headers["Location"] == "/.auth/me"


async def test_me_without_a_session_is_401(provider: LocalIdentityProvider):
    async with _client(provider) as client:
        assert (await client.get("/.auth/me")).status == 401


def test_the_cli_prints_a_token_devhost_accepts(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert (
        identity_cli(
            ["token", "--user", "ana@contoso.com", "--roles", "approver,requester", "--state-dir", str(tmp_path)]
        )
        == 0
    )
    identity = LocalIdentityProvider.load_or_create(tmp_path).verify(capsys.readouterr().out.strip())
    assert identity is not None and identity.roles == ("approver", "requester")


def test_the_cli_names_a_bad_user(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert identity_cli(["token", "--user", " ", "--state-dir", str(tmp_path)]) == 2
    assert "user" in capsys.readouterr().err


def test_the_injected_principal_is_base64_json_as_app_service_sends_it(provider: LocalIdentityProvider):
    from devhost.identity.headers import principal_headers

    identity = provider.verify(provider.issue("ana@contoso.com", ["approver", "requester"]))
    assert identity is not None
    document = json.loads(base64.b64decode(principal_headers(identity)["X-MS-CLIENT-PRINCIPAL"]))
    assert document["auth_typ"] == "aad" and {"name_typ", "role_typ"} <= set(document)
    assert [c["val"] for c in document["claims"] if c["typ"] == "roles"] == ["approver", "requester"]
