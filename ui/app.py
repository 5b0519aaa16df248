"""The UI's entry point: `streamlit run ui/app.py` (with the repository root, or /app, on PYTHONPATH)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

VIEWS = Path(__file__).with_name("views")

st.set_page_config(page_title="MLOps releases", page_icon="🚀", layout="wide")
pages = [
    st.Page(VIEWS / "start.py", title="Start a run", icon="▶️", default=True),  # served at /
    st.Page(VIEWS / "runs.py", title="Runs", icon="📋", url_path="runs"),
    st.Page(VIEWS / "run.py", title="Run detail", icon="🔎", url_path="run"),
    st.Page(VIEWS / "dashboard.py", title="Dashboard", icon="📊", url_path="dashboard"),
    st.Page(VIEWS / "datasets.py", title="Datasets", icon="🗂️", url_path="datasets"),
]
st.navigation(pages).run()
