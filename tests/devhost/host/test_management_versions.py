"""Starting over the management API fixes an instance's version: ?version= when given, else defaultVersion."""

from __future__ import annotations

import httpx

from tests.fixtures.devhost import RunningDevHost

HOOK = "/runtime/webhooks/durabletask"


def test_start_with_a_version_query_fixes_that_version(sample_host: RunningDevHost) -> None:
    base = sample_host.base_url + HOOK
    httpx.post(f"{base}/orchestrators/approval_flow/v1", params={"version": "3.1"}, json={}).raise_for_status()
    httpx.post(f"{base}/orchestrators/approval_flow/v0", json={}).raise_for_status()
    sample_host.wait_idle()
    engine = sample_host.host.engine
    assert engine is not None
    versions = [getattr(engine.get_status(i), "version", None) for i in ("v1", "v0")]
    assert versions == ["3.1", ""]  # the sample app sets no defaultVersion
