"""infra-check fails when the Bicep loses authentication, the app roles or the scoping of data-plane roles.

Each test removes or weakens one control in a copy of infra/ and expects the check to name it.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra.checks import bicep, security


@pytest.fixture
def infra(tmp_path: Path) -> Path:
    root = tmp_path / "infra"
    shutil.copytree(bicep.INFRA, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "checks"))
    return root


def _edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text()
    assert old in text, f"{relative} no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1))


def test_the_infra_tree_has_every_control():
    assert security.problems() == []


def test_infra_check_command_runs_the_security_controls():
    completed = subprocess.run(
        [sys.executable, "-m", "infra.checks.consistency"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert "security controls: 0 missing" in completed.stdout


def test_removing_the_function_app_authentication_is_reported(infra):
    _edit(infra, "modules/function-app.bicep", "name: 'authsettingsV2'", "name: 'web'")
    assert any("no Microsoft.Web/sites/config 'authsettingsV2'" in line for line in security.problems(infra))


def test_function_app_letting_anonymous_callers_through_is_reported(infra):
    _edit(infra, "modules/function-app.bicep", "requireAuthentication: true", "requireAuthentication: false")
    assert any("requireAuthentication is False" in line for line in security.problems(infra))


def test_function_app_redirecting_api_callers_instead_of_401_is_reported(infra):
    _edit(infra, "modules/function-app.bicep", "'Return401'", "'RedirectToLoginPage'")
    assert any("unauthenticatedClientAction" in line for line in security.problems(infra))


def test_excluding_more_than_health_and_the_decision_pages_is_reported(infra):
    _edit(infra, "modules/function-app.bicep", "'/api/health'\n", "'/api/health'\n        '/api/runs/*'\n")
    assert any("excludedPaths" in line for line in security.problems(infra))


def test_an_api_that_accepts_tokens_for_any_audience_is_reported(infra):
    _edit(infra, "modules/function-app.bicep", "'api://${entraClientId}'\n", "")
    assert any("function-app.bicep authsettingsV2: allowedAudiences" in line for line in security.problems(infra))


def test_removing_the_ui_authentication_is_reported(infra):
    _edit(infra, "modules/container-apps.bicep", "containerApps/authConfigs@", "containerApps/other@")
    assert any("no Microsoft.App/containerApps/authConfigs" in line for line in security.problems(infra))


def test_ui_without_a_token_store_is_reported(infra):
    store = "tokenStore: {\n        enabled: "
    _edit(infra, "modules/container-apps.bicep", store + "true", store + "false")
    assert any("login.tokenStore.enabled is False" in line for line in security.problems(infra))


def test_ui_sign_in_without_the_api_scope_is_reported(infra):
    _edit(infra, "modules/container-apps.bicep", " api://${entraClientId}/user_impersonation", "")
    assert any("does not ask for the API scope" in line for line in security.problems(infra))


def test_removing_an_app_role_is_reported(infra):
    _edit(infra, "main.bicep", "value: 'approver'", "value: 'reviewer'")
    assert any("entraAppRoles declares" in line for line in security.problems(infra))


def test_app_roles_not_applied_to_the_registration_are_reported(infra):
    _edit(infra, "main.bicep", "  appRoles: entraAppRoles\n", "")
    assert any("ENTRA_APPLICATION does not carry entraAppRoles" in line for line in security.problems(infra))


def test_blob_data_owner_is_reported(infra):
    _edit(
        infra,
        "modules/role-assignments.bicep",
        "storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'",
        "storageBlobDataReader: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'",
    )
    assert any("Storage Blob Data Owner" in line for line in security.problems(infra))


def test_an_account_wide_storage_role_for_the_function_app_is_reported(infra):
    _edit(infra, "modules/role-assignments.bicep", "scope: containers[i]", "scope: storage")
    assert any("containerAssignments grants" in line for line in security.problems(infra))


def test_setting_website_auth_enabled_in_bicep_is_reported(infra):
    setting = "DATABASE_ENTRA_AUTH: 'true'"
    _edit(infra, "main.bicep", setting, setting + "\n  WEBSITE_AUTH_ENABLED: 'True'")
    assert any("WEBSITE_AUTH_ENABLED" in line for line in security.problems(infra))


def test_an_account_wide_storage_role_in_any_module_is_reported(infra):
    grant = """
resource jobsStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'st'
}

resource jobsBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(jobsStorage.id, 'jobs')
  scope: jobsStorage
  properties: {
    roleDefinitionId: 'r'
    principalId: cpuCluster.identity.principalId
  }
}
"""
    path = infra / "modules" / "ml-workspace.bicep"
    path.write_text(path.read_text() + grant)
    assert any("ml-workspace.bicep: jobsBlob grants" in line for line in security.problems(infra))
