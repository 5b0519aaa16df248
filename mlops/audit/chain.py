"""Recompute a run's hash chain from its rows and name the first link that does not hold.

The canonical serialization is the one ``audit_row_hash`` in migration 009 computes (keep them in step):
each field as ``<UTF-8 byte length>:<text>`` (``~`` for NULL), concatenated, then SHA-256 in hex. The
database fills the hashes; this module checks them independently of it, so a changed row, a deleted
row and a truncated chain are each reported with the position where the chain first breaks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
VERSION = "audit-v1"


@dataclass(frozen=True)
class AuditRow:
    """One run_events row as the chain sees it (``details`` is PostgreSQL's canonical jsonb text)."""

    id: int
    run_id: str
    chain_seq: int
    kind: str
    status: str
    message: str
    details: str
    dedupe_key: str | None
    at: datetime
    prev_hash: str
    row_hash: str


@dataclass(frozen=True)
class Break:
    """The first link that does not hold: its position, the event id (None: missing rows) and why."""

    chain_seq: int
    event_id: int | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    run_id: str
    length: int
    head: str | None
    broken: Break | None

    @property
    def verified(self) -> bool:
        return self.broken is None


def canonical(row: AuditRow) -> str:
    """The text whose SHA-256 is the row's hash (prev_hash included, so each hash seals the past)."""
    at = row.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = (VERSION, row.run_id, str(row.chain_seq), str(row.id), row.kind, row.status, row.message)
    tail = (row.details, row.dedupe_key, at, row.prev_hash)
    return "".join("~" if value is None else f"{len(value.encode())}:{value}" for value in (*fields, *tail))


def row_hash(row: AuditRow) -> str:
    return hashlib.sha256(canonical(row).encode()).hexdigest()


def verify_chain(run_id: str, rows: Sequence[AuditRow], head: tuple[str, int] | None) -> ChainReport:
    """Walk ``rows`` (ordered by chain_seq) from the genesis; ``head`` is the recorded (hash, length)."""
    previous = GENESIS
    for position, row in enumerate(rows, start=1):
        if row.chain_seq != position:
            return _broken(run_id, rows, Break(position, row.id, f"event #{position} is missing (rows deleted)"))
        if row.prev_hash != previous:
            reason = f"event #{position} does not link to event #{position - 1} (a row was changed or deleted)"
            return _broken(run_id, rows, Break(position, row.id, reason))
        if row_hash(row) != row.row_hash:
            return _broken(run_id, rows, Break(position, row.id, f"event #{position} was changed after it was written"))
        previous = row.row_hash
    if head is None:
        return _broken(run_id, rows, Break(1, None, "the run has no recorded chain head"))
    head_hash, head_length = head
    if head_length != len(rows) or head_hash != previous:
        reason = f"the chain ends at event #{len(rows)} but its head records {head_length} (newest rows deleted)"
        return _broken(run_id, rows, Break(len(rows) + 1, None, reason))
    return ChainReport(run_id, len(rows), previous, None)


def _broken(run_id: str, rows: Sequence[AuditRow], broken: Break) -> ChainReport:
    return ChainReport(run_id, len(rows), rows[-1].row_hash if rows else None, broken)
