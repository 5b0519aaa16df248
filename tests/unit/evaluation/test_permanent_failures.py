"""Errors no retry can fix come back from an activity as a PermanentFailure; others still raise (retried)."""

import asyncio
from typing import Any

import pytest

from activities.permanent import permanent_failures_returned
from mlops.evaluation import EvaluationFailed
from mlops.payloads import PermanentFailure


@permanent_failures_returned
async def nan_policy(payload: dict[str, Any]) -> dict[str, Any]:
    raise EvaluationFailed("exact_match (50% NaN)")


@permanent_failures_returned
async def unreachable(payload: dict[str, Any]) -> dict[str, Any]:
    raise ConnectionError("blob store unreachable")


def test_a_nan_policy_failure_is_returned_with_its_reason() -> None:
    result = asyncio.run(nan_policy({}))
    assert PermanentFailure.reason_in(result) == "exact_match (50% NaN)"


def test_a_transient_error_still_raises_so_the_retry_policy_applies() -> None:
    with pytest.raises(ConnectionError):
        asyncio.run(unreachable({}))


def test_an_ordinary_result_is_not_a_permanent_failure() -> None:
    assert PermanentFailure.reason_in({"ml_score": 0.5, "passed": False}) is None
