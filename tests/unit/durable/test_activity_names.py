"""Names that cannot drift: every activity the orchestrator calls is a registered activity of the app."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import activities
from function_app import app
from tests.tools import golden

ORCHESTRATIONS = Path(__file__).resolve().parents[3] / "orchestrations"
CALLERS = {"call", "call_as", "call_activity", "call_activity_with_retry"}


def registered_activities() -> set[str]:
    """The activity names the host would schedule: the binding's ``activity``, else the function's name."""
    names = set()
    app.functions_bindings = None  # get_functions() refuses a second indexing of the same app otherwise
    for function in app.get_functions():
        for binding in json.loads(function.get_function_json())["bindings"]:
            if binding["type"] == "activityTrigger":
                names.add(str(binding.get("activity") or function.get_function_name()))
    return names


def called_activities(source: str) -> list[str]:
    """The activity argument of each call in ``source``: a constant's name, or ``repr`` of anything else."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in CALLERS:
            continue
        args = node.args[1:] if name in {"call", "call_as"} else node.args  # the helpers take context first
        found.append(args[0].id if args and isinstance(args[0], ast.Name) else ast.unparse(args[0]))
    return found


def orchestrator_calls() -> list[str]:
    return [name for path in sorted(ORCHESTRATIONS.glob("*.py")) for name in called_activities(path.read_text())]


def test_the_orchestrator_calls_activities_only_by_the_constants_activities_exports() -> None:
    calls = orchestrator_calls()
    assert len(calls) >= 12
    assert [name for name in calls if name not in activities.__all__ and name != "activity"] == []


def test_every_activity_the_orchestrator_calls_is_registered_in_the_function_app() -> None:
    constants = {name for name in orchestrator_calls() if name in activities.__all__}
    assert {getattr(activities, name) for name in constants} <= registered_activities()


def test_every_exported_name_is_registered_under_that_name() -> None:
    exported = {getattr(activities, name) for name in activities.__all__ if name != "BLUEPRINTS"}
    assert exported == registered_activities()


def test_every_activity_a_golden_history_scheduled_is_still_registered() -> None:
    recorded = {a.name for g in golden.load_all() for a in g.actions if a.kind.startswith("CALL_ACTIVITY")}
    assert recorded and recorded <= registered_activities()


def test_the_scan_sees_a_bare_string_in_every_call_form() -> None:
    """The check itself can fail: a literal name, in the helpers or on the context, is reported as written."""
    source = (
        "def f(context):\n"
        "    yield call(context, 'tag_model', p)\n"
        "    x = yield from call_as(context, TAG_MODEL, p, R)\n"
        "    yield context.call_activity_with_retry('send_card', retry, p)\n"
    )
    assert called_activities(source) == ["'tag_model'", "TAG_MODEL", "'send_card'"]
