"""Run detail: stage timeline, training loss, evaluation, gauge, worst samples, cards, audit trail, links,
and Approve / Reject while the run awaits approval; refreshed while the pipeline moves."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ui import comparison
from ui.client import ApiClient, ApiError, ApiUnreachable
from ui.components import badge, client, guarded, identity_bar, show_error
from ui.identity import User
from ui.links import links
from ui.settings import UiSettings
from ui.timeline import duration, progress, stages

MOVING = ("pending", "loading", "training", "evaluating")


def timeline(run: dict[str, Any]) -> None:
    st.progress(progress(run), text=f"{badge(run['status'])}" + (f" · {run['decision']}" if run["decision"] else ""))
    marks = {"done": "✅", "current": "⏳", "skipped": "⏭️", "todo": "▫️", "failed": "❌"}
    columns = st.columns(len(stage_list := stages(run)))
    for column, stage in zip(columns, stage_list, strict=True):
        column.markdown(f"{marks[stage.state]} **{stage.status.replace('_', ' ')}**")
        column.caption(duration(stage.seconds) + (" so far" if stage.state == "current" else ""))
    if run["failure_reason"]:
        st.error(f"Failed: {run['failure_reason']}")


def training_curve(mlflow_runs: list[dict[str, Any]]) -> None:
    st.subheader("Training")
    training = [r for r in mlflow_runs if r["stage"] == "training"]
    history = training[-1]["metrics"].get("train_loss", []) if training else []
    if not history:
        st.caption("No training metrics yet." if training or mlflow_runs == [] else "No training stage.")
        return
    st.line_chart(pd.DataFrame(history).set_index("step")[["value"]].rename(columns={"value": "train_loss"}))


def evaluation(run: dict[str, Any]) -> None:
    st.subheader("Evaluation")
    if not run["results"]:
        st.caption("Not evaluated yet.")
        return
    weights = run["metric_weights"] or {}
    rows = [  # dotted names (e.g. decision.*) are the evaluation's bookkeeping, not metrics
        {"metric": name, "score": value, "weight": weights.get(name, 0.0)}
        for name, value in run["results"].items()
        if "." not in name
    ]
    table = pd.DataFrame(rows)
    table["weighted"] = table["score"] * table["weight"]
    left, right = st.columns([3, 2])
    left.dataframe(
        table, hide_index=True, column_config={"score": st.column_config.ProgressColumn(min_value=0, max_value=1)}
    )
    score, threshold = run["ml_score"], run["ml_score_threshold"]
    if score is not None:
        right.metric("MLScore", f"{score:.3f}", delta=f"{score - threshold:+.3f} vs threshold {threshold:.2f}")
        gauge = pd.DataFrame([{"what": "MLScore", "value": score, "threshold": threshold}])
        bar = (
            alt.Chart(gauge)
            .mark_bar(color="#2e7d32" if score >= threshold else "#c62828")
            .encode(x=alt.X("value:Q", scale=alt.Scale(domain=[0, 1]), title=None), y=alt.Y("what:N", title=None))
        )
        rule = alt.Chart(gauge).mark_rule(color="black", strokeWidth=3).encode(x="threshold:Q")
        right.altair_chart((bar + rule).properties(height=80), use_container_width=True)


def worst_samples(api: ApiClient, run_id: str) -> None:
    st.subheader("Worst samples")
    with guarded():
        samples = api.get(f"/runs/{run_id}/samples", limit=5)["samples"]
        if not samples:
            st.caption("No per-sample scores yet.")
            return
        columns = ["idx", "score", "question", "reference", "response"]
        st.dataframe(pd.DataFrame(samples)[columns], hide_index=True)


def cards_and_audit(run: dict[str, Any]) -> None:
    """The cards sent, by time and message only: a card's body carries signed decision links, which only
    the approvers' Teams channel may hold."""
    cards = [e for e in run["events"] if e.get("kind") == "card"]
    st.subheader(f"Cards sent ({len(cards)})")
    if cards:
        st.dataframe(pd.DataFrame(cards, columns=["at", "message"]), hide_index=True)
    st.subheader("Audit trail")
    st.dataframe(pd.DataFrame(run["events"], columns=["at", "kind", "status", "message"]), hide_index=True)


