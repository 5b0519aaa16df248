"""The audit of operator actions (who listed or re-drove which messages, and what came of it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg


@dataclass(frozen=True)
class OperatorAction:
    actor: str
    actor_id: str | None
    action: str
    target: Mapping[str, Any]
    outcome: Mapping[str, Any]
    at: datetime


class OperationQueries:
    """The operator-audit half of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def record_operator_action(
        self, actor: str, actor_id: str | None, action: str, target: Mapping[str, Any], outcome: Mapping[str, Any]
    ) -> None:
        """Append one audited operator action."""
        await self._pool.execute(
            "INSERT INTO operator_actions (actor, actor_id, action, target, outcome) VALUES ($1, $2, $3, $4, $5)",
            actor,
            actor_id,
            action,
            dict(target),
            dict(outcome),
        )

    async def operator_actions(self, limit: int = 100) -> list[OperatorAction]:
        """The latest audited operator actions, newest first."""
        rows = await self._pool.fetch(
            "SELECT actor, actor_id, action, target, outcome, at FROM operator_actions ORDER BY at DESC, id DESC"
            " LIMIT $1",
            limit,
        )
        return [OperatorAction(**dict(row)) for row in rows]
