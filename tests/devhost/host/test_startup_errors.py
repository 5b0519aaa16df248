"""A broken app or a busy port stops `python -m devhost` with one line naming the fault and exit code 2."""

from __future__ import annotations

import socket
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devhost.__main__ import main

GOOD_APP = """
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hi")
"""


@pytest.fixture
def start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., tuple[int, str]]]:
    """Run devhost's entry point on an app written from parts; return (exit code, stderr)."""

    def run(app: str = GOOD_APP, *, files: dict[str, str] | None = None, port: int = 0) -> tuple[int, str]:
        app_dir = tmp_path / "app"
        app_dir.mkdir()
        (app_dir / "function_app.py").write_text(textwrap.dedent(app))
        for name, text in (files or {}).items():
            (app_dir / name).write_text(text)
        args = ["--app-dir", str(app_dir), "--port", str(port), "--no-broker", "--state-dir", str(tmp_path / "s")]
        with pytest.raises(SystemExit) as stopped:
            main(args)
        return int(stopped.value.code or 0), capsys.readouterr().err

    yield run


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("devhost: error:")]


def test_host_json_with_two_objects_names_file_and_line(start: Callable[..., tuple[int, str]], tmp_path: Path) -> None:
    code, stderr = start(files={"host.json": '{"version": "2.0"}\n{"logging": {}}\n'})
    assert code == 2
    assert _error_lines(stderr) == [f"devhost: error: {tmp_path / 'app' / 'host.json'}, line 2 column 1: Extra data"]
    assert "Traceback" not in stderr


def test_malformed_local_settings_names_file_and_line(start: Callable[..., tuple[int, str]], tmp_path: Path) -> None:
    code, stderr = start(files={"local.settings.json": '{\n  "Values": {"A": 1,}\n}\n'})
    assert code == 2
    assert _error_lines(stderr) == [
        f"devhost: error: {tmp_path / 'app' / 'local.settings.json'}, line 2 column 21: "
        "Expecting property name enclosed in double quotes"
    ]


def test_unknown_binding_is_one_line_naming_the_function(start: Callable[..., tuple[int, str]]) -> None:
    app = GOOD_APP + textwrap.dedent("""
        @app.event_grid_trigger(arg_name="event")
        def on_grid(event: func.EventGridEvent) -> None:
            pass
        """)
    code, stderr = start(app)
    assert code == 2
    assert _error_lines(stderr) == [
        'devhost: error: cannot load the on_grid function: devhost does not support the "eventGridTrigger" binding type'
    ]


def test_a_failing_import_names_the_exception_and_the_line(start: Callable[..., tuple[int, str]]) -> None:
    code, stderr = start("import azure.functions as func\nimport not_installed_module\n")
    assert code == 2
    (line,) = _error_lines(stderr)
    assert "ModuleNotFoundError: No module named 'not_installed_module'" in line
    assert line.endswith("function_app.py:2)")
    assert "Traceback" not in stderr


def test_a_busy_port_is_reported_not_reused(start: Callable[..., tuple[int, str]]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, stderr = start(port=port)
    assert code == 2
    assert _error_lines(stderr) == [
        f"devhost: error: HTTP port {port} on 127.0.0.1 is already in use (another devhost or another program): "
        "stop it or pass --port"
    ]
