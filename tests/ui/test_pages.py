"""Each page's main path with Streamlit's AppTest, against the real API on devhost (tiny model), signed in
through the UI's local sign-in (devhost's identity provider): what each user is offered, and that the API
sees that user."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from tests.e2e.conftest import ROOT, Api

VIEWS = ROOT / "ui" / "views"
REQUESTER = "ria@contoso.com"
APPROVER = "ana@contoso.com"


def page(name: str, user: str | None = None, roles: tuple[str, ...] = ("requester",), **query: str) -> AppTest:
    """The page, after signing in as ``user`` with ``roles`` in its sidebar (None: signed out)."""
    app = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=60)
    app.query_params.update(query)
    app.run()
    if user is None:
        return app
    app.sidebar.text_input(key="sign_in_user").set_value(user)
    for role in ("requester", "approver"):
        app.sidebar.checkbox(key=f"sign_in_{role}").set_value(role in roles)
    return click(app, "Sign in")


def texts(app: AppTest) -> str:
    parts = [*app.markdown, *app.caption, *app.success, *app.info, *app.error, *app.title, *app.subheader]
    parts += [*app.warning, *app.sidebar.markdown, *app.sidebar.error]
    return "\n".join(str(getattr(p, "value", p)) for p in parts)


def buttons(app: AppTest) -> set[str]:
    return {b.label for b in app.button}


def click(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click()
    return app.run()


@pytest.fixture(scope="module")
def started_run(ui_api: Api, ui_model: Path) -> str:
    """A run started by the requester from the Start page's form (module-wide: later tests follow it)."""
    import os

    os.environ["API_URL"], os.environ["LOCAL_IDENTITY_URL"] = ui_api.base, ui_api.devhost.base_url
    try:
        app = page("start", REQUESTER)
        assert not app.exception and not app.error, texts(app)
        assert app.number_input(key="weight_exact_match").value == pytest.approx(0.4)  # the API's default shown
        app.text_input(key="model_id").set_value(str(ui_model))
        app.text_input(key="experiment_name").set_value("ui-apptest")
        app.number_input(key="ml_score_threshold").set_value(0.0)
        app = click(app, "Start run")
        assert not app.exception, app.exception
        run_id = str(app.session_state["started_run"])
        assert f"/run?run_id={run_id}" in texts(app)
    finally:
        del os.environ["API_URL"], os.environ["LOCAL_IDENTITY_URL"]
    return run_id


def test_a_signed_out_user_gets_the_sign_in_and_no_page(ui_env: Api) -> None:
    app = page("start")
    assert not app.exception
    assert "Sign in" in texts(app)
    assert "Start run" not in buttons(app)


def test_the_sidebar_shows_who_is_signed_in_with_their_roles(ui_env: Api) -> None:
    app = page("runs", APPROVER, ("approver",))
    assert f"Signed in as **{APPROVER}** (approver)" in texts(app)


def test_a_refused_sign_in_is_a_message(ui_env: Api) -> None:
    app = page("runs", "   ")
    assert not app.exception
    assert "sign-in refused" in texts(app)


def test_an_approver_is_not_offered_to_start_runs(ui_env: Api) -> None:
    app = page("start", APPROVER, ("approver",))
    assert not app.exception
    assert "needs the requester role" in texts(app)
    assert "Start run" not in buttons(app)


def test_start_page_shows_the_api_validation_next_to_the_fields(ui_env: Api) -> None:
    app = page("start", REQUESTER)
    app.text_input(key="model_id").set_value("   ")
    app = click(app, "Start run")
    assert not app.exception
    assert "model_id:" in texts(app) and "experiment_name:" in texts(app)
    assert "The run was not started" in texts(app)


def test_the_run_records_the_signed_in_requester(ui_env: Api, started_run: str, ui_model: Path) -> None:
    run = ui_env.run(started_run)
    assert (run["model_id"], run["experiment_name"], run["ml_score_threshold"]) == (str(ui_model), "ui-apptest", 0.0)
    assert run["metric_weights"]["exact_match"] == pytest.approx(0.4)
    assert run["created_by"] == REQUESTER


def test_the_requester_is_offered_reject_but_not_approve(ui_env: Api, started_run: str) -> None:
    ui_env.wait_for(started_run, {"awaiting_approval", "failed"}, timeout=480)
    app = page("run", REQUESTER, ("requester", "approver"), run_id=started_run)
    assert not app.exception and not app.error, texts(app)
    assert "Reject" in buttons(app) and "Approve" not in buttons(app)
    assert "never approve it" in texts(app)


