"""`python -m tests.tools.record_history [--out DIR]`: record golden histories from real devhost runs.

Starts the local stack (PostgreSQL, Azurite, MLflow, devhost on a virtual clock), drives one run per
outcome through the HTTP API and writes what the task hub stored, for the current host.json
defaultVersion, to DIR/<version>/<scenario>.json (default tests/fixtures/histories). Record a new
version's histories when its sequence changes; never re-record an older version's.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import pytest

from tests.tools.golden import ROOT

SCENARIOS = Path(__file__).resolve().parents[1] / "e2e" / "golden_recording.py"


def main(argv: list[str] | None = None) -> int:
    """Run the recording scenarios under pytest (they reuse the end-to-end fixtures)."""
    parser = argparse.ArgumentParser(prog="python -m tests.tools.record_history", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT, help="folder of the golden histories")
    args = parser.parse_args(argv)
    os.environ["GOLDEN_HISTORIES_OUT"] = str(args.out.resolve())
    basetemp = tempfile.mkdtemp(prefix="record-history.")
    options = ["-o", "python_files=golden_recording.py", "-o", "python_functions=record_*", "-p", "no:cacheprovider"]
    options += ["--timeout", "3600"]  # longer than a test may take: six runs share a busy machine
    return int(pytest.main([str(SCENARIOS), "-q", "-s", *options, f"--basetemp={basetemp}"]))


if __name__ == "__main__":
    raise SystemExit(main())
