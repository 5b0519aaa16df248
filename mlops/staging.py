"""Where a base model is staged in Blob, and whether it is there: the Function App's side of staging.

The copy itself is the staging job's (``training_job.stage``, run by the job runner): this module never
touches the weights. ``blob://`` ids are used where they are. A HuggingFace id or local directory is copied
once per model id; the ``_COMPLETE`` marker, written last by the job, makes an interrupted upload be redone
rather than trusted.
"""

from __future__ import annotations

import hashlib

from mlops.blob import BlobStore
from mlops.payloads import StagingPlan
from mlops.registry import model_name

BASE_PREFIX = "blob://model-outputs/base"
COMPLETE_MARKER = "_COMPLETE"


class StagingRefused(ValueError):
    """The model id cannot be staged (e.g. a ``blob://`` path without a model); the message says why."""


def staged_uri(model_id: str) -> str:
    """The Blob folder of ``model_id``'s staged copy: its registry name and a digest of the id."""
    digest = hashlib.sha256(model_id.encode()).hexdigest()[:8]
    return f"{BASE_PREFIX}/{model_name(model_id)}-{digest}"


def plan_staging(model_id: str, blob: BlobStore) -> StagingPlan:
    """The staged location; ``job_name`` stays None here, the caller submits the job when ``needs_job``."""
    name = model_name(model_id)
    if model_id.startswith("blob://"):
        if not blob.exists(f"{model_id.rstrip('/')}/config.json"):
            raise StagingRefused(f"cannot fetch base model {model_id!r}: no config.json under that blob path")
        return StagingPlan(name=name, uri=model_id.rstrip("/"))
    return StagingPlan(name=name, uri=staged_uri(model_id))


def needs_job(model_id: str, plan: StagingPlan, blob: BlobStore) -> bool:
    """Whether the copy must still be made: not a ``blob://`` id and no complete copy in Blob yet."""
    return not model_id.startswith("blob://") and not blob.exists(f"{plan.uri}/{COMPLETE_MARKER}")
