"""The request headers Easy Auth (App Service authentication, Entra ID provider) gives the app for a user."""

from __future__ import annotations

import base64
import json

from devhost.identity.provider import Identity

OID_CLAIM = "http://schemas.microsoft.com/identity/claims/objectidentifier"
NAME_TYPE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"
ROLE_TYPE = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
# What the platform never lets a client set: its own identity headers and the provider tokens.
PLATFORM_PREFIXES = ("x-ms-client-", "x-ms-token-")


def is_platform_header(name: str) -> bool:
    """True for a header only the platform may set (a client-sent one is dropped)."""
    return name.lower().startswith(PLATFORM_PREFIXES)


def principal_headers(identity: Identity) -> dict[str, str]:
    """``X-MS-CLIENT-PRINCIPAL`` (base64 JSON, claims as App Service maps them) and its companions."""
    claims = [
        {"typ": OID_CLAIM, "val": identity.oid},
        {"typ": NAME_TYPE, "val": identity.name},
        {"typ": "name", "val": identity.name},
        {"typ": "preferred_username", "val": identity.name},
        *({"typ": "roles", "val": role} for role in identity.roles),
    ]
    principal = {"auth_typ": "aad", "claims": claims, "name_typ": NAME_TYPE, "role_typ": ROLE_TYPE}
    encoded = base64.b64encode(json.dumps(principal, separators=(",", ":")).encode()).decode()
    return {
        "X-MS-CLIENT-PRINCIPAL": encoded,
        "X-MS-CLIENT-PRINCIPAL-NAME": identity.name,
        "X-MS-CLIENT-PRINCIPAL-ID": identity.oid,
        "X-MS-CLIENT-PRINCIPAL-IDP": "aad",
    }
