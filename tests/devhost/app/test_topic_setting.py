"""The app's Service Bus triggers name their topic by the SERVICEBUS_TOPIC setting, and devhost resolves it
from the app settings as the Functions host resolves a %NAME% binding expression."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from devhost.app.loader import load_app
from devhost.app.settings import SettingsError
from devhost.servicebus.dispatch import TriggerDispatcher

ROOT = Path(__file__).resolve().parents[3]
CONNECTION = "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;"


def _dispatchers() -> list[TriggerDispatcher]:
    index = load_app(ROOT)
    executor = ThreadPoolExecutor(1)
    return [
        TriggerDispatcher(t, executor=executor, client_binding=str, max_concurrent_calls=1, auto_complete=True)
        for t in index.service_bus
    ]


def test_every_trigger_listens_on_the_topic_the_setting_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ServiceBusConnection", CONNECTION)
    monkeypatch.setenv("SERVICEBUS_TOPIC", "renamed-events")
    dispatchers = _dispatchers()
    assert {d.subscription for d in dispatchers} == {"sub-orchestrator", "sub-training-events"}
    assert {d.topic for d in dispatchers} == {"renamed-events"}


def test_a_trigger_whose_topic_setting_is_missing_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ServiceBusConnection", CONNECTION)
    monkeypatch.delenv("SERVICEBUS_TOPIC", raising=False)
    with pytest.raises(SettingsError, match="SERVICEBUS_TOPIC"):
        _dispatchers()
