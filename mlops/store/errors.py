"""Typed failures of the run store."""

from __future__ import annotations

from mlops.store.records import ApprovalRecord, VoteRecord


class StoreError(Exception):
    """Base class of the run store's own errors."""


class RunNotFound(StoreError, LookupError):
    """No run has that id (or the id is not a UUID)."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"no run {run_id}")
        self.run_id = run_id


class DatasetNotFound(StoreError, LookupError):
    """The run names a dataset that is not registered."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no dataset {name!r}")
        self.name = name


class InvalidTransition(StoreError, ValueError):
    """The status change is not allowed (out of a terminal status, backwards, or a misplaced decision)."""

    def __init__(self, run_id: str, current: str, target: str, reason: str) -> None:
        super().__init__(f"run {run_id}: cannot go from {current} to {target}: {reason}")
        self.run_id = run_id
        self.current = current
        self.target = target


class AlreadyDecided(StoreError):
    """The run already has an approval decision; ``existing`` is the one that won."""

    def __init__(self, existing: ApprovalRecord) -> None:
        super().__init__(f"run {existing.run_id} already decided: {existing.decision} by {existing.approver}")
        self.existing = existing


class MigrationError(StoreError):
    """A migration file is malformed, or an applied migration was edited afterwards."""


class AlreadyVoted(StoreError):
    """This principal already decided this run; ``existing`` is their vote."""

    def __init__(self, existing: VoteRecord) -> None:
        super().__init__(
            f"{existing.approver} already decided ({existing.decision}) run {existing.run_id} "
            f"at {existing.decided_at.isoformat()}"
        )
        self.existing = existing


class ApprovalWindowClosed(StoreError):
    """The deadline passed (or the expiry was recorded): no decision is taken any more."""


class NotAwaitingDecision(StoreError):
    """The run is in a status where no decision can be taken."""
