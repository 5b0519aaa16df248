"""Settings: explicit errors naming the setting, documented defaults."""

import pytest

from mlops.settings import Settings, SettingsError

BASE = {
    "DATABASE_URL": "postgresql://x/db",
    "BLOB_CONNECTION_STRING": "cs",
    "MLFLOW_TRACKING_URI": "sqlite:///m.db",
}


def test_defaults():
    settings = Settings.from_env(BASE)
    assert settings.servicebus_topic == "mlops-events"
    assert settings.approval_timeout_hours == 72.0
    assert settings.training_timeout_minutes == 120


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
