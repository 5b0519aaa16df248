"""The loader indexes an app as the worker does and refuses what the worker refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from devhost.app.functions import AppLoadError, FunctionLoadError
from devhost.app.loader import load_app, script_file_name

GOOD_APP = """
@app.route(route="runs/{run_id}", methods=["GET"])
@app.durable_client_input(client_name="client")
async def get_run(req: func.HttpRequest, client) -> func.HttpResponse:
    return func.HttpResponse("ok")

@app.service_bus_topic_trigger(arg_name="msg", topic_name="%TOPIC%", subscription_name="sub-a",
                               connection="ServiceBusConnection")
def on_message(msg: func.ServiceBusMessage) -> None:
    pass

@app.orchestration_trigger(context_name="context")
def pipeline(context: df.DurableOrchestrationContext):
    yield context.call_activity("say", "x")

@app.activity_trigger(input_name="payload", activity="say")
def say_impl(payload: str) -> str:
    return payload
"""


def test_indexes_every_trigger_kind(make_app) -> None:
    index = load_app(make_app(GOOD_APP))
    [http] = index.http
    assert (http.route, http.methods, http.auth_level) == ("runs/{run_id}", ("GET",), "ANONYMOUS")
    assert http.function.client_param == "client" and http.function.is_async
    [bus] = index.service_bus
    assert (bus.topic_name, bus.subscription_name, bus.connection) == (
        "%TOPIC%",
        "sub-a",
        "ServiceBusConnection",
    )
    assert bus.function.trigger_param == "msg"
    assert hasattr(index.orchestrators["pipeline"].function.func, "orchestrator_function")
    assert index.activities["say"].function.name == "say_impl"
    assert index.client_functions == ["get_run"]


def test_loading_twice_gives_a_fresh_app(make_app) -> None:
    app_dir = make_app(GOOD_APP)
    first, second = load_app(app_dir), load_app(app_dir)
    assert first.app is not second.app
    assert len(second.http) == 1


def test_blueprints_are_indexed(make_app) -> None:
    app_dir = make_app("""
bp = df.Blueprint()

@bp.activity_trigger(input_name="value")
def double(value: int) -> int:
    return value * 2

app.register_functions(bp)
""")
    assert list(load_app(app_dir).activities) == ["double"]


def test_param_missing_from_signature_names_the_function(make_app) -> None:
    app_dir = make_app("""
@app.route(route="x", trigger_arg_name="req")
def broken(request: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("x")
""")
    with pytest.raises(FunctionLoadError, match=r"cannot load the broken function: .*declared"):
        load_app(app_dir)


def test_duplicate_function_names_fail(make_app) -> None:
    app_dir = make_app("""
@app.activity_trigger(input_name="a")
def same(a: str) -> str:
    return a

bp = df.Blueprint()

@bp.activity_trigger(input_name="a")
def same(a: str) -> str:
    return a

app.register_functions(bp)
""")
    with pytest.raises(AppLoadError, match="Function same does not have a unique function name"):
        load_app(app_dir)


def test_unsupported_trigger_type_fails(make_app) -> None:
    app_dir = make_app("""
@app.queue_trigger(arg_name="msg", queue_name="q", connection="C")
def tick(msg: func.QueueMessage) -> None:
    pass
""")
    with pytest.raises(FunctionLoadError, match=r'cannot load the tick function: .*"queueTrigger"'):
        load_app(app_dir)


def test_wrong_annotation_fails(make_app) -> None:
    app_dir = make_app("""
@app.service_bus_topic_trigger(arg_name="msg", topic_name="t", subscription_name="s", connection="C")
def typed(msg: func.HttpRequest) -> None:
    pass
""")
    with pytest.raises(FunctionLoadError, match="cannot load the typed function: type of msg binding"):
        load_app(app_dir)


def test_no_function_register_fails(make_app) -> None:
    app_dir = make_app("VALUE = 1\n", header="")
    with pytest.raises(AppLoadError, match="Could not find top level function app instances"):
        load_app(app_dir)


def test_two_function_registers_fail(make_app) -> None:
    app_dir = make_app("other = df.DFApp()\n")
    with pytest.raises(AppLoadError, match="More than one DFApp"):
        load_app(app_dir)


def test_missing_script_fails(tmp_path: Path) -> None:
    with pytest.raises(AppLoadError, match="not found"):
        load_app(tmp_path)


def test_package_shadowing_the_script_fails(make_app) -> None:
    app_dir = make_app(GOOD_APP)
    (app_dir / "function_app").mkdir()
    (app_dir / "function_app" / "__init__.py").write_text("")
    with pytest.raises(AppLoadError, match="shadowed"):
        load_app(app_dir)


def test_script_name_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_SCRIPT_FILE_NAME", "apps/main.py")
    with pytest.raises(AppLoadError, match="PYTHON_SCRIPT_FILE_NAME"):
        script_file_name()
    monkeypatch.setenv("PYTHON_SCRIPT_FILE_NAME", "my_app.py")
    assert script_file_name() == "my_app.py"


def test_custom_script_name_is_imported(make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    app_dir = make_app(GOOD_APP, name="my_app.py")
    monkeypatch.setenv("PYTHON_SCRIPT_FILE_NAME", "my_app.py")
    assert load_app(app_dir).module.__name__ == "my_app"


def test_import_errors_name_the_script(make_app) -> None:
    app_dir = make_app("import no_such_module_here\n")
    with pytest.raises(AppLoadError, match=r"Cannot import function_app\.py: ModuleNotFoundError"):
        load_app(app_dir)
