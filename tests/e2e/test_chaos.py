"""The chaos benchmark, short: one run through a SIGKILL of devhost, a PostgreSQL and a broker restart and
injected activity exceptions; nothing lost and no effect twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.chaos.__main__ import main

LAST_LINE = re.compile(r"^(\d+) runs, (\d+) faults, (\d+) lost, (\d+) duplicate effects$")


def test_a_run_under_three_process_faults_loses_nothing_and_repeats_no_effect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    code = main(
        ["--runs", "1", "--faults", "3", "--seed", "3", "--spread", "10", "--settle", "900", "--state", str(tmp_path)]
    )
    last = capsys.readouterr().out.strip().splitlines()[-1]
    match = LAST_LINE.match(last)
    assert match is not None, last
    runs, faults, lost, duplicates = (int(g) for g in match.groups())
    assert (runs, lost, duplicates, code) == (1, 0, 0, 0)
    assert faults >= 3
