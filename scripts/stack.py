"""The local stack in one command: services, seed data, base model, devhost — and the demo run.

``up`` leaves everything running (``down`` stops it); ``demo`` starts what is not running,
runs one release end to end through the HTTP API, then stops what it started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / ".stack"
DEVHOST_PID = STATE / "devhost.pid"
DEVHOST_LOG = STATE / "devhost.log"
API = "http://127.0.0.1:7071/api"
DEVHOST_HEALTH = "http://127.0.0.1:7071/admin/health"
DEMO_MODEL = STATE / "models" / "smollm2-135m-instruct"
UI_PID = STATE / "ui.pid"
UI_LOG = STATE / "ui.log"
UI_URL = "http://127.0.0.1:8501"


def _python(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)


def _stack_env() -> dict[str, str]:
    """The process environment, then the services' settings (.stack/env), then the documented local defaults."""
    values = dict(os.environ)
    for line in (STATE / "env").read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            values.setdefault(key.strip(), value.strip())
    documented = json.loads((ROOT / "local.settings.example.json").read_text())["Values"]
    for key, value in documented.items():
        if value:
            values.setdefault(key, value)
    values.setdefault("PYTHONUNBUFFERED", "1")
    values.setdefault("TQDM_DISABLE", "1")
    values.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    return values


def _devhost_running() -> bool:
    return devhost_is_ours(DEVHOST_HEALTH, STATE / "devhost")


def devhost_is_ours(health_url: str, state_dir: Path) -> bool:
    """True if the devhost answering at health_url runs on state_dir; False if nothing answers.

    Anything else on the port (another clone's devhost, another program) stops the stack with a message:
    reusing it would silently run this clone's demo against someone else's code and data.
    """
    try:
        reply = httpx.get(health_url, timeout=2)
    except httpx.HTTPError:
        return False
    try:
        found = reply.json()
    except ValueError:
        found = None
    if not isinstance(found, dict) or "state_dir" not in found:
        raise SystemExit(f"{health_url} answers but is not a devhost: free the port before starting the stack")
    if Path(str(found["state_dir"])) != state_dir.resolve():
        raise SystemExit(
            f"the devhost on {health_url} (pid {found.get('pid')}) runs on {found['state_dir']}, "
            f"not on this clone's {state_dir.resolve()}: stop it before starting this stack"
        )
    return True


def start_devhost(env: dict[str, str]) -> bool:
    """Start devhost detached unless one answers already; returns whether this call started it."""
    if _devhost_running():
        return False
    log = DEVHOST_LOG.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "devhost", "--state-dir", str(STATE / "devhost")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    DEVHOST_PID.write_text(str(process.pid))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            last = DEVHOST_LOG.read_text(errors="replace").strip().splitlines()[-1:] or [""]
            raise SystemExit(f"devhost exited with {process.returncode}: {last[0]} (see {DEVHOST_LOG})")
        if _devhost_running():
            return True
        time.sleep(0.5)
    raise SystemExit(f"devhost did not answer within 90 s; see {DEVHOST_LOG}")


def stop_devhost() -> None:
    if not DEVHOST_PID.exists():
        return
    pid = int(DEVHOST_PID.read_text())
    try:
        os.killpg(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.1)
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    DEVHOST_PID.unlink(missing_ok=True)


def _ui_running() -> bool:
    try:
        return httpx.get(f"{UI_URL}/_stcore/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_ui(env: dict[str, str]) -> None:
    """Start the Streamlit UI detached on 127.0.0.1:8501 against the local API, unless one answers already."""
    if _ui_running():
        return
    ui_env = {**env, "API_URL": API, "PYTHONPATH": str(ROOT), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    ui_env["LOCAL_IDENTITY_URL"] = API.removesuffix("/api")  # the UI's sign-in: devhost's local identity provider
    command = [sys.executable, "-m", "streamlit", "run", "ui/app.py", "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.port", "8501"]
    with UI_LOG.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=ui_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    UI_PID.write_text(str(process.pid))
    deadline = time.monotonic() + 60
    while not _ui_running():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the UI did not start; see {UI_LOG}")
        time.sleep(0.5)


def stop_ui() -> None:
    if not UI_PID.exists():
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(int(UI_PID.read_text()), signal.SIGTERM)
    UI_PID.unlink(missing_ok=True)


def up(*, demo_model: bool) -> dict[str, str]:
    """Start services, seed datasets, build the base models, start devhost; return the stack's environment."""
    STATE.mkdir(exist_ok=True)
    _python("-m", "devstack", "up", "--state-dir", str(STATE))
    env = _stack_env()
    _python("-m", "mlops.seed", env=env)
    _python("-m", "mlops.models", "build-tiny", "--out", str(STATE / "models" / "tiny-mistral"), env=env)
    if demo_model:
        _python("-m", "mlops.models", "build-smollm2", "--out", str(DEMO_MODEL), env=env)
    start_devhost(env)
    start_ui(env)
    print(f"stack up: API {API} (health: {API}/health), UI {UI_URL}, logs in {STATE}")
    return env


def down() -> None:
    stop_ui()
    stop_devhost()
    _python("-m", "devstack", "down", "--state-dir", str(STATE))


def demo() -> int:
    was_running = _devhost_running()
    env = up(demo_model=True)
    try:
        from scripts.demo_client import run_demo

        return run_demo(API, model_id=str(DEMO_MODEL))
    finally:
        if not was_running:
            down()
        del env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.stack", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "demo"])
    args = parser.parse_args(argv)
    if args.command == "up":
        up(demo_model=True)
    elif args.command == "down":
        down()
    else:
        return demo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
