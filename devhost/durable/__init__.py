"""Local Durable Task engine: runs DFApp orchestrators through the SDK's replay, persisted in sqlite."""

from devhost.durable.clock import Clock, VirtualClock, WallClock
from devhost.durable.engine import DurableEngine
from devhost.durable.errors import (
    DurableEngineError,
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotRunning,
    UnknownOrchestrator,
)
from devhost.durable.status import InstanceStatus

__all__ = [
    "Clock",
    "DurableEngine",
    "DurableEngineError",
    "InstanceAlreadyExists",
    "InstanceNotFound",
    "InstanceNotRunning",
    "InstanceStatus",
    "UnknownOrchestrator",
    "VirtualClock",
    "WallClock",
]