def decisions(run: dict[str, Any]) -> list[dict[str, Any]]:
    """The votes recorded so far (``approvals.votes``; the final ``approval`` alone in older answers)."""
    recorded = run.get("approvals")
    if isinstance(recorded, dict) and isinstance(recorded.get("votes"), list):
        return list(recorded["votes"])
    return [run["approval"]] if run.get("approval") else []


def show_decisions(run: dict[str, Any]) -> None:
    recorded = run.get("approvals")
    if isinstance(recorded, dict) and recorded.get("summary"):
        st.caption(str(recorded["summary"]))  # e.g. "1 of 2 approvals"
    for a in decisions(run):
        st.info(f"{a['decision']} by {a['approver']} via {a['via']}: {a.get('comment') or 'no comment'}")


def decide(api: ApiClient, run: dict[str, Any], user: User) -> None:
    """Approve for approvers who did not start the run; Reject for approvers and the run's requester."""
    st.subheader("Approval")
    show_decisions(run)
    already = any(str(a.get("approver", "")).lower() == user.name.lower() for a in decisions(run))
    may_approve, may_reject = user.may_approve(run) and not already, user.may_reject(run) and not already
    if user.requested(run):
        st.caption("You started this run: you may reject it, never approve it.")
    if not (may_approve or may_reject):
        st.caption("You have decided this run." if already else "Deciding needs the approver role.")
        return
    with st.form("decision"):
        comment = st.text_area("Comment", key="comment")
        left, right = st.columns(2)
        approve = left.form_submit_button("Approve", type="primary") if may_approve else False
        reject = right.form_submit_button("Reject") if may_reject else False
    if not (approve or reject):
        return
    body = {"decision": "approve" if approve else "reject", "comment": comment or None, "via": "ui"}
    with guarded():
        api.post(f"/runs/{run['run_id']}/approval", body)
        st.success(f"Decision recorded: {body['decision']}")
        st.rerun()


def detail(run_id: str, user: User) -> None:
    settings = UiSettings.from_env()
    api = client()
    run = api.get(f"/runs/{run_id}")
    moving = run["status"] in MOVING or (run["status"] == "awaiting_approval" and run["approval"] is not None)

    @st.fragment(run_every=settings.refresh_seconds if moving else None)
    def live() -> None:
        try:
            current = api.get(f"/runs/{run_id}")
            mlflow_runs = api.get(f"/runs/{run_id}/metrics")["mlflow_runs"]
        except (ApiError, ApiUnreachable) as exc:
            show_error(exc)
            return
        if current["status"] != run["status"]:
            st.rerun()  # a new stage: redraw the whole page (and stop refreshing once it settles)
        st.caption(
            f"{current['model_id']} on {current['dataset']} · {current['experiment_name']} · {current['task_type']}"
        )
        timeline(current)
        for label, url in links(settings, current, mlflow_runs):
            st.link_button(label, url)
        training_curve(mlflow_runs)
        evaluation(current)

    live()
    comparison.show(run.get("comparison"))
    comparison.what_if(api, run)
    worst_samples(api, run_id)
    if run["status"] == "awaiting_approval":
        decide(api, run, user)
    else:
        show_decisions(run)
    cards_and_audit(run)


st.title("Run detail")
signed_in = identity_bar()
run_id = st.text_input("Run id", value=st.query_params.get("run_id", ""), key="run_id").strip()
if not run_id:
    st.info("Pick a run on the Runs page, or paste its id.")
    st.stop()
st.query_params["run_id"] = run_id
try:
    detail(run_id, signed_in)
except (ApiError, ApiUnreachable) as exc:
    show_error(exc)
