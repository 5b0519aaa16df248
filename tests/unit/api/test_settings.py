"""Settings: explicit errors naming the setting, documented defaults."""

import json
from pathlib import Path

import pytest

from mlops.settings import SETTINGS, Settings, SettingsError, setting_names, settings_table

ROOT = Path(__file__).resolve().parents[3]
# The Functions host's own settings in local.settings.example.json, not the app's.
HOST_SETTINGS = {"FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage", "AzureWebJobsFeatureFlags"}

BASE = {
    "DATABASE_URL": "postgresql://x/db",
    "BLOB_CONNECTION_STRING": "cs",
    "MLFLOW_TRACKING_URI": "sqlite:///m.db",
}


def test_defaults():
    settings = Settings.from_env(BASE)
    assert settings.servicebus_topic == "mlops-events"
    assert settings.approval_timeout_hours == 72.0
    assert settings.training.timeout_minutes == 120


@pytest.mark.parametrize(
    ("override", "name"),
    [
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"BLOB_CONNECTION_STRING": ""}, "BLOB_CONNECTION_STRING"),
        ({"APPROVAL_TIMEOUT_HOURS": "soon"}, "APPROVAL_TIMEOUT_HOURS"),
        ({"TRAINING_TIMEOUT_MINUTES": "0"}, "TRAINING_TIMEOUT_MINUTES"),
    ],
)
def test_bad_settings_name_the_setting(override, name):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({**BASE, **override})


def test_each_setting_is_declared_once():
    names = setting_names()
    assert len(names) == len(set(names)) == len(SETTINGS)


def test_the_example_file_lists_exactly_the_declared_settings():
    example = json.loads((ROOT / "local.settings.example.json").read_text())["Values"]
    assert sorted(set(example) - HOST_SETTINGS) == sorted(setting_names(frozenset({"app", "local"})))


def test_the_example_values_parse():
    example = json.loads((ROOT / "local.settings.example.json").read_text())["Values"]
    settings = Settings.from_env(example)
    assert settings.servicebus_topic == "mlops-events" and settings.judge is None


def test_the_readme_table_is_the_declarations():
    """Regenerate it with ``python -m mlops.settings`` after changing a declaration."""
    assert settings_table() in (ROOT / "README.md").read_text()
