"""Version comparison, matching and host.json parsing follow the Durable extension's rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devhost.app.settings import SettingsError, read_host_options
from devhost.durable.versioning import (
    FailureStrategy,
    MatchStrategy,
    VersionPolicy,
    compare_versions,
    policy_from_host_json,
)


@pytest.mark.parametrize(
    ("first", "second", "order"),
    [
        ("", "", 0),
        (None, "", 0),
        ("", "1.0", -1),
        ("1.0", "", 1),
        ("1.0", "1.0", 0),
        ("2.0", "10.0", -1),  # numeric, not text
        ("1.0", "1.0.0", -1),  # System.Version: an unspecified build is older
        ("1.2.3", "1.2.10", -1),
        ("v2-release", "V2-RELEASE", 0),  # text, case-insensitive
        ("2025-01-09", "2025-01-10", -1),
    ],
)
def test_versions_compare_as_the_extension_compares_them(first: str | None, second: str, order: int) -> None:
    assert compare_versions(first, second) == order


def test_current_or_older_runs_older_and_equal_versions_and_names_a_newer_one() -> None:
    worker = VersionPolicy("2.0", MatchStrategy.CURRENT_OR_OLDER)
    assert [worker.mismatch(v) for v in ("", "1.0", "2.0")] == [None, None, None]
    assert worker.mismatch("3.0") == "The orchestration version '3.0' is greater than the worker version '2.0'."


def test_strict_runs_only_its_own_version() -> None:
    worker = VersionPolicy("2.0", MatchStrategy.STRICT)
    assert worker.mismatch("2.0") is None
    assert worker.mismatch("1.0") == "The orchestration version '1.0' does not match the worker version '2.0'."


def test_match_strategy_none_runs_every_version() -> None:
    assert VersionPolicy("1.0", MatchStrategy.NONE).mismatch("9.0") is None


def test_a_new_instance_gets_the_requested_version_else_the_default() -> None:
    worker = VersionPolicy("2.0")
    assert (worker.version_for(None), worker.version_for("1.0")) == ("2.0", "1.0")


def test_host_json_settings_are_read_case_insensitively_with_the_extension_defaults() -> None:
    assert policy_from_host_json({}) == VersionPolicy("", MatchStrategy.CURRENT_OR_OLDER, FailureStrategy.REJECT)
    read = policy_from_host_json(
        {"defaultVersion": "1.0", "versionMatchStrategy": "strict", "versionFailureStrategy": "Fail"}
    )
    assert read == VersionPolicy("1.0", MatchStrategy.STRICT, FailureStrategy.FAIL)


def test_a_bad_strategy_in_host_json_is_an_error_naming_the_setting(tmp_path: Path) -> None:
    durable = {"hubName": "Hub", "defaultVersion": "1.0", "versionMatchStrategy": "Newest"}
    (tmp_path / "host.json").write_text(json.dumps({"extensions": {"durableTask": durable}}))
    with pytest.raises(SettingsError, match=r"durableTask\.versionMatchStrategy must be one of None, Strict"):
        read_host_options(tmp_path)


def test_the_apps_host_json_fixes_a_default_version_with_the_extension_defaults() -> None:
    options = read_host_options(Path(__file__).resolve().parents[3])
    assert options.versioning.default_version
    assert (options.versioning.match, options.versioning.failure) == (
        MatchStrategy.CURRENT_OR_OLDER,
        FailureStrategy.REJECT,
    )
