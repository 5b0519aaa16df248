"""scripts/stack.py uses the devhost on its port only if it is this clone's (same state dir); else it stops."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from scripts.stack import devhost_is_ours
from tests.devhost.host.conftest import SAMPLE_APP, SAMPLE_ENV
from tests.fixtures.devhost import RunningDevHost, run_devhost


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningDevHost, Path]]:
    """One devhost for the module, with the state dir it was started on."""
    state = tmp_path_factory.mktemp("owned") / "devhost"
    with run_devhost(SAMPLE_APP, state_dir=state, env=SAMPLE_ENV, broker_config=SAMPLE_APP / "servicebus.json") as host:
        yield host, state


def test_the_clones_own_devhost_is_used(running: tuple[RunningDevHost, Path]) -> None:
    host, state = running
    assert devhost_is_ours(f"{host.base_url}/admin/health", state) is True


def test_another_clones_devhost_is_refused_with_its_pid(running: tuple[RunningDevHost, Path], tmp_path: Path) -> None:
    host, state = running
    with pytest.raises(SystemExit, match=rf"runs on {state.resolve()}, not on this clone's {tmp_path.resolve()}"):
        devhost_is_ours(f"{host.base_url}/admin/health", tmp_path)


def test_a_free_port_means_no_devhost_yet(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert devhost_is_ours(f"http://127.0.0.1:{port}/admin/health", tmp_path) is False


def test_another_program_on_the_port_is_refused(tmp_path: Path) -> None:
    server = HTTPServer(("127.0.0.1", 0), _NotADevhost)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(SystemExit, match="answers but is not a devhost"):
            devhost_is_ours(f"http://127.0.0.1:{server.server_port}/admin/health", tmp_path)
    finally:
        server.shutdown()
        server.server_close()


class _NotADevhost(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<html>some other service</html>")

    def log_message(self, *args: object) -> None:
        """Quiet."""
