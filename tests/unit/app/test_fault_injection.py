"""FAULT_INJECTION: off unless set; a chosen call fails once, so its retry succeeds."""

from pathlib import Path

import pytest

from mlops import faults
from mlops.faults import FaultPlan, InjectedFault


def test_without_the_setting_nothing_is_injected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(faults.SETTING, raising=False)
    faults.after_activity("record_status", {"run_id": "r1"})


def test_a_chosen_call_fails_once_and_its_retry_succeeds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(faults.SETTING, f"rate=1,seed=1,dir={tmp_path}")
    with pytest.raises(InjectedFault, match="record_status"):
        faults.after_activity("record_status", {"run_id": "r1"})
    faults.after_activity("record_status", {"run_id": "r1"})
    assert len(list(tmp_path.iterdir())) == 1


def test_rate_zero_never_strikes(tmp_path: Path) -> None:
    plan = FaultPlan(0.0, 1, tmp_path)
    assert not any(plan.strikes("send_card", {"n": n}) for n in range(50))


def test_a_malformed_setting_names_itself() -> None:
    with pytest.raises(ValueError, match="FAULT_INJECTION"):
        FaultPlan.parse("rate=high")
