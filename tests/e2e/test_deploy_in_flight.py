"""A run in flight survives a deploy: started under 1.0, it waits for approval while devhost restarts
with 2.0 code (a changed sequence, in a copy of the app, as a new process like a real deploy); the
approval completes it on the 1.0 path and a new run takes the 2.0 path."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.conftest import APPROVER, ROOT, Api, wait_until

APP_PARTS = ["function_app.py", "host.json", "activities", "mlops", "orchestrations", "triggers", "training_job"]
APP_PARTS += ["infra/servicebus"]
ANCHOR = "    run = PipelineInput.model_validate(context.get_input())\n"
V2_STEP = (
    "    from orchestrations import versions\n"
    "    from orchestrations.steps import record as record_v2\n"
    "    if not versions.before(context, '2.0'):\n"
    "        yield from record_v2(context, run, 'loading', 'request accepted by release pipeline 2.0')\n"
)
V2_MESSAGE = "request accepted by release pipeline 2.0"
PATIENCE_S = 900  # staging, generation and scoring jobs each load torch: generous on a shared machine


def deploy_v2(target: Path) -> Path:
    """A copy of the app whose sequence has a new first step for 2.0, with host.json defaultVersion 2.0."""
    for part in APP_PARTS:
        source, copy = ROOT / part, target / part
        if source.is_dir():
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
    pipeline = target / "orchestrations" / "release_pipeline.py"
    source_text = pipeline.read_text()
    assert source_text.count(ANCHOR) == 1, "the orchestrator's first line moved: update ANCHOR"
    pipeline.write_text(source_text.replace(ANCHOR, ANCHOR + V2_STEP))
    host = json.loads((target / "host.json").read_text())
    host["extensions"]["durableTask"]["defaultVersion"] = "2.0"
    (target / "host.json").write_text(json.dumps(host))
    return target


@contextmanager
def devhost_process(app_dir: Path, devhost: Any, settings: dict[str, str]) -> Iterator[None]:
    """`python -m devhost` on the copy: same state dir (task hub, broker, identity keys) and ports as the
    host it replaces, so the stopped host's `Api` drives it."""
    config = devhost.host.config
    env = {k: v for k, v in os.environ.items() if k != "ServiceBusConnection"} | settings
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "devhost", "--app-dir", str(app_dir), "--port", str(config.port)]
    command += ["--broker-port", str(config.broker_port), "--state-dir", str(config.state_dir), "--virtual-clock"]
    process = subprocess.Popen(command, cwd=app_dir, env=env)
    origin = devhost.base_url
    try:
        wait_until(lambda: _health(origin), bool, 120, "devhost 2.0 to start")
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)


def _broken(tiny_model: Path, tmp_path: Path) -> Path:
    """The tiny model with unreadable weights: its answer-generation job fails at once."""
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model, broken)
    for weights in broken.glob("*.safetensors"):
        weights.write_bytes(b"not a safetensors file")
    return broken


def _health(origin: str) -> bool:
    try:
        return httpx.get(f"{origin}/admin/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_run_waiting_for_approval_finishes_on_its_old_path_after_a_deploy(
    devhost_factory, tiny_model: Path, tmp_path: Path
) -> None:
    with devhost_factory() as devhost:
        api = Api(devhost)
        inflight = api.start_run(str(tiny_model), task_type="evaluate", ml_score_threshold=0.0)
        assert api.wait_for(inflight, {"awaiting_approval", "failed"}, PATIENCE_S)["orchestration"]["version"] == "1.0"
        settings = dict(devhost.host.config.env)
        devhost.wait_idle()
    with devhost_process(deploy_v2(tmp_path / "app-2.0"), devhost, settings):
        approved = api.as_user(APPROVER).post(f"/runs/{inflight}/approval", {"decision": "approve"})
        assert approved.status_code == 202, approved.text
        old = api.wait_for(inflight, {"completed", "failed"}, PATIENCE_S)
        fresh = api.start_run(str(_broken(tiny_model, tmp_path)), task_type="evaluate")  # ends soon after its new step
        new = api.wait_for(fresh, {"completed", "failed"}, PATIENCE_S)
    assert (old["status"], old["decision"], old["orchestration"]["version"]) == ("completed", "go_prod", "1.0")
    assert V2_MESSAGE not in [e["message"] for e in old["events"]]
    assert (new["status"], new["orchestration"]["version"]) == ("failed", "2.0")
    loading = [e["message"] for e in new["events"] if (e.get("kind"), e.get("status")) == ("transition", "loading")]
    assert loading == [V2_MESSAGE]
