"""Errors that cannot succeed on a retry are returned as a PermanentFailure instead of raised.

Durable Python's retry policy retries every failure; a NaN-policy failure or invalid input would fail
the same way three times, repeating each attempt's side effects. Transient errors still raise (retried).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from pydantic import ValidationError

from mlops.evaluation import EvaluationFailed
from mlops.evaluation.errors import InvalidPredictions, InvalidWeights
from mlops.payloads import PermanentFailure

log = logging.getLogger(__name__)
PERMANENT_ERRORS: tuple[type[Exception], ...] = (EvaluationFailed, InvalidPredictions, InvalidWeights, ValidationError)

Activity = Callable[[dict[str, Any]], Coroutine[Any, Any, Any]]


def permanent_failures_returned(activity: Activity) -> Activity:
    """Wrap an activity so that a PERMANENT_ERRORS exception comes back as a PermanentFailure result."""

    @functools.wraps(activity)
    async def wrapped(payload: dict[str, Any]) -> Any:
        try:
            return await activity(payload)
        except PERMANENT_ERRORS as exc:
            log.warning("activity %s failed for good (not retried): %s", activity.__name__, exc)
            return PermanentFailure(permanent_failure=str(exc) or type(exc).__name__).to_json()

    return wrapped
