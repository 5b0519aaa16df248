"""Start a run: the form, with the API's defaults and its validation messages next to the fields."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError, ApiUnreachable
from ui.components import client, guarded, identity_bar, show_error

FIELDS = ("model_id", "dataset", "experiment_name", "task_type", "ml_score_threshold", "metric_weights")


def defaults(api: ApiClient) -> tuple[float, dict[str, float]]:
    """The threshold and metric weights the API applies when the request leaves them out."""
    schema = api.get("/openapi.json")["components"]["schemas"]["RunRequest"]["properties"]
    return float(schema["ml_score_threshold"]["default"]), dict(schema["metric_weights"]["default"])


def field_error(name: str) -> None:
    problems = st.session_state.get("start_errors", {})
    for key, problem in problems.items():
        if key == name or key.startswith(f"{name}."):
            st.caption(f":red[{key}: {problem}]")


def dataset_label(dataset: dict[str, Any]) -> str:
    return f"{dataset['name']} — {dataset['domain']} ({dataset['train_rows']} train / {dataset['eval_rows']} eval rows)"


def submit(api: ApiClient, body: dict[str, Any]) -> None:
    try:
        accepted = api.post("/runs", body)
    except ApiError as exc:
        st.session_state["start_errors"] = exc.fields or {"form": exc.message}
        st.session_state["start_failure"] = f"{exc.message} (HTTP {exc.status})"
        return
    st.session_state["start_errors"] = {}
    st.session_state["start_failure"] = None
    st.session_state["started_run"] = accepted["run_id"]
    recent = st.session_state.setdefault("recent_models", [])
    if body["model_id"] not in recent:
        recent.insert(0, body["model_id"])


st.title("Start a release run")
if not identity_bar().may_start:
    st.info("Starting a run needs the requester role. Runs, Run detail and Dashboard are open to you.")
    st.stop()
api = client()
try:
    threshold_default, weight_defaults = defaults(api)
    datasets = api.get("/datasets")["datasets"]
    recent_runs = api.get("/runs", limit=50)["runs"]
except (ApiError, ApiUnreachable) as exc:
    show_error(exc)
    st.stop()

recent = list(dict.fromkeys([*st.session_state.get("recent_models", []), *(r["model_id"] for r in recent_runs)]))
if recent:
    st.selectbox(
        "Recent models",
        recent,
        index=None,
        key="recent_model",
        placeholder="pick one to fill the model id",
        on_change=lambda: st.session_state.update(model_id=st.session_state["recent_model"]),
    )

with st.form("start"):
    model_id = st.text_input("Model id", key="model_id", help="HuggingFace id, Azure ML registry URI, or a path")
    field_error("model_id")
    labels = {dataset_label(d): d["name"] for d in datasets}
    dataset = st.selectbox("Dataset", list(labels), key="dataset")
    field_error("dataset")
    experiment = st.text_input("Experiment name", key="experiment_name")
    field_error("experiment_name")
    task_type = st.selectbox("Task type", ["finetune", "evaluate"], key="task_type")
    threshold = st.number_input(
        "MLScore threshold", 0.0, 1.0, value=threshold_default, step=0.05, key="ml_score_threshold"
    )
    field_error("ml_score_threshold")
    st.markdown("**Metric weights** (defaults shown; the MLScore is their weighted mean)")
    columns = st.columns(len(weight_defaults))
    weights = {
        name: column.number_input(name, 0.0, 1.0, value=float(value), step=0.05, key=f"weight_{name}")
        for column, (name, value) in zip(columns, weight_defaults.items(), strict=True)
    }
    field_error("metric_weights")
    if st.form_submit_button("Start run", type="primary"):
        body = {
            "model_id": model_id,
            "dataset": labels.get(dataset or "", ""),
            "experiment_name": experiment,
            "task_type": task_type,
            "ml_score_threshold": threshold,
            "metric_weights": weights,
        }
        with guarded():
            submit(api, body)
            st.rerun()

if st.session_state.get("start_failure"):
    st.error(f"The run was not started: {st.session_state['start_failure']}")
elif started := st.session_state.get("started_run"):
    st.success(f"Run {started} started.")
    st.markdown(f"[Follow run {started}](/run?run_id={started})")
