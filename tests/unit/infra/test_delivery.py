"""azure.yaml deploys the function app and the UI; the pipeline validates, gates prod and smoke-tests."""

from pathlib import Path

import yaml

from infra.checks import bicep

ROOT = bicep.INFRA.parent


def test_azd_services_match_the_bicep_service_tags():
    services = yaml.safe_load((ROOT / "azure.yaml").read_text())["services"]
    assert services["api"]["host"] == "function"
    assert services["ui"]["host"] == "containerapp"
    tags = "".join(Path(p).read_text() for p in bicep.INFRA.rglob("*.bicep"))
    for name in services:
        assert f"'azd-service-name': '{name}'" in tags, name


def test_pipeline_runs_tests_then_each_environment_with_prod_after_dev():
    pipeline = yaml.safe_load((ROOT / "azure-pipelines.yml").read_text())
    stages = pipeline["stages"]
    assert stages[0]["stage"] == "test"
    deploys = [s["parameters"] for s in stages[1:]]
    assert deploys == [
        {"environment": "dev", "dependsOn": "test"},
        {"environment": "prod", "dependsOn": "deploy_dev"},
    ]


def test_deploy_stage_builds_what_ifs_deploys_and_smoke_tests():
    text = (bicep.INFRA / "pipelines" / "deploy-stage.yml").read_text()
    steps = ["az bicep build", "az deployment sub what-if", "az deployment sub create", "az acr build"]
    steps += ["config-zip", "/api/health"]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "environment: mlops-${{ parameters.environment }}" in text


def test_deploy_stage_passes_the_entra_registration_and_applies_its_roles():
    text = (bicep.INFRA / "pipelines" / "deploy-stage.yml").read_text()
    assert 'entraClientId="$ENTRA_CLIENT_ID" entraClientSecret="$ENTRA_CLIENT_SECRET"' in text
    assert text.index("az deployment sub create") < text.index("outputs.ENTRA_APPLICATION.value")
    assert "az rest --method PATCH" in text


def test_azd_applies_the_declared_registration_after_provisioning():
    hooks = yaml.safe_load((ROOT / "azure.yaml").read_text())["hooks"]
    run = hooks["postprovision"]["posix"]["run"]
    assert "applications(appId='$ENTRA_CLIENT_ID')" in run
    assert '--body "$ENTRA_APPLICATION"' in run