def test_the_run_page_shows_no_card_body_or_decision_link(ui_env: Api, started_run: str) -> None:
    ui_env.wait_for(started_run, {"awaiting_approval", "failed"}, timeout=480)
    app = page("run", APPROVER, ("approver",), run_id=started_run)
    shown = texts(app) + "".join(frame.value.to_json() for frame in app.dataframe)
    assert not app.get("json"), "no card JSON on the page"
    assert "Cards sent (" in shown and "approval_requested" in shown
    assert "/approvals/" not in shown and "actions" not in shown


def test_an_approver_approves_and_the_api_records_them(ui_env: Api, started_run: str) -> None:
    ui_env.wait_for(started_run, {"awaiting_approval", "failed"}, timeout=480)
    app = page("run", APPROVER, ("approver",), run_id=started_run)
    assert not app.exception and not app.error, texts(app)
    shown = texts(app)
    for part in ("awaiting approval", "Evaluation", "Worst samples", "Cards sent", "Audit trail", "Approval"):
        assert part in shown, part
    assert any(frame.value.shape[0] > 0 for frame in app.dataframe)  # evaluation, samples, audit tables
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")  # the loss curve / the gauge
    app.text_area(key="comment").set_value("looks good")
    app = click(app, "Approve")
    assert not app.exception and not app.error, texts(app)
    done = ui_env.wait_for(started_run, {"completed", "failed"}, timeout=60)
    approval = done["approval"]
    assert (done["decision"], approval["approver"], approval["comment"]) == ("go_prod", APPROVER, "looks good")
    assert "completed" in texts(page("run", APPROVER, ("approver",), run_id=started_run))


def test_runs_page_lists_and_filters(ui_env: Api, started_run: str) -> None:
    app = page("runs", APPROVER, ("approver",))
    assert not app.exception and not app.error, texts(app)
    table = app.dataframe[0].value
    assert any(started_run in link for link in table["run"])
    app.multiselect(key="filter_status").set_value(["failed"]).run()
    if app.dataframe:
        assert all(started_run not in link for link in app.dataframe[0].value["run"])
    else:
        assert "No run matches" in texts(app)


def test_dashboard_page_shows_the_aggregates(ui_env: Api, started_run: str) -> None:
    ui_env.wait_for(started_run, {"completed", "failed"}, timeout=60)
    app = page("dashboard", APPROVER, ("approver",))
    assert not app.exception and not app.error, texts(app)
    labels = {m.label: m.value for m in app.metric}
    assert {"Active runs", "Mean MLScore", "Success rate", "Training", "Evaluation", "Approval", "Total"} <= set(labels)
    assert labels["Success rate"] == "100%" and labels["Mean MLScore"] != "—"


def test_datasets_page_previews_and_registers(ui_env: Api) -> None:
    app = page("datasets", REQUESTER)
    assert not app.exception and not app.error, texts(app)
    assert {"rag_qa", "medical", "legal"} <= set(app.dataframe[0].value["name"])
    assert "question" in app.dataframe[1].value.columns  # the preview of the first dataset's rows
    rag = next(d for d in app.dataframe[0].value.to_dict("records") if d["name"] == "rag_qa")
    app.text_input(key="ds_name").set_value("ui_copy")
    app.text_input(key="ds_domain").set_value("rag_qa")
    app.text_input(key="ds_train").set_value(rag["train_uri"])
    app.text_input(key="ds_eval").set_value("blob://datasets/missing.jsonl")
    app = click(app, "Register")
    assert "eval_uri:" in texts(app) and not app.exception
    app.text_input(key="ds_eval").set_value(rag["eval_uri"])
    app = click(app, "Register")
    assert "Registered ui_copy" in texts(app), texts(app)


def test_an_approver_is_not_offered_to_register_datasets(ui_env: Api) -> None:
    app = page("datasets", APPROVER, ("approver",))
    assert "Registering a dataset needs the requester role" in texts(app)
    assert "Register" not in buttons(app)


def test_an_unreachable_api_is_a_message_not_a_traceback(ui_env: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from devstack import free_port

    token = httpx.post(
        f"{ui_env.devhost.base_url}/.auth/local/token", json={"user": APPROVER, "roles": ["approver"]}, timeout=30
    ).json()["access_token"]
    monkeypatch.setenv("API_URL", f"http://127.0.0.1:{free_port()}/api")
    for name, query in (("runs", {}), ("dashboard", {}), ("datasets", {}), ("run", {"run_id": "0" * 8})):
        app = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=60)
        app.query_params.update(query)
        app.session_state["ui_token"] = token
        app = app.run()
        assert not app.exception, name
        assert "The API is unreachable" in texts(app), name
