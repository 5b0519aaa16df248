"""Who is calling: the principal App Service authentication (Easy Auth) puts in ``X-MS-CLIENT-PRINCIPAL``.

The platform strips client-sent ``X-MS-CLIENT-*`` headers and sets this one from a validated Entra ID token
(devhost does the same locally), so it is the only identity the app trusts: never a name from a body, a
form or another header. The app refuses to trust it at all when the platform says authentication is off.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

REQUESTER: Final = "requester"
APPROVER: Final = "approver"
_OID_CLAIMS = ("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid")
_NAME_CLAIMS = ("preferred_username", "upn", "email", "name")
_ROLE_CLAIMS = ("roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role")


@dataclass(frozen=True)
class Principal:
    """A signed-in user: Entra object id (what separation of duties compares), display name, app roles."""

    oid: str
    name: str
    roles: frozenset[str]

    def has_role(self, role: str) -> bool:
        return role in self.roles


def principal_from_headers(headers: Mapping[str, str]) -> Principal | None:
    """The caller from ``x-ms-client-principal``; None when it is absent, malformed or names nobody."""
    encoded = headers.get("x-ms-client-principal")
    if not encoded:
        return None
    try:
        document: Any = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("claims"), list):
        return None
    claims = [c for c in document["claims"] if isinstance(c, dict) and isinstance(c.get("val"), str)]
    name_typ, role_typ = document.get("name_typ"), document.get("role_typ")
    oid = _first(claims, _OID_CLAIMS)
    name = _first(claims, (name_typ, *_NAME_CLAIMS) if isinstance(name_typ, str) else _NAME_CLAIMS)
    if not oid or not name:
        return None
    role_types = {*_ROLE_CLAIMS, *([role_typ] if isinstance(role_typ, str) else [])}
    roles = frozenset(c["val"] for c in claims if c.get("typ") in role_types and c["val"])
    return Principal(oid=oid, name=name[:256], roles=roles)


def _first(claims: list[dict[str, Any]], types: tuple[str, ...]) -> str | None:
    for typ in types:
        for claim in claims:
            if claim.get("typ") == typ and claim["val"].strip():
                return str(claim["val"]).strip()
    return None
