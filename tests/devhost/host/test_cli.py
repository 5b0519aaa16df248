"""`python -m devhost` loads local.settings.json, serves the app, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.devhost.host.conftest import SAMPLE_APP

REPO = Path(__file__).resolve().parents[3]
READY = re.compile(r"devhost ready on (http://\S+)")


def wait_ready(process: subprocess.Popen[str], timeout: float = 60.0) -> str:
    """Read stderr until the ready line; return the base URL."""
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            raise AssertionError(f"devhost exited early with {process.wait()}")
        found = READY.search(line)
        if found:
            return found.group(1)
    raise AssertionError("devhost did not become ready")


def test_cli_serves_the_app_and_stops_on_sigterm(tmp_path: Path) -> None:
    app_dir = shutil.copytree(SAMPLE_APP, tmp_path / "app")
    settings = {
        "IsEncrypted": False,
        "Values": {"SAMPLE_TOPIC": "sample-events", "FUNCTIONS_WORKER_RUNTIME": "python"},
    }
    (app_dir / "local.settings.json").write_text(json.dumps(settings))
    env = {k: v for k, v in os.environ.items() if k not in ("SAMPLE_TOPIC", "ServiceBusConnection")}
    command = [
        sys.executable, "-m", "devhost", "--app-dir", str(app_dir), "--port", "0", "--broker-port", "0",
        "--state-dir", str(tmp_path / "state"), "--broker-config", str(app_dir / "servicebus.json"),
        "--virtual-clock",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
    try:
        base_url = wait_ready(process)
        health = httpx.get(f"{base_url}/admin/health").json()
        assert {"start_flow", "on_flow_requested", "on_poison"} <= set(health["functions"])
        before = httpx.get(f"{base_url}/admin/clock").json()
        after = httpx.post(f"{base_url}/admin/clock/advance", json={"seconds": 3600}).json()
        assert after["virtual"] and after["now"] > before["now"]
        assert httpx.get(f"{base_url}/api/hello/Zed").text == "Hello Zed"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "devhost stopped" in stderr
