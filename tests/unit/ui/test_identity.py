"""What the UI reads from the user's access token and what it then offers (the API enforces the same)."""

import time

import jwt
import pytest

from ui.identity import User, user_from_token
from ui.settings import UiSettings


def _token(**claims: object) -> str:
    base: dict[str, object] = {"oid": "0b6d7c1e-0000-4000-8000-000000000001", "name": "Ana"}
    base |= {"preferred_username": "ana@contoso.com", "roles": ["approver"], "exp": int(time.time()) + 600}
    return jwt.encode({**base, **claims}, "a-key-the-ui-never-needs-32-bytes!", algorithm="HS256")


def _user(*roles: str, name: str = "ana@contoso.com") -> User:
    return User(name=name, oid="oid-ana", roles=frozenset(roles), token="t")


def test_token_names_the_user_and_their_roles():
    user = user_from_token(_token(roles=["requester", "approver"]))
    assert user is not None
    assert (user.name, user.oid, user.roles) == (
        "ana@contoso.com",
        "0b6d7c1e-0000-4000-8000-000000000001",
        frozenset({"requester", "approver"}),
    )


def test_expired_token_means_signed_out():
    assert user_from_token(_token(exp=int(time.time()) - 1)) is None


@pytest.mark.parametrize("token", [None, "", "not-a-jwt", "a.%%%.c", "a.bnVsbA.c"])
def test_missing_or_malformed_token_means_signed_out(token):
    assert user_from_token(token) is None


def test_token_without_roles_grants_nothing():
    user = user_from_token(_token(roles="approver"))
    assert user is not None and user.roles == frozenset()


def test_only_requesters_may_start_runs():
    assert _user("requester").may_start
    assert not _user("approver").may_start


def test_approvers_may_approve_and_reject_runs_others_started():
    run = {"created_by": "bo@contoso.com"}
    assert _user("approver").may_approve(run) and _user("approver").may_reject(run)


def test_the_requester_may_reject_but_never_approve_their_own_run():
    run = {"created_by": "ANA@contoso.com"}
    user = _user("requester", "approver")
    assert not user.may_approve(run)
    assert user.may_reject(run)


def test_the_requester_is_known_by_object_id_whatever_the_names_say():
    user = _user("approver")
    assert not user.may_approve({"created_by": "Ana Renamed", "created_by_oid": "OID-ANA"})
    assert user.may_approve({"created_by": "ana@contoso.com", "created_by_oid": "oid-of-another-ana"})


def test_a_user_without_roles_may_not_decide():
    run = {"created_by": "bo@contoso.com"}
    assert not _user().may_approve(run) and not _user().may_reject(run)


def test_local_identity_url_is_configuration():
    assert UiSettings.from_env({}).local_identity_url is None
    assert UiSettings.from_env({"LOCAL_IDENTITY_URL": "http://127.0.0.1:7071/"}).local_identity_url == (
        "http://127.0.0.1:7071"
    )
