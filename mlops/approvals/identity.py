"""Who is deciding: the Entra ID user from App Service authentication (Easy Auth) headers, when present.

App Service strips client-supplied ``X-MS-CLIENT-PRINCIPAL*`` headers when authentication is enabled, so
in Azure they can be trusted; without them the approver types a name on the decision form.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping

_NAME_CLAIMS = ("preferred_username", "upn", "email", "name")


def entra_principal(headers: Mapping[str, str]) -> str | None:
    """The signed-in user's name, from ``x-ms-client-principal-name`` or the encoded principal's claims."""
    name = (headers.get("x-ms-client-principal-name") or "").strip()
    if name:
        return name
    encoded = headers.get("x-ms-client-principal")
    if not encoded:
        return None
    try:
        principal = json.loads(base64.b64decode(encoded))
    except (binascii.Error, ValueError):
        return None
    claims = principal.get("claims") if isinstance(principal, dict) else None
    values = {c.get("typ"): c.get("val") for c in claims or [] if isinstance(c, dict)}
    for claim in _NAME_CLAIMS:
        value = values.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
