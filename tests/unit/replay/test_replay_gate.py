"""The gate catches what it is for: a copy of the orchestrator whose sequence changed without a version bump."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from orchestrations import versions
from tests.tools import golden
from tests.tools.replay_gate import divergence, handler_of

SOURCE = (Path(__file__).resolve().parents[3] / "orchestrations" / "release_pipeline.py").read_text()
ANCHOR = "    run = PipelineInput.model_validate(context.get_input())\n"
NEW_STEP = "    yield context.call_activity('publish_event', '{}')\n"
NEXT = f"{int(versions.CURRENT.split('.')[0]) + 1}.0"  # the version a deploy of this change would bump to
VERSIONED_STEP = (
    "    from orchestrations import versions\n"
    f"    if not versions.before(context, '{NEXT}'):\n"
    "        yield context.call_activity('publish_event', '{}')\n"
)
GOLDEN = golden.load_all()


def changed_copy(step: str) -> Callable[..., Any]:
    """release_pipeline as a deploy would change it: `step` added as the first thing it schedules."""
    assert SOURCE.count(ANCHOR) == 1, "the orchestrator's first line moved: update ANCHOR"
    module = ModuleType("release_pipeline_changed")
    exec(compile(SOURCE.replace(ANCHOR, ANCHOR + step), "release_pipeline_changed.py", "exec"), module.__dict__)
    return handler_of(module.bp, "release_pipeline")


def test_an_unversioned_sequence_change_fails_the_gate_naming_the_event() -> None:
    waiting = next(g for g in GOLDEN if g.scenario == "evaluate-awaiting-approval")
    message = divergence(changed_copy(NEW_STEP), waiting)
    first = waiting.actions[0]
    assert message is not None
    assert f"TaskScheduled {first.name!r} (EventId {first.event_id})" in message
    assert "the current code schedules CALL_ACTIVITY 'publish_event' instead" in message


def test_an_unversioned_sequence_change_fails_every_golden_history() -> None:
    handler = changed_copy(NEW_STEP)
    assert [g.scenario for g in GOLDEN if divergence(handler, g) is None] == []


def test_the_same_change_behind_a_version_bump_passes_the_gate() -> None:
    handler = changed_copy(VERSIONED_STEP)
    assert [divergence(handler, g) for g in GOLDEN] == [None] * len(GOLDEN)
