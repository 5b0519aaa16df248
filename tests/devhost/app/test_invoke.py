"""Functions are invoked with their bindings as the worker binds them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from devhost.app.invoke import invoke
from devhost.app.loader import load_app
from devhost.durable.binding import client_binding_json

APP = """
import threading

@app.route(route="sync")
def sync_fn(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    return func.HttpResponse(f"{context.function_name} {threading.current_thread().name}")

@app.route(route="client")
@app.durable_client_input(client_name="client")
async def with_client(req: func.HttpRequest, client) -> func.HttpResponse:
    return func.HttpResponse(f"{type(client).__name__} {client._orchestration_bindings.task_hub_name}")
"""


async def test_sync_function_runs_in_the_pool_with_a_context(make_app) -> None:
    index = load_app(make_app(APP))
    target = next(h.function for h in index.http if h.function.name == "sync_fn")
    with ThreadPoolExecutor(thread_name_prefix="pool") as pool:
        response = await invoke(target, None, client_binding=None, executor=pool)
    assert response.get_body().decode().startswith("sync_fn pool")


async def test_durable_client_binding_becomes_the_sdk_client(make_app) -> None:
    index = load_app(make_app(APP))
    target = next(h.function for h in index.http if h.function.name == "with_client")
    with ThreadPoolExecutor() as pool:
        binding = client_binding_json("http://127.0.0.1:1", "Hub")
        response = await invoke(target, None, client_binding=binding, executor=pool)
    assert response.get_body() == b"DurableOrchestrationClient Hub"
