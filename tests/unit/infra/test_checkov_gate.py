"""The checkov wrapper fails on failed checks, on parsing errors (checkov itself exits 0) and on empty scans."""

import json

from infra.checks import run_checkov


def _report(failed=0, parsing=0, resources=3, failed_checks=(), parsing_files=()):
    return {
        "summary": {"failed": failed, "parsing_errors": parsing, "resource_count": resources},
        "results": {"failed_checks": list(failed_checks), "parsing_errors": list(parsing_files)},
    }


def test_clean_report_passes():
    code, lines = run_checkov.evaluate([_report()], {})
    assert code == 0
    assert lines[-1] == "checkov: 3 resources, 0 failed, 0 parsing errors"


def test_parsing_errors_fail_and_are_named():
    code, lines = run_checkov.evaluate([_report(parsing=1, parsing_files=["/infra/bad.bicep"])], {})
    assert code == 1
    assert "PARSING ERROR /infra/bad.bicep" in lines


def test_failed_checks_fail_and_nothing_scanned_fails():
    check = {"check_id": "CKV_X", "resource": "r", "file_path": "/m.bicep", "check_name": "n"}
    assert run_checkov.evaluate([_report(failed=1, failed_checks=[check])], {})[0] == 1
    assert run_checkov.evaluate([_report(resources=0)], {})[0] == 1


def test_every_skip_is_justified():
    skips = json.loads(run_checkov.SKIPS.read_text())
    for check_id, reason in skips.items():
        assert check_id.startswith("CKV"), check_id
        assert len(reason) > 40, check_id
