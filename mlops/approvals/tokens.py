"""Signed approval tokens: HMAC-SHA256 over (key id, run, decision, model version, expiry), with key rotation.

A token is ``<base64url(claims JSON)>.<base64url(HMAC)>``; the claims name the key id (``kid``) that signed
them, so a new key can sign while the old one still verifies links already sent. Single use is not the
token's job: the decision is recorded once per run in PostgreSQL (see ``mlops.approvals.flow``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from mlops.approvals.key_policy import check_key

TokenDecision = Literal["approve", "reject"]


class TokenError(Exception):
    """The token cannot be used; ``status`` is the HTTP status that says why."""

    status = 400
    code = "invalid_token"


class MalformedToken(TokenError):
    """Not a token at all (bad shape, encoding or claims): it names no approval link, like an unknown id."""

    status = 404


class BadSignature(TokenError):
    """Signed with an unknown key, or altered after signing (forged or tampered)."""

    status = 403
    code = "bad_signature"


class TokenExpired(TokenError):
    """Well signed, but past its deadline."""

    status = 410
    code = "expired"


@dataclass(frozen=True)
class ApprovalClaims:
    """What a token grants: one decision on one run's model version, until ``expires_at``."""

    run_id: str
    decision: TokenDecision
    model_version: str
    expires_at: datetime


class SigningKeys:
    """``kid:secret`` pairs; the first signs, every one verifies (rotation without breaking sent links)."""

    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self.current_kid = keys[0][0]
        self._keys = dict(keys)

    @classmethod
    def parse(cls, text: str) -> SigningKeys:
        """Parse ``kid1:secret1,kid2:secret2`` (first is current); ValueError naming the bad entry
        (WeakKey for a Key Vault reference, a bad key id or a short secret: see key_policy)."""
        keys: list[tuple[str, bytes]] = []
        for entry in filter(None, (part.strip() for part in text.split(","))):
            kid, sep, secret = entry.partition(":")
            if not sep:
                raise ValueError(f"signing key {entry[:8]!r}...: expected kid:secret")
            check_key(kid, secret)
            if any(kid == known for known, _ in keys):
                raise ValueError(f"signing key id {kid!r} appears twice")
            keys.append((kid, secret.encode()))
        return cls(keys)

    def sign(self, claims: ApprovalClaims) -> str:
        """A token for ``claims`` signed with the current key."""
        body = {
            "kid": self.current_kid,
            "run": claims.run_id,
            "dec": claims.decision,
            "ver": claims.model_version,
            "exp": int(claims.expires_at.timestamp()),
        }
        encoded = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{encoded}.{_b64(self._mac(self.current_kid, encoded))}"

    def verify(self, token: str, now: datetime) -> ApprovalClaims:
        """The token's claims; MalformedToken, BadSignature or TokenExpired otherwise (checked in that order)."""
        encoded, sep, signature = token.partition(".")
        if not sep or not encoded or not signature:
            raise MalformedToken("not an approval token")
        try:
            body = json.loads(_unb64(encoded))
            given = _unb64(signature)
        except (ValueError, binascii.Error) as exc:
            raise MalformedToken("not an approval token") from exc
        kid = body.get("kid") if isinstance(body, dict) else None
        if not isinstance(kid, str) or kid not in self._keys:
            raise BadSignature("the link was not signed by this platform")
        if not hmac.compare_digest(self._mac(kid, encoded), given):
            raise BadSignature("the link was altered or forged")
        try:
            claims = ApprovalClaims(
                run_id=str(body["run"]),
                decision=_decision(body["dec"]),
                model_version=str(body["ver"]),
                expires_at=datetime.fromtimestamp(int(body["exp"]), UTC),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedToken("the token's claims are incomplete") from exc
        if now >= claims.expires_at:
            raise TokenExpired(f"the approval link expired at {claims.expires_at.isoformat()}")
        return claims

    def form_tag(self, purpose: str, text: str) -> str:
        """A ``kid.tag`` binding ``text`` to ``purpose`` under the current key (the confirm form's CSRF token)."""
        return f"{self.current_kid}.{_b64(self._mac(self.current_kid, f'{purpose}:{text}'))}"

    def check_form_tag(self, purpose: str, text: str, tag: str) -> bool:
        """True when ``tag`` is ``form_tag(purpose, text)`` under any known key."""
        kid, _, given = tag.partition(".")
        if kid not in self._keys:
            return False
        return hmac.compare_digest(_b64(self._mac(kid, f"{purpose}:{text}")), given)

    def _mac(self, kid: str, encoded: str) -> bytes:
        return hmac.new(self._keys[kid], encoded.encode(), hashlib.sha256).digest()


def _decision(value: object) -> TokenDecision:
    if value == "approve":
        return "approve"
    if value == "reject":
        return "reject"
    raise ValueError(f"unknown decision {value!r}")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
