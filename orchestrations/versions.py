"""The release pipeline's versions: each instance keeps the one it started under, across every deploy.

host.json's ``defaultVersion`` is the version new runs start under; ``context.version`` is the one the
running instance was fixed to (it travels in its history), so a replay after a deploy still knows it.
Wherever the recorded sequence changes, the orchestrator branches on it and keeps the old path for
the instances still in flight (``if before(context, V2): <old steps> else: <new steps>``).

Versions (each has golden histories in tests/fixtures/histories/<version>/ that CI replays):
  1.0  (main on 2026-12-02, heavy steps as jobs) stage base model [staging job] → register →
       [finetune: training job → register] or [evaluate: answer-generation job] → plan → scoring job →
       merge (evaluate_model) → gate → approval card → decision or 72 h expiry (48 h reminder) →
       tag, event, card. Any failure: status, event, card. A run without a version started
       before versioning (and before the jobs): drain those before the first 1.0 deploy.

Changing the sequence (an activity, timer or wait added, removed, renamed or reordered): add the next
version here, make CURRENT that version and host.json's defaultVersion the same, branch as above, and
record its golden histories (``python -m tests.tools.record_history``). docs/deploy.md has the steps.
"""

from __future__ import annotations

import azure.durable_functions as df

V1 = "1.0"
CURRENT = V1
SUPPORTED = (V1,)


def before(context: df.DurableOrchestrationContext, version: str) -> bool:
    """Whether this instance started under a version older than ``version`` (no version: the oldest)."""
    return _key(context.version or "") < _key(version)


def _key(version: str) -> tuple[int, ...]:
    """MAJOR.MINOR compared as numbers (the extension's System.Version order for these strings)."""
    return tuple(int(part) for part in version.split(".")) if version else ()
