"""Datasets: the registered ones with a preview of their rows, and registering a new one from Blob."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.client import ApiError, ApiUnreachable
from ui.components import client, guarded, identity_bar, show_error

st.title("Datasets")
user = identity_bar()
api = client()
try:
    datasets = api.get("/datasets")["datasets"]
except (ApiError, ApiUnreachable) as exc:
    show_error(exc)
    st.stop()

columns = ["name", "domain", "train_rows", "eval_rows", "train_uri", "eval_uri", "description"]
st.dataframe(pd.DataFrame(datasets, columns=columns), hide_index=True)

if datasets:
    st.subheader("Preview")
    left, right = st.columns(2)
    name = left.selectbox("Dataset", [d["name"] for d in datasets], key="preview_name")
    split = right.radio("Split", ["train", "eval"], horizontal=True, key="preview_split")
    with guarded():
        preview = api.get(f"/datasets/{name}/rows", split=split, limit=5)
        st.caption(preview["uri"])
        st.dataframe(pd.DataFrame(preview["rows"]), hide_index=True)

st.subheader("Register a dataset")
if not user.may_start:
    st.caption("Registering a dataset needs the requester role.")
    st.stop()
st.caption("Both files must already be in Blob, as JSONL rows with question, context and answer.")
with st.form("register"):
    new_name = st.text_input("Name", key="ds_name", help="lowercase letters, digits, - and _")
    domain = st.text_input("Domain", key="ds_domain")
    description = st.text_input("Description", key="ds_description")
    train_uri = st.text_input("Train split (blob path)", key="ds_train", placeholder="blob://datasets/train/x.jsonl")
    eval_uri = st.text_input("Eval split (blob path)", key="ds_eval", placeholder="blob://datasets/eval/x.jsonl")
    if st.form_submit_button("Register", type="primary"):
        body = {
            "name": new_name,
            "domain": domain,
            "description": description,
            "train_uri": train_uri,
            "eval_uri": eval_uri,
        }
        try:
            created = api.post("/datasets", body)
            st.success(
                f"Registered {created['name']}: {created['train_rows']} train / {created['eval_rows']} eval rows"
            )
        except ApiError as exc:
            st.error(f"Not registered: {exc.message}")
            for field, problem in exc.fields.items():
                st.caption(f":red[{field}: {problem}]")
        except ApiUnreachable as exc:
            show_error(exc)
