"""Flattening V3 actions and the determinism check."""

from __future__ import annotations

import pytest
from azure.durable_functions.models.actions import ActionType

from devhost.durable import history
from devhost.durable.actions import Action, Recorded, RetryPolicy, flatten, new_actions
from devhost.durable.errors import NonDeterminismError

from .replay import START

PAYLOAD = [
    [
        {"actionType": 0, "functionName": "a", "input": "1"},
        {
            "actionType": 11,
            "compoundActions": [
                {"actionType": 6, "externalEventName": "Go", "reason": "ExternalEvent"},
                {
                    "actionType": 12,
                    "compoundActions": [{"actionType": 5, "fireAt": history.fmt(START), "isCanceled": True}],
                },
            ],
        },
        {
            "actionType": 1,
            "functionName": "b",
            "input": "null",
            "retryOptions": {"firstRetryIntervalInMilliseconds": 500, "maxNumberOfAttempts": 4},
        },
    ]
]


def test_flatten_is_depth_first_in_scheduling_order() -> None:
    assert flatten(PAYLOAD) == [
        Action(ActionType.CALL_ACTIVITY, "a", "1"),
        Action(ActionType.WAIT_FOR_EXTERNAL_EVENT, "Go"),
        Action(ActionType.CREATE_TIMER, fire_at=START, cancelled=True),
        Action(ActionType.CALL_ACTIVITY_WITH_RETRY, "b", "null", retry=RetryPolicy(500, 4)),
    ]


def test_new_actions_are_those_beyond_the_recorded_ones() -> None:
    recorded = [Recorded(0, "a", 0), Recorded(6, "Go", None)]
    assert [a.kind for a in new_actions(recorded, flatten(PAYLOAD))] == [5, 1]


@pytest.mark.parametrize(
    "recorded",
    [
        [Recorded(0, "other", 0)],
        [Recorded(5, None, 0)],
        [
            Recorded(0, "a", 0),
            Recorded(6, "Go", None),
            Recorded(5, None, 1),
            Recorded(1, "b", 2),
            Recorded(0, "c", 3),
        ],
    ],
)
def test_mismatched_or_missing_actions_are_non_deterministic(recorded: list[Recorded]) -> None:
    with pytest.raises(NonDeterminismError, match="Non-Deterministic workflow detected"):
        new_actions(recorded, flatten(PAYLOAD))
