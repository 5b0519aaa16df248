"""local.settings.json and host.json are read as `func start` reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devhost.app.settings import (
    HostOptions,
    SettingsError,
    apply_settings,
    read_host_options,
    read_local_settings,
    resolve_setting_refs,
)


def test_values_are_strings_and_never_override_the_environment(tmp_path: Path) -> None:
    values = {"A": "1", "B": True, "C": 3, "D": None}
    (tmp_path / "local.settings.json").write_text(json.dumps({"IsEncrypted": False, "Values": values}))
    loaded = read_local_settings(tmp_path)
    assert loaded == {"A": "1", "B": "true", "C": "3", "D": ""}
    environ = {"A": "from-env"}
    assert apply_settings(loaded, environ) == {"B": "true", "C": "3", "D": ""}
    assert environ["A"] == "from-env"


def test_absent_file_gives_nothing_and_the_example_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "local.settings.example.json").write_text(json.dumps({"Values": {"A": "1"}}))
    assert read_local_settings(tmp_path) == {}


@pytest.mark.parametrize("content", ['{"IsEncrypted": true, "Values": {}}', '{"Values": []}', "{nope", "[]"])
def test_bad_local_settings_raise(tmp_path: Path, content: str) -> None:
    (tmp_path / "local.settings.json").write_text(content)
    with pytest.raises(SettingsError):
        read_local_settings(tmp_path)


def test_setting_references_resolve_or_fail() -> None:
    assert resolve_setting_refs("%TOPIC%-x", {"TOPIC": "events"}) == "events-x"
    assert resolve_setting_refs("plain", {}) == "plain"
    with pytest.raises(SettingsError, match="'%MISSING%' does not resolve"):
        resolve_setting_refs("%MISSING%", {})


def test_host_json_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_host_options(tmp_path) == HostOptions()
    monkeypatch.setenv("HUB", "FromSetting")
    host = {
        "version": "2.0",
        "extensions": {
            "http": {"routePrefix": "/v1/"},
            "durableTask": {"hubName": "%HUB%", "maxConcurrentActivityFunctions": 2},
            "serviceBus": {"maxConcurrentCalls": 2, "autoCompleteMessages": False},
        },
    }
    (tmp_path / "host.json").write_text(json.dumps(host))
    assert read_host_options(tmp_path) == HostOptions("v1", "FromSetting", 2, False, 2)


def test_legacy_message_handler_options(tmp_path: Path) -> None:
    host = {"extensions": {"serviceBus": {"messageHandlerOptions": {"maxConcurrentCalls": 5, "autoComplete": False}}}}
    (tmp_path / "host.json").write_text(json.dumps(host))
    options = read_host_options(tmp_path)
    assert (options.max_concurrent_calls, options.auto_complete_messages) == (5, False)


def test_hub_name_defaults_to_the_extensions_test_hub_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBSITE_SITE_NAME", raising=False)
    (tmp_path / "host.json").write_text(json.dumps({"version": "2.0"}))
    assert read_host_options(tmp_path).task_hub == "TestHubName"


def test_hub_name_defaults_to_the_site_name_without_dashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBSITE_SITE_NAME", "func-mlops-dev")
    assert read_host_options(tmp_path).task_hub == "funcmlopsdev"


def test_an_invalid_hub_name_is_refused_naming_host_json(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text(json.dumps({"extensions": {"durableTask": {"hubName": "my-hub"}}}))
    with pytest.raises(SettingsError, match=r"host.json: extensions.durableTask.hubName 'my-hub' is invalid"):
        read_host_options(tmp_path)


def test_two_json_objects_back_to_back_name_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text('{\n  "version": "2.0"\n}\n{\n  "logging": {}\n}\n')
    with pytest.raises(SettingsError, match=r"host.json, line 4 column 1: Extra data$"):
        read_host_options(tmp_path)
