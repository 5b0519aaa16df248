"""The local training backend: a detached runner that plays "Azure ML job + Event Grid"."""

from mlops.training.launch import launch_local_training

__all__ = ["launch_local_training"]
