"""Offline security checks of the Bicep: authentication in front of the API and the UI, the app roles, and
data-plane roles scoped to what each identity uses.

Each is a property a deployment silently loses when a line goes (the platform then serves anonymous
callers, or one identity can read every blob), so ``python -m infra.checks.consistency`` fails on it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from infra.checks import bicep

APP_ROLES = {"requester", "approver", "operator"}
# Paths the platform lets through anonymously; the app answers them itself (see function-app.bicep).
ANONYMOUS_PATHS = ["/api/health", "/api/approvals/*"]
BLOB_DATA_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
# Identities that may hold a storage role on the whole account (Azure ML names its own containers).
ACCOUNT_WIDE_PRINCIPALS = {"workspacePrincipalId"}


def problems(root: Path = bicep.INFRA) -> list[str]:
    """Every missing control under ``root``, as readable lines (empty: all in place)."""
    found = _function_auth(root / "modules" / "function-app.bicep")
    found += _ui_auth(root / "modules" / "container-apps.bicep")
    found += _app_roles(root / "main.bicep")
    for path in sorted(root.rglob("*.bicep")):
        found += _least_privilege(path)
        if "WEBSITE_AUTH_ENABLED" in path.read_text():
            found.append(f"{path.name}: sets WEBSITE_AUTH_ENABLED, which the platform sets from authsettingsV2")
        if BLOB_DATA_OWNER in path.read_text():
            found.append(f"{path.name}: grants Storage Blob Data Owner")
    return found


def _properties(path: Path, resource_type: str, name: str) -> dict[str, Any] | None:
    """The ``properties`` of the resource of that type and name in ``path`` (None: not declared)."""
    parsed = bicep.parse(path)
    for resource in bicep.resources(parsed):
        if resource.type.split("@")[0] != resource_type:
            continue
        body = bicep.literal(parsed, resource.body, expressions=True)
        if body.get("name") == name:
            properties: dict[str, Any] = body.get("properties", {})
            return properties
    return None


def _get(tree: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def _expect(where: str, props: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    return [
        f"{where}: {key} is {_get(props, key)!r}, expected {value!r}"
        for key, value in expected.items()
        if _get(props, key) != value
    ]


def _function_auth(path: Path) -> list[str]:
    where = f"{path.name} authsettingsV2"
    props = _properties(path, "Microsoft.Web/sites/config", "authsettingsV2")
    if props is None:
        return [f"{path.name}: no Microsoft.Web/sites/config 'authsettingsV2' (App Service authentication)"]
    found = _expect(
        where,
        props,
        {
            "platform.enabled": True,
            "globalValidation.requireAuthentication": True,
            "globalValidation.unauthenticatedClientAction": "Return401",
            "globalValidation.excludedPaths": ANONYMOUS_PATHS,
            "identityProviders.azureActiveDirectory.enabled": True,
        },
    )
    return found + _entra_provider(where, props)


def _entra_provider(where: str, props: dict[str, Any]) -> list[str]:
    aad = _get(props, "identityProviders.azureActiveDirectory") or {}
    found = [] if _get(aad, "registration.clientId") else [f"{where}: the Entra provider names no clientId"]
    audiences = _get(aad, "validation.allowedAudiences") or []
    if not any(str(audience).startswith("'api://") for audience in audiences):
        found.append(f"{where}: allowedAudiences has no api:// audience of the registration: {audiences!r}")
    return found


def _ui_auth(path: Path) -> list[str]:
    where = f"{path.name} authConfigs"
    props = _properties(path, "Microsoft.App/containerApps/authConfigs", "current")
    if props is None:
        return [f"{path.name}: no Microsoft.App/containerApps/authConfigs 'current' (Container Apps authentication)"]
    found = _expect(
        where,
        props,
        {
            "platform.enabled": True,
            "globalValidation.unauthenticatedClientAction": "RedirectToLoginPage",
            "identityProviders.azureActiveDirectory.enabled": True,
            "login.tokenStore.enabled": True,
        },
    )
    store = _get(props, "login.tokenStore.azureBlobStorage") or {}
    if "managedIdentityResourceId" not in store or "sasUrlSettingName" in store:
        found.append(f"{where}: the token store must be reached with the UI identity, not a SAS URL")
    parameters = " ".join(map(str, _get(props, "identityProviders.azureActiveDirectory.login.loginParameters") or []))
    if "/user_impersonation" not in parameters:
        found.append(f"{where}: sign-in does not ask for the API scope (no access token to forward)")
    return found + _entra_provider(where, props)


def _app_roles(path: Path) -> list[str]:
    parsed = bicep.parse(path)
    try:
        roles = bicep.literal(parsed, bicep.variable(parsed, "entraAppRoles"))
    except (KeyError, ValueError) as exc:
        return [f"{path.name}: app roles: {exc}"]
    found = []
    if {role.get("value") for role in roles} != APP_ROLES or len(roles) != len(APP_ROLES):
        found.append(f"{path.name}: entraAppRoles declares {[r.get('value') for r in roles]}, expected {APP_ROLES}")
    if len({role.get("id") for role in roles}) != len(roles):
        found.append(f"{path.name}: entraAppRoles ids are not unique")
    for role in roles:
        if role.get("allowedMemberTypes") != ["User"] or role.get("isEnabled") is not True:
            found.append(f"{path.name}: app role {role.get('value')} is not an enabled role for users")
    output = re.search(r"^output ENTRA_APPLICATION object = \{$.*?^\}$", parsed.source.decode(), re.M | re.S)
    if output is None or "appRoles: entraAppRoles" not in output.group(0):
        found.append(f"{path.name}: output ENTRA_APPLICATION does not carry entraAppRoles")
    return found


def _least_privilege(path: Path) -> list[str]:
    """Role assignments scoped to a whole storage account (a ``Microsoft.Storage/storageAccounts`` symbol)."""
    found = []
    declared = bicep.resources(bicep.parse(path))
    accounts = {r.symbol for r in declared if r.type.split("@")[0] == "Microsoft.Storage/storageAccounts"}
    for resource in declared:
        if not resource.type.startswith("Microsoft.Authorization/roleAssignments"):
            continue
        scope = re.search(r"^\s*scope: (\w+)$", resource.source, re.MULTILINE)
        if scope and scope.group(1) in accounts:
            principals = set(re.findall(r"\bprincipalId: (\S+)", resource.source))
            if not principals or principals - ACCOUNT_WIDE_PRINCIPALS:
                found.append(
                    f"{path.name}: {resource.symbol} grants {sorted(principals)} a role on the whole storage account"
                )
    return found
