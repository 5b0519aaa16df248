"""The operator behind an operations call: read from the Easy Auth principal header only."""

import base64
import json

from mlops.operations.access import signed_in_actor


def header(claims: list[dict[str, str]], **extra: str) -> dict[str, str]:
    principal = {"auth_typ": "aad", "name_typ": "name", "role_typ": "roles", "claims": claims, **extra}
    return {"x-ms-client-principal": base64.b64encode(json.dumps(principal).encode()).decode()}


def test_name_object_id_and_roles_come_from_the_principal_claims() -> None:
    claims = [
        {"typ": "name", "val": "olga@contoso.com"},
        {"typ": "http://schemas.microsoft.com/identity/claims/objectidentifier", "val": "oid-1"},
        {"typ": "roles", "val": "operator"},
        {"typ": "roles", "val": "requester"},
    ]
    actor = signed_in_actor(header(claims))
    assert actor is not None
    assert (actor.name, actor.oid, actor.roles) == ("olga@contoso.com", "oid-1", frozenset({"operator", "requester"}))


def test_no_principal_header_means_nobody_is_signed_in() -> None:
    assert signed_in_actor({"x-ms-client-principal-name": "mallory"}) is None


def test_an_unreadable_principal_means_nobody_is_signed_in() -> None:
    assert signed_in_actor({"x-ms-client-principal": "not base64 json!"}) is None
