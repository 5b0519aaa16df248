"""In a real browser (Debian chromium via playwright): sign in as a requester and start a run from the
form, sign in as an approver, watch it reach awaiting approval, approve it, and see it completed;
screenshots land in test-artifacts/ui/."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from devstack import free_port
from tests.e2e.conftest import ROOT, Api, wait_until

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "ui"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def ui_url(ui_api: Api, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Streamlit serving ui/app.py on a free port, against the devhost API."""
    port = free_port()
    log = (tmp_path_factory.mktemp("streamlit") / "streamlit.log").open("wb")
    env = {**os.environ, "API_URL": ui_api.base, "PYTHONPATH": str(ROOT), "UI_REFRESH_SECONDS": "1"}
    env["LOCAL_IDENTITY_URL"] = ui_api.devhost.base_url
    command = [sys.executable, "-m", "streamlit", "run", "ui/app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _healthy(url), bool, 60, "streamlit to answer")
        yield url
    finally:
        process.terminate()
        process.wait(20)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def page() -> Iterator[Page]:
    assert Path(CHROMIUM).exists(), "run scripts/ensure_chromium.sh (installs Debian chromium)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        try:
            yield page
        except BaseException:
            page.screenshot(path=ARTIFACTS / "failure.png", full_page=True)  # what the user saw when it broke
            raise
        finally:
            browser.close()


def sign_in(page: Page, user: str, *roles: str) -> None:
    """The sidebar's local sign-in (a new browser session starts signed out)."""
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    page.get_by_role("textbox", name="User", exact=True).fill(user)
    for role in ("requester", "approver"):
        box = page.get_by_role("checkbox", name=role, exact=True)
        if box.is_checked() != (role in roles):
            page.get_by_text(role, exact=True).click()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {user}")).to_be_visible(timeout=30_000)


def test_start_follow_approve_in_the_browser(ui_url: str, ui_api: Api, ui_model: Path, page: Page) -> None:
    page.goto(ui_url)  # the start page is the default one, served at /
    sign_in(page, "ria@contoso.com", "requester")
    expect(page.get_by_role("button", name="Start run")).to_be_visible(timeout=30_000)
    page.screenshot(path=ARTIFACTS / "0-start-page.png", full_page=True)
    page.get_by_role("textbox", name="Model id", exact=True).fill(str(ui_model))
    page.get_by_role("textbox", name="Experiment name", exact=True).fill("ui-browser")
    threshold = page.get_by_role("spinbutton", name="MLScore threshold", exact=True)
    threshold.fill("0")
    threshold.press("Tab")
    page.screenshot(path=ARTIFACTS / "1-start-form.png", full_page=True)
    page.get_by_role("button", name="Start run").click()
    follow = page.get_by_role("link", name="Follow run")
    expect(follow).to_be_visible(timeout=30_000)
    run_id = (follow.text_content() or "").split()[-1]
    href = follow.get_attribute("href") or ""
    assert href.endswith(f"/run?run_id={run_id}")
    page.goto(href if href.startswith("http") else f"{ui_url}{href}")  # markdown links open a new tab
    sign_in(page, "ana@contoso.com", "approver")

    # The Approve button only shows once the run awaits approval (the timeline names every stage ahead).
    expect(page.get_by_role("button", name="Approve")).to_be_visible(timeout=480_000)
    expect(page.get_by_text("🟠 awaiting approval")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "2-awaiting-approval.png", full_page=True)
    page.get_by_role("textbox", name="Comment", exact=True).fill("approved from the browser")
    page.get_by_role("button", name="Approve").click()

    expect(page.get_by_text("🟢 completed · go_prod")).to_be_visible(timeout=90_000)
    page.screenshot(path=ARTIFACTS / "3-completed.png", full_page=True)
    run = ui_api.run(run_id)
    assert (run["status"], run["decision"], run["approval"]["approver"]) == ("completed", "go_prod", "ana@contoso.com")
    assert run["created_by"] == "ria@contoso.com"
