"""Runs: status badges, MLScore, decision and age, filtered by status, experiment and model; refreshed
while runs are active."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui.client import ApiError, ApiUnreachable
from ui.components import ACTIVE, STATUSES, badge, client, identity_bar, show_error
from ui.settings import UiSettings
from ui.timeline import age


def table(runs: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "run": f"/run?run_id={r['run_id']}",
                "status": badge(r["status"]),
                "MLScore": r["ml_score"],
                "threshold": r["ml_score_threshold"],
                "decision": r["decision"] or "",
                "model": r["model_id"],
                "experiment": r["experiment_name"],
                "dataset": r["dataset"],
                "age": age(r["created_at"]),
            }
            for r in runs
        ]
    )


st.title("Runs")
identity_bar()
settings = UiSettings.from_env()
try:
    everything = client().get("/runs", limit=500)["runs"]
except (ApiError, ApiUnreachable) as exc:
    show_error(exc)
    st.stop()

left, middle, right = st.columns(3)
statuses = left.multiselect("Status", STATUSES, key="filter_status")
experiments = middle.multiselect("Experiment", sorted({r["experiment_name"] for r in everything}), key="filter_exp")
models = right.multiselect("Model", sorted({r["model_id"] for r in everything}), key="filter_model")
any_active = any(r["status"] in ACTIVE and r["status"] != "awaiting_approval" for r in everything)


@st.fragment(run_every=settings.refresh_seconds if any_active else None)
def listing() -> None:
    try:
        runs = client().get("/runs", limit=500)["runs"]
    except (ApiError, ApiUnreachable) as exc:
        show_error(exc)
        return
    shown = [
        r
        for r in runs
        if (not statuses or r["status"] in statuses)
        and (not experiments or r["experiment_name"] in experiments)
        and (not models or r["model_id"] in models)
    ]
    active = sum(r["status"] in ACTIVE for r in runs)
    st.caption(f"{len(shown)} of {len(runs)} runs · {active} active" + (" · refreshing" if any_active else ""))
    if not shown:
        st.info("No run matches these filters.")
        return
    st.dataframe(
        table(shown),
        hide_index=True,
        column_config={
            "run": st.column_config.LinkColumn("run", display_text=r"run_id=(.{8})"),
            "MLScore": st.column_config.NumberColumn(format="%.3f"),
            "threshold": st.column_config.NumberColumn(format="%.2f"),
        },
    )


listing()
