"""Every .bicep file parses and local module calls match their modules (params, required params, outputs)."""

import re
from pathlib import Path

from infra.checks import bicep, consistency

MODULE = """param location string
param name string = 'x'
param optional string?
output id string = 'i'
"""


def test_the_infra_tree_parses_and_is_consistent():
    assert consistency.problems() == []


def test_every_registry_module_is_a_pinned_avm_module():
    sources = [call.source for path in bicep.INFRA.rglob("*.bicep") for call in bicep.modules(bicep.parse(path))]
    registry = [source for source in sources if not source.startswith("modules/")]
    assert registry, "expected Azure Verified Modules"
    for source in registry:
        assert re.fullmatch(r"br/public:avm/res/[a-z0-9/-]+:\d+\.\d+\.\d+", source), source


def _tree(tmp_path: Path, main: str) -> Path:
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "m.bicep").write_text(MODULE)
    (tmp_path / "main.bicep").write_text(main)
    return tmp_path


def test_checker_reports_unknown_and_missing_params_and_unknown_outputs(tmp_path):
    root = _tree(
        tmp_path,
        "module m 'modules/m.bicep' = {\n  name: 'm'\n  params: {\n    nme: 'a'\n  }\n}\n"
        "output o string = m.outputs.nope\n",
    )
    found = consistency.problems(root)
    assert any("unknown param nme" in line for line in found)
    assert any("required param location not passed" in line for line in found)
    assert any("unknown output nope" in line for line in found)
    assert not any("optional" in line or "param name" in line for line in found)


def test_checker_accepts_loops_conditions_and_safe_output_access(tmp_path):
    root = _tree(
        tmp_path,
        "module m 'modules/m.bicep' = [\n  for i in range(0, 2): {\n    name: 'm${i}'\n"
        "    params: {\n      location: 'x'\n    }\n  }\n]\n"
        "module n 'modules/m.bicep' = if (true) {\n  name: 'n'\n  params: {\n    location: 'x'\n  }\n}\n"
        "output a string = m[0].outputs.id\noutput b string = n.outputs.?id ?? ''\n",
    )
    assert consistency.problems(root) == []


def test_checker_reports_syntax_errors_and_unpinned_registry_modules(tmp_path):
    (tmp_path / "bad.bicep").write_text("param x string = {\n")
    (tmp_path / "avm.bicep").write_text("module s 'br/public:avm/res/storage/storage-account' = {\n  name: 's'\n}\n")
    found = consistency.problems(tmp_path)
    assert any(line.startswith(f"{tmp_path / 'bad.bicep'}:") for line in found)
    assert any("not pinned" in line for line in found)


def test_checker_reports_a_name_declared_twice(tmp_path):
    (tmp_path / "main.bicep").write_text("param n int = 1\nparam x string\n@minValue(1)\nparam n int = 1\n")
    assert consistency.problems(tmp_path) == [f"{tmp_path / 'main.bicep'}: n is declared 2 times"]
