"""Settings of the training backend (part of ``Settings``, read from the same environment).

TRAINING_BACKEND   local (default: the detached local runner) | azureml (command jobs on a workspace)
AZUREML_SUBSCRIPTION_ID, AZUREML_RESOURCE_GROUP, AZUREML_WORKSPACE   required with azureml
AZUREML_COMPUTE    the GPU cluster (default gpu-training-cluster)
TRAINING_POLL_MINUTES   how often the orchestrator asks the job's status if no event came (default 15)
JOB_MAX_NODES      local jobs that run at once, the rest queue (default 2: on 2 cores, 8 runs at once went
                   2.09 runs/min with 2 nodes, 1.19 with 1; bench/README.md "load"); the twin of the Azure ML
                   cluster's maxNodeCount (gpuMaxNodes)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

BACKENDS = ("local", "azureml")
AZUREML_REQUIRED = ("AZUREML_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP", "AZUREML_WORKSPACE")
DEFAULT_COMPUTE = "gpu-training-cluster"
DEFAULT_MAX_NODES = 2


class TrainingSettingsError(ValueError):
    """A training backend setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class TrainingSettings:
    backend: str = "local"
    subscription_id: str | None = None
    resource_group: str | None = None
    workspace: str | None = None
    compute: str = DEFAULT_COMPUTE
    poll_minutes: int = 15
    max_nodes: int = DEFAULT_MAX_NODES

    @classmethod
    def from_env(cls, values: Mapping[str, str]) -> TrainingSettings:
        """Read the settings above; raise TrainingSettingsError naming what is wrong or missing."""
        backend = values.get("TRAINING_BACKEND") or "local"
        if backend not in BACKENDS:
            raise TrainingSettingsError(
                f"setting TRAINING_BACKEND must be one of {', '.join(BACKENDS)}, got {backend!r}"
            )
        missing = [name for name in AZUREML_REQUIRED if not values.get(name)]
        if backend == "azureml" and missing:
            raise TrainingSettingsError(f"TRAINING_BACKEND=azureml requires the settings {', '.join(missing)}")
        raw_poll = values.get("TRAINING_POLL_MINUTES") or "15"
        if not raw_poll.isdigit() or int(raw_poll) <= 0:
            raise TrainingSettingsError(f"setting TRAINING_POLL_MINUTES must be a positive integer, got {raw_poll!r}")
        raw_nodes = values.get("JOB_MAX_NODES") or str(DEFAULT_MAX_NODES)
        if not raw_nodes.isdigit() or int(raw_nodes) <= 0:
            raise TrainingSettingsError(f"setting JOB_MAX_NODES must be a positive integer, got {raw_nodes!r}")
        return cls(
            backend=backend,
            subscription_id=values.get("AZUREML_SUBSCRIPTION_ID") or None,
            resource_group=values.get("AZUREML_RESOURCE_GROUP") or None,
            workspace=values.get("AZUREML_WORKSPACE") or None,
            compute=values.get("AZUREML_COMPUTE") or DEFAULT_COMPUTE,
            poll_minutes=int(raw_poll),
            max_nodes=int(raw_nodes),
        )
