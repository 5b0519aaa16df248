import pytest

from mlops.store import InvalidTransition, NewRun, RunFields, RunNotFound
from mlops.store.rows import check_transition, run_uuid

FORWARD = [
    ("pending", "loading"),
    ("loading", "training"),
    ("loading", "evaluating"),
    ("training", "evaluating"),
    ("evaluating", "awaiting_approval"),
    ("evaluating", "completed"),
    ("awaiting_approval", "completed"),
    ("pending", "failed"),
    ("training", "failed"),
    ("evaluating", "evaluating"),
]


@pytest.mark.parametrize(("current", "target"), FORWARD)
def test_forward_moves_and_failures_are_allowed(current: str, target: str) -> None:
    check_transition("r", current, target, None)


@pytest.mark.parametrize("decision", ["go_prod", "rejected", "expired"])
def test_completion_carries_a_decision(decision: str) -> None:
    check_transition("r", "awaiting_approval", "completed", decision)


@pytest.mark.parametrize(
    ("current", "target", "decision"),
    [
        ("completed", "failed", None),
        ("failed", "completed", None),
        ("training", "loading", None),
        ("awaiting_approval", "evaluating", None),
        ("evaluating", "failed", "rejected"),
        ("evaluating", "completed", "maybe"),
        ("pending", "deploying", None),
    ],
)
def test_illegal_moves_raise(current: str, target: str, decision: str | None) -> None:
    with pytest.raises(InvalidTransition) as raised:
        check_transition("r", current, target, decision)
    assert (raised.value.current, raised.value.target) == (current, target)


def test_run_ids_must_be_uuids() -> None:
    assert str(run_uuid("6f1c2a43-3d0f-4a53-9a77-1f5d3f1b2c11")) == "6f1c2a43-3d0f-4a53-9a77-1f5d3f1b2c11"
    with pytest.raises(RunNotFound):
        run_uuid("run-1")


def test_run_fields_only_name_what_is_set() -> None:
    assert RunFields().changes() == {}
    assert RunFields(ml_score=0.0, training_job="j").changes() == {"ml_score": 0.0, "training_job": "j"}


def test_new_run_checks_the_task_type() -> None:
    with pytest.raises(ValueError, match="task_type"):
        NewRun("m", "d", "e", "train", 0.5)
