"""Run checkov on infra/ (Bicep) and fail on any failed check, any parsing error, or no resource scanned.

checkov exits 0 when it cannot parse a file (the file is just not scanned): this wrapper reads its JSON
report and fails on ``parsing_errors`` too. Skips are listed with their reason in checkov_skips.json.
checkov cannot resolve registry modules (br/public:avm/...) offline: it scans the native resources of
every file, and the AVM modules' own settings are reviewed by `az bicep build` + what-if in the pipeline.

Run with the checkov environment: ``.stack/infra-venv/bin/python infra/checks/run_checkov.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

INFRA = Path(__file__).resolve().parents[1]
SKIPS = Path(__file__).with_name("checkov_skips.json")


def run(infra: Path = INFRA, checkov: str = "checkov") -> tuple[int, list[str]]:
    """(exit code, report lines)."""
    skips: dict[str, str] = json.loads(SKIPS.read_text())
    command = [checkov, "-d", str(infra), "--framework", "bicep", "--skip-download", "-o", "json", "--quiet"]
    if skips:
        command += ["--skip-check", ",".join(sorted(skips))]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        reports: Any = json.loads(completed.stdout)
    except json.JSONDecodeError:
        return 1, [f"checkov produced no JSON report (exit {completed.returncode})", completed.stderr[-2000:]]
    return evaluate(reports if isinstance(reports, list) else [reports], skips)


def evaluate(reports: list[dict[str, Any]], skips: dict[str, str]) -> tuple[int, list[str]]:
    lines: list[str] = []
    failed = parsing = scanned = 0
    for report in reports:
        summary = report.get("summary", {})
        failed += int(summary.get("failed", 0))
        parsing += int(summary.get("parsing_errors", 0))
        scanned += int(summary.get("resource_count", 0))
        for check in report.get("results", {}).get("failed_checks", []):
            lines.append(
                f"FAILED {check['check_id']} {check['resource']} ({check['file_path']}): {check['check_name']}"
            )
        lines.extend(f"PARSING ERROR {path}" for path in report.get("results", {}).get("parsing_errors", []))
    lines.extend(f"skipped {check_id}: {reason}" for check_id, reason in sorted(skips.items()))
    lines.append(f"checkov: {scanned} resources, {failed} failed, {parsing} parsing errors")
    return (1 if failed or parsing or not scanned else 0), lines


def main() -> int:
    checkov = str(Path(sys.executable).with_name("checkov"))
    code, lines = run(checkov=checkov)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
