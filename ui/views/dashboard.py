"""Operations dashboard (spec 13.3): KPIs and charts from GET /api/dashboard (aggregated in SQL by the API)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ui.client import ApiError, ApiUnreachable
from ui.components import client, identity_bar, show_error
from ui.timeline import duration

st.title("Operations dashboard")
identity_bar()
days = st.select_slider("Window (days)", [7, 14, 30, 90, 365], value=30, key="days")
try:
    board = client().get("/dashboard", days=days)
except (ApiError, ApiUnreachable) as exc:
    show_error(exc)
    st.stop()

first, second, third, fourth = st.columns(4)
first.metric("Active runs", board["active_runs"])
mean = board["mean_ml_score"]
second.metric("Mean MLScore", "—" if mean is None else f"{mean:.3f}")
rate = board["success_rate"]
third.metric("Success rate", "—" if rate is None else f"{rate:.0%}", help="completed / finished (completed or failed)")
go_prod = board["go_prod_rate"]
fourth.metric("Approved for production", "—" if go_prod is None else f"{go_prod:.0%}")
st.caption(f"{board['runs']} runs created in the last {days} days, {board['finished_runs']} finished.")

st.subheader(f"MLScore per run (last {days} days)")
scores = pd.DataFrame(board["scores"])
if scores.empty:
    st.info("No run has an MLScore in this window yet.")
else:
    scores["run"] = scores["run_id"].str[:8]
    bars = (
        alt.Chart(scores)
        .mark_bar()
        .encode(
            x=alt.X("ml_score:Q", scale=alt.Scale(domain=[0, 1]), title="MLScore"),
            y=alt.Y("run:N", sort=None, title=None),
            color=alt.Color("decision:N", title="decision"),
            tooltip=["run_id", "model_id", "experiment_name", "ml_score", "ml_score_threshold", "created_at"],
        )
    )
    ticks = alt.Chart(scores).mark_tick(color="red", thickness=2).encode(x="ml_score_threshold:Q", y="run:N")
    st.altair_chart(bars + ticks, use_container_width=True)

st.subheader("Mean duration per stage")
stage_seconds = board["stage_seconds"]
stages = pd.DataFrame(
    [
        {"stage": name, "minutes": None if seconds is None else seconds / 60, "mean": duration(seconds) or "—"}
        for name, seconds in stage_seconds.items()
    ]
)
columns = st.columns(len(stages))
for column, row in zip(columns, stages.itertuples(), strict=True):
    column.metric(str(row.stage).capitalize(), str(row.mean))
if stages["minutes"].notna().any():
    chart = alt.Chart(stages.dropna()).mark_bar().encode(x=alt.X("stage:N", sort=None), y="minutes:Q")
    st.altair_chart(chart, use_container_width=True)
