"""Who is acting: an operator signed in through App Service authentication (Easy Auth).

The platform strips client-sent ``X-MS-CLIENT-PRINCIPAL*`` headers and sets them from a validated token,
so the encoded principal is trusted here; operator actions need the app role ``operator``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass

OPERATOR_ROLE = "operator"
_OID = ("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid")
_NAMES = ("preferred_username", "name", "upn", "email")


@dataclass(frozen=True)
class Actor:
    """The signed-in user: display name, object id and app roles."""

    name: str
    oid: str | None
    roles: frozenset[str]


def signed_in_actor(headers: Mapping[str, str]) -> Actor | None:
    """The principal of ``X-MS-CLIENT-PRINCIPAL``; None when absent or unreadable."""
    encoded = headers.get("x-ms-client-principal")
    if not encoded:
        return None
    try:
        principal = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(principal, dict) or not isinstance(principal.get("claims"), list):
        return None
    claims = [c for c in principal["claims"] if isinstance(c, dict) and isinstance(c.get("val"), str)]
    role_typ = principal.get("role_typ") or "roles"
    name_typ = principal.get("name_typ")
    by_type = {c.get("typ"): c["val"] for c in claims}
    name = next((by_type[t] for t in (name_typ, *_NAMES) if t and by_type.get(t)), None)
    name = name or headers.get("x-ms-client-principal-name")
    if not name:
        return None
    oid = next((by_type[t] for t in _OID if by_type.get(t)), None) or headers.get("x-ms-client-principal-id")
    roles = frozenset(c["val"] for c in claims if c.get("typ") in (role_typ, "roles"))
    return Actor(name, oid, roles)
