"""Who uses the UI, and the token it calls the API with: always the signed-in user's, never a shared key.

In Azure, Container Apps authentication signs the user in (Entra ID) and, from its token store, hands
the UI the user's access token to the API on every request (``X-MS-TOKEN-AAD-ACCESS-TOKEN``). Locally,
with ``LOCAL_IDENTITY_URL`` set, the UI offers a sign-in that gets a token from devhost's local identity
provider (``POST /.auth/local/token``). Either way the UI forwards that token as ``Authorization:
Bearer``; the API verifies it and enforces roles. The claims read here only decide what the UI offers.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

TOKEN_HEADER = "X-Ms-Token-Aad-Access-Token"
REQUESTER = "requester"
APPROVER = "approver"


class SignInFailed(Exception):
    """The local identity provider refused the sign-in or did not answer."""


@dataclass(frozen=True)
class User:
    """The signed-in user as the token names them (display only: the API checks the token)."""

    name: str
    oid: str
    roles: frozenset[str]
    token: str

    @property
    def may_start(self) -> bool:
        return REQUESTER in self.roles

    def may_approve(self, run: Mapping[str, Any]) -> bool:
        """Approvers, except the run's requester (separation of duties)."""
        return APPROVER in self.roles and not self.requested(run)

    def may_reject(self, run: Mapping[str, Any]) -> bool:
        """Approvers, and the requester withdrawing their own run."""
        return APPROVER in self.roles or self.requested(run)

    def requested(self, run: Mapping[str, Any]) -> bool:
        """By object id, as the API decides; by name only for runs recorded without one."""
        oid = run.get("created_by_oid")
        if isinstance(oid, str) and oid:
            return oid.lower() == self.oid.lower()
        requester = run.get("created_by")
        return isinstance(requester, str) and requester.lower() in {self.name.lower(), self.oid.lower()}


def user_from_token(token: str | None, now: float | None = None) -> User | None:
    """The user a JWT access token names; None when there is none, it is malformed or it has expired."""
    if not token:
        return None
    try:
        payload = token.split(".")[1]
        claims: Any = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return None
    if not isinstance(claims, dict):
        return None
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires <= (time.time() if now is None else now):
        return None
    name = next((str(claims[k]) for k in ("preferred_username", "upn", "name") if claims.get(k)), "")
    roles = claims.get("roles")
    if not name:
        return None
    granted = frozenset(str(r) for r in roles) if isinstance(roles, list) else frozenset[str]()
    return User(name=name, oid=str(claims.get("oid", "")), roles=granted, token=token)


def platform_token(headers: Mapping[str, str]) -> str | None:
    """The access token Container Apps authentication forwards with each request (token store)."""
    return headers.get(TOKEN_HEADER) or None


def local_sign_in(identity_url: str, user: str, roles: list[str], timeout: float = 10.0) -> str:
    """An access token for ``user`` with ``roles`` from devhost's local identity provider."""
    try:
        response = httpx.post(
            f"{identity_url.rstrip('/')}/.auth/local/token", json={"user": user, "roles": roles}, timeout=timeout
        )
    except httpx.HTTPError as exc:
        raise SignInFailed(f"the identity provider at {identity_url} did not answer: {type(exc).__name__}") from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
        message = body.get("message") if isinstance(body, dict) else None
        raise SignInFailed(f"sign-in refused: {message or response.text[:200]} (HTTP {response.status_code})")
    return str(body["access_token"])
