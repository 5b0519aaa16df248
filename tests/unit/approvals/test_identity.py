"""The caller as the app reads it: only from the platform's X-MS-CLIENT-PRINCIPAL header."""

import base64
import json
from typing import Any

from mlops.approvals.identity import principal_from_headers

OID = "http://schemas.microsoft.com/identity/claims/objectidentifier"
ROLE = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"


def _encoded(document: Any) -> str:
    return base64.b64encode(json.dumps(document).encode()).decode()


def _principal(*claims: tuple[str, str], **extra: str) -> dict[str, str]:
    document = {"auth_typ": "aad", "claims": [{"typ": t, "val": v} for t, v in claims], "role_typ": ROLE, **extra}
    return {"x-ms-client-principal": _encoded(document)}


def test_oid_name_and_roles_come_from_the_encoded_principal():
    headers = _principal((OID, "oid-1"), ("preferred_username", "ana@contoso.com"), ("roles", "approver"))
    principal = principal_from_headers(headers)
    assert principal is not None
    assert (principal.oid, principal.name, principal.roles) == ("oid-1", "ana@contoso.com", {"approver"})


def test_roles_under_the_platform_role_type_count_too():
    principal = principal_from_headers(_principal((OID, "o"), ("name", "bo"), (ROLE, "requester")))
    assert principal is not None and principal.has_role("requester") and not principal.has_role("approver")


def test_the_name_header_alone_names_nobody():
    assert principal_from_headers({"x-ms-client-principal-name": "bo@contoso.com"}) is None


def test_a_principal_without_an_object_id_names_nobody():
    assert principal_from_headers(_principal(("preferred_username", "ana@contoso.com"))) is None


def test_malformed_principals_name_nobody():
    for value in ("not base64!", _encoded([1, 2]), _encoded({"claims": "x"}), base64.b64encode(b"{").decode()):
        assert principal_from_headers({"x-ms-client-principal": value}) is None
