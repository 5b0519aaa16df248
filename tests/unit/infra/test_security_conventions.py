"""House rules of the Bicep: guid() role assignment names with a comment per role id, no keys, params files valid."""

import json
import re

from infra.checks import bicep

# Parameters the pipeline passes from its variable group (azure-pipelines.yml), never a file: secrets,
# and the tenant's Entra app registration.
PIPELINE_SECRETS = {"approvalSigningSecret", "entraClientId", "entraClientSecret"}
ROLE_ID = re.compile(r"'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'")


def _files():
    return sorted(bicep.INFRA.rglob("*.bicep"))


def test_role_assignments_are_named_with_guid():
    for path in _files():
        text = path.read_text()
        for block in re.findall(
            r"'Microsoft\.Authorization/roleAssignments@[^']+' = (?:\[\s*for [^:]+:\s*)?\{\s*name: ([^\n]+)", text
        ):
            assert block.startswith("guid("), f"{path.name}: {block}"


def test_every_role_definition_id_is_commented():
    """A role id passed to roleDefinitions has a comment naming the role on its line or the line above."""
    for path in _files():
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if ROLE_ID.search(line) and "roleDefinitions" in line:
                previous = lines[number - 1] if number else ""
                assert "//" in line or previous.strip().startswith("//"), f"{path.name}:{number + 1}"


def test_role_table_names_each_role():
    text = (bicep.INFRA / "modules" / "role-assignments.bicep").read_text()
    for line in text.splitlines():
        if ROLE_ID.search(line):
            assert "//" in line, line


def test_no_keys_and_no_compiled_json():
    for path in _files():
        text = path.read_text()
        assert "listKeys(" not in text, path.name
        assert "allowSharedKeyAccess: true" not in text, path.name
    assert not list(bicep.INFRA.rglob("*.bicep.json"))
    assert not (bicep.INFRA / "main.json").exists()


def test_parameter_files_name_only_main_parameters_and_all_required_ones():
    declared = bicep.parameters(bicep.parse(bicep.INFRA / "main.bicep"))
    required = {name for name, p in declared.items() if p.required}
    for env in ("dev", "prod"):
        given = set(json.loads((bicep.INFRA / f"parameters.{env}.json").read_text())["parameters"])
        assert given <= declared.keys(), env
        assert required - PIPELINE_SECRETS <= given, env


def test_gpu_cluster_scales_to_zero_on_a_current_gpu_size():
    text = (bicep.INFRA / "modules" / "ml-workspace.bicep").read_text()
    assert "minNodeCount: 0" in text
    assert "param gpuVmSize string = 'Standard_NC24ads_A100_v4'" in text
    assert "QLoRA" in text
