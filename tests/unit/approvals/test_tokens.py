"""Signed approval tokens: round trip, rotation, and each way a token is refused."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from mlops.approvals.tokens import ApprovalClaims, BadSignature, MalformedToken, SigningKeys, TokenExpired

NOW = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
CLAIMS = ApprovalClaims("run-1", "approve", "3", NOW + timedelta(hours=72))
KEYS = SigningKeys.parse(
    "k2:second-secret-0123456789-long-enough-for-hmac,k1:first-secret-0123456789-long-enough-for-hmac"
)


def _payload(token: str) -> dict:
    encoded = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def _encode(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()


def test_round_trip_binds_run_decision_version_and_expiry():
    token = KEYS.sign(CLAIMS)
    assert KEYS.verify(token, NOW) == CLAIMS
    assert _payload(token)["kid"] == "k2"


def test_rotation_new_key_signs_old_key_still_verifies():
    old = SigningKeys.parse("k1:first-secret-0123456789-long-enough-for-hmac").sign(CLAIMS)
    assert KEYS.verify(old, NOW) == CLAIMS
    assert SigningKeys.parse(
        "k3:third-secret-0123456789-long-enough-for-hmac,k2:second-secret-0123456789-long-enough-for-hmac"
    ).verify(KEYS.sign(CLAIMS), NOW)


def test_forged_token_signed_with_another_key_is_refused():
    forged = SigningKeys.parse("k2:attacker-secret-0123456789-long-enough-for-hmac").sign(CLAIMS)
    with pytest.raises(BadSignature) as raised:
        KEYS.verify(forged, NOW)
    assert raised.value.status == 403


def test_unknown_key_id_is_refused():
    with pytest.raises(BadSignature):
        KEYS.verify(SigningKeys.parse("k9:some-secret-0123456789-long-enough-for-hmac").sign(CLAIMS), NOW)


@pytest.mark.parametrize("field,value", [("dec", "reject"), ("run", "run-2"), ("ver", "4"), ("exp", 4102444800)])
def test_tampered_claims_are_refused(field, value):
    token = KEYS.sign(CLAIMS)
    payload = _payload(token) | {field: value}
    with pytest.raises(BadSignature):
        KEYS.verify(f"{_encode(payload)}.{token.split('.')[1]}", NOW)


def test_expired_token_is_refused_with_410():
    token = KEYS.sign(CLAIMS)
    with pytest.raises(TokenExpired) as raised:
        KEYS.verify(token, CLAIMS.expires_at)
    assert raised.value.status == 410


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "!!!.???", f"{_encode({'kid': 'k2'})}."])
def test_malformed_tokens_name_no_link_404_or_are_forged_403(token):
    with pytest.raises((MalformedToken, BadSignature)) as raised:
        KEYS.verify(token, NOW)
    assert raised.value.status in (404, 403)


@pytest.mark.parametrize(
    "text",
    [
        "k1",
        "k1:short",
        "k1:first-secret-0123456789-long-enough-for-hmac,k1:other-secret-0123456789-long-enough-for-hmac",
        "",
    ],
)
def test_bad_key_settings_are_refused(text):
    with pytest.raises(ValueError):
        SigningKeys.parse(text)
