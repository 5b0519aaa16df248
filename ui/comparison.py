"""The run against the production model (champion): the headline, each metric's paired difference with its
95 % interval, the answers that got worse (both answers), per domain, and a what-if re-score panel."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui.client import ApiClient
from ui.components import guarded

METRICS = ("exact_match", "semantic_similarity", "rouge_l", "string_similarity", "bleu")


def sides(comparison: dict[str, Any]) -> pd.DataFrame:
    """One row per MLScore, metric and domain: candidate, champion, difference, interval, P(better)."""
    named = {"MLScore": comparison["ml_score"], **comparison.get("metrics", {})}
    named |= {f"domain {name}": side for name, side in comparison.get("domains", {}).items()}
    rows = [
        {
            "what": name,
            "candidate": side["candidate"],
            "champion": side["champion"],
            "difference": side["diff"],
            "95 % CI": f"{side['low']:+.3f} … {side['high']:+.3f}",
            "P(better)": side["p_better"],
        }
        for name, side in named.items()
        if side["pairs"]
    ]
    return pd.DataFrame(rows)


def show(comparison: dict[str, Any] | None) -> None:
    """The comparison as recorded by the evaluation (or why there is none)."""
    st.subheader("Against production")
    if not comparison:
        st.caption("Not scored yet.")
        return
    if comparison["status"] != "compared":
        st.info(comparison["summary"])  # first model, or another eval set version: not comparable
        return
    st.markdown(f"**{comparison['summary']}** — champion {comparison['champion']['model']}")
    gate = comparison.get("gate")
    if gate:
        (st.success if gate["passed"] else st.error)(f"Champion rule: {gate['reason'] or 'passed'}")
    st.dataframe(sides(comparison), hide_index=True)
    st.caption(
        f"Paired bootstrap, {comparison['resamples']:,} resamples; same eval set "
        f"{str(comparison.get('eval_sha256', ''))[:12]}. {comparison['better']} answers better, "
        f"{comparison['worse']} worse."
    )
    if comparison["regressions"]:
        st.markdown("**Answers that got worse** (most regressed first)")
        columns = ["idx", "diff", "question", "reference", "candidate_response", "champion_response"]
        st.dataframe(pd.DataFrame(comparison["regressions"])[columns], hide_index=True)


def what_if(api: ApiClient, run: dict[str, Any]) -> None:
    """Re-score under other weights from the stored per-sample scores: 0 judge calls, the decision unchanged."""
    st.subheader("What if")
    if not run.get("eval_sha256"):
        st.caption("Available once the run is scored.")
        return
    current = run.get("metric_weights") or {}
    with st.form("what_if"):
        columns = st.columns(len(METRICS))
        weights = {
            name: column.number_input(
                name, min_value=0.0, max_value=1.0, value=float(current.get(name, 0.0)), step=0.05
            )
            for name, column in zip(METRICS, columns, strict=True)
        }
        submitted = st.form_submit_button("Re-score")
    if not submitted:
        return
    with guarded():
        result = api.post(f"/runs/{run['run_id']}/rescore", {"weights": weights})
        st.metric("MLScore under these weights", f"{result['ml_score']:.3f}", delta=_delta(result))
        st.caption(
            f"{result['comparison']['summary']} · judge calls: {result['judge_calls']} · "
            f"the recorded decision stays {result['recorded']['decision'] or 'open'}"
        )


def _delta(result: dict[str, Any]) -> str | None:
    recorded = result["recorded"]["ml_score"]
    return None if recorded is None else f"{result['ml_score'] - recorded:+.3f} vs recorded {recorded:.3f}"
