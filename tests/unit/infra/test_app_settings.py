"""The app settings infra/main.bicep gives the Function App are exactly the settings the app reads."""

import re

from infra.checks import bicep
from mlops.settings import setting_names

MAIN = bicep.INFRA / "main.bicep"
SECRETS = {"DATABASE_URL", "HF_TOKEN", "AZURE_AI_API_KEY", "TEAMS_WEBHOOK_URL", "APPROVAL_SIGNING_KEYS"}


def _bicep_settings() -> dict[str, str]:
    parsed = bicep.parse(MAIN)
    node = bicep.variable(parsed, "appSettings")
    return {
        key: parsed.text(prop.named_children[-1])
        for key, prop in zip(bicep.object_keys(parsed, node), node.named_children, strict=False)
        if prop.type == "object_property"
    }


def test_bicep_app_settings_equal_the_settings_the_app_reads():
    expected = set(setting_names(frozenset({"app"})))
    given = set(_bicep_settings())
    assert sorted(expected - given) == [], "settings the app reads but the Bicep does not give"
    assert sorted(given - expected) == [], "settings the Bicep gives but the app does not read"


def test_secrets_are_key_vault_references_and_no_setting_carries_a_key():
    settings = _bicep_settings()
    for name in SECRETS & settings.keys():
        assert "@Microsoft.KeyVault(SecretUri=" in settings[name], name
    for name, value in settings.items():
        assert not re.search(r"AccountKey=|SharedAccessKey=|listKeys\(", value), name


def test_function_app_host_storage_uses_its_identity():
    source = (bicep.INFRA / "modules" / "function-app.bicep").read_text()
    assert "AzureWebJobsStorage__credential: 'managedidentity'" in source
    assert "AzureWebJobsStorage:" not in source


def _ui_env() -> dict[str, str]:
    """The UI container's environment in container-apps.bicep: name -> the value or secretRef expression."""
    source = (bicep.INFRA / "modules" / "container-apps.bicep").read_text()
    pairs = re.findall(r"name: '([A-Z][A-Z0-9_]+)'\s*\n\s*(value|secretRef): ([^\n]+)", source)
    return {name: f"{kind}: {value}" for name, kind, value in pairs}


def test_ui_env_names_are_the_ones_ui_settings_reads():
    read = set(
        re.findall(r'values\.get\("([A-Z][A-Z0-9_]+)"\)', (bicep.INFRA.parent / "ui" / "settings.py").read_text())
    )
    given = set(_ui_env())
    # Telemetry and the identity DefaultAzureCredential picks are read by libraries, not by ui/settings.py.
    libraries = {
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "AZURE_CLIENT_ID",
    }
    assert sorted(given - read - libraries) == [], "env the Container App sets but the UI does not read"
    assert "API_URL" in given


def test_ui_calls_the_api_with_the_users_identity_not_a_shared_key():
    """No function key and no app token in the UI's environment: the API sees the signed-in user."""
    assert not {"API_KEY", "API_SCOPE"} & set(_ui_env())
    source = (bicep.INFRA / "modules" / "container-apps.bicep").read_text()
    assert "ui-api-key" not in source
    assert "ui-api-key" not in (bicep.INFRA / "main.bicep").read_text()


def test_approvals_required_is_one_in_dev_and_two_in_prod():
    import json

    given = {
        env: json.loads((bicep.INFRA / f"parameters.{env}.json").read_text())["parameters"]["approvalsRequired"]
        for env in ("dev", "prod")
    }
    assert given == {"dev": {"value": 1}, "prod": {"value": 2}}
