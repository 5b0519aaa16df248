"""Typed failures of the durable engine's management API."""

from __future__ import annotations


class DurableEngineError(Exception):
    """Base class of every error the engine raises to its callers."""


class UnknownOrchestrator(DurableEngineError):
    """start_new named an orchestrator that is not registered."""

    def __init__(self, name: str) -> None:
        super().__init__(f"orchestrator function {name!r} does not exist")
        self.name = name


class InstanceAlreadyExists(DurableEngineError):
    """start_new used the id of an instance that is still Pending or Running."""

    def __init__(self, instance_id: str, status: str) -> None:
        super().__init__(f"an orchestration with instance id {instance_id!r} already exists ({status})")
        self.instance_id = instance_id


class InstanceNotFound(DurableEngineError):
    """No instance with that id exists in this task hub."""

    def __init__(self, instance_id: str) -> None:
        super().__init__(f"no orchestration instance with id {instance_id!r}")
        self.instance_id = instance_id


class InstanceNotRunning(DurableEngineError):
    """terminate/suspend/resume on an instance that already reached a final state (the HTTP API answers 410)."""

    def __init__(self, instance_id: str, status: str, command: str = "terminate") -> None:
        super().__init__(f"cannot {command} orchestration instance {instance_id!r} in the {status} state")
        self.instance_id = instance_id
        self.status = status


def missing_function(name: str, kind: str) -> str:
    """The extension's message for a call to a function that is not registered."""
    return f"The function '{name}' doesn't exist, is disabled, or is not an {kind} function."


class NonDeterminismError(Exception):
    """A replay scheduled different work than the history recorded; the instance is failed with it."""


class UnsupportedAction(Exception):
    """The orchestrator asked for something this engine does not run (sub-orchestrations, entities, HTTP)."""
