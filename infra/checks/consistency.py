"""Offline consistency of the Bicep tree: every file parses, and local module calls match their modules.

For each ``module x './modules/y.bicep'``: the params passed exist in y, y's required params are all
passed, and every ``x.outputs.z`` used exists in y. Registry (AVM) modules cannot be resolved offline;
``az bicep build`` checks them in the pipeline. The same run checks the security controls
(``infra.checks.security``). Run: ``python -m infra.checks.consistency``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from infra.checks import bicep, security


def problems(root: Path = bicep.INFRA) -> list[str]:
    """Every inconsistency found under ``root``, as readable lines (empty: all good)."""
    found: list[str] = []
    files = sorted(root.rglob("*.bicep"))
    if not files:
        return [f"{root}: no .bicep files"]
    for path in files:
        parsed = bicep.parse(path)
        errors = bicep.syntax_errors(parsed)
        found.extend(errors)
        if not errors:
            found.extend(_duplicates(parsed))
            found.extend(_module_problems(parsed))
    return found


def _duplicates(parsed: bicep.BicepFile) -> list[str]:
    """Two declarations of one name (e.g. two branches each adding the same param) fail ``az bicep build``."""
    found = []
    for names in bicep.declared_names(parsed):
        found += [
            f"{parsed.path}: {n} is declared {names.count(n)} times" for n in sorted(set(names)) if names.count(n) > 1
        ]
    return found


def _module_problems(parsed: bicep.BicepFile) -> list[str]:
    found: list[str] = []
    for call in bicep.modules(parsed):
        if not call.is_local:
            if ":" not in call.source.removeprefix("br/public:"):
                found.append(f"{parsed.path}: module {call.symbol} is not pinned to a version: {call.source}")
            continue
        target_path = (parsed.path.parent / call.source).resolve()
        if not target_path.is_file():
            found.append(f"{parsed.path}: module {call.symbol}: {call.source} does not exist")
            continue
        target = bicep.parse(target_path)
        declared = bicep.parameters(target)
        where = f"{parsed.path.name} -> {target_path.name}"
        found.extend(f"{where}: unknown param {name}" for name in sorted(call.params - declared.keys()))
        missing = {p.name for p in declared.values() if p.required} - call.params
        found.extend(f"{where}: required param {name} not passed" for name in sorted(missing))
        unknown_outputs = bicep.output_references(parsed, call.symbol) - bicep.outputs(target)
        found.extend(f"{where}: unknown output {name}" for name in sorted(unknown_outputs))
    return found


def main() -> int:
    found = problems()
    controls = security.problems() if not found else []
    for line in found + controls:
        print(line, file=sys.stderr)
    print(f"bicep consistency: {len(found)} problem(s); security controls: {len(controls)} missing")
    return 1 if found or controls else 0


if __name__ == "__main__":
    raise SystemExit(main())
