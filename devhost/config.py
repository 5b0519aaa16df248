"""How a DevHost runs: app, interfaces, ports, state, broker and clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DevHostConfig:
    """How to run the host; port 0 (HTTP or broker) picks a free port."""

    app_dir: Path = Path(".")
    host: str = "127.0.0.1"
    port: int = 7071
    state_dir: Path = Path(".stack/devhost")
    broker: bool = True
    broker_port: int = 5672
    broker_config: Path | None = None
    virtual_clock: bool = False
    env: dict[str, str] = field(default_factory=dict)
