"""The release pipeline's versions: each instance keeps the one it started under, across every deploy.

host.json's ``defaultVersion`` is the version new runs start under; ``context.version`` is the one the
running instance was fixed to (it travels in its history), so a replay after a deploy still knows it.
Wherever the recorded sequence changes, the orchestrator branches on it and keeps the old path for
the instances still in flight (``if before(context, V2): <old steps> else: <new steps>``).

Versions (each has golden histories in tests/fixtures/histories/<version>/ that CI replays):
  1.0  (retired by draining) load in an activity → [finetune: train job → register] → generate job
       (evaluate) → evaluation fan-out of scoring activities → gate → approval → tag, event, card.
  2.0  staging job unless staged (StagingCompleted) → register → [finetune: train job → register] →
       generate job (evaluate) → plan → scoring job (ScoringCompleted) → fan-in → gate → approval card
       → decision or 72 h expiry (48 h reminder) → tag, event, card. The thin Function App: its package
       lacks the libraries 1.0's in-process loading and scoring need, so 1.0 runs are drained before it
       is deployed (docs/deploy.md), not replayed by it.

Changing the sequence (an activity, timer or wait added, removed, renamed or reordered): add the next
version here, make CURRENT that version and host.json's defaultVersion the same, branch as above, and
record its golden histories (``python -m tests.tools.record_history``). docs/deploy.md has the steps.
"""

from __future__ import annotations

import azure.durable_functions as df

V2 = "2.0"
CURRENT = V2
SUPPORTED = (V2,)


def before(context: df.DurableOrchestrationContext, version: str) -> bool:
    """Whether this instance started under a version older than ``version`` (no version: the oldest)."""
    return _key(context.version or "") < _key(version)


def _key(version: str) -> tuple[int, ...]:
    """MAJOR.MINOR compared as numbers (the extension's System.Version order for these strings)."""
    return tuple(int(part) for part in version.split(".")) if version else ()
