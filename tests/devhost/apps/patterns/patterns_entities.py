"""A counter entity, an orchestrator that signals and calls it, and HTTP functions using the SDK's client."""

import json

import azure.durable_functions as df
import azure.functions as func

bp = df.Blueprint()


@bp.entity_trigger(context_name="context", entity_name="Counter")
def counter_entity(context: df.DurableEntityContext) -> None:
    """add(n), get, reset, remove (deletes the entity), explode (raises)."""
    value = context.get_state(lambda: 0)
    operation = context.operation_name
    if operation == "add":
        value += int(context.get_input())
    elif operation == "reset":
        value = 0
    elif operation == "remove":
        context.destruct_on_exit()
        return
    elif operation == "explode":
        raise ValueError("the counter exploded")
    context.set_state(value)
    context.set_result(value)


@bp.orchestration_trigger(context_name="context")
def entity_caller(context: df.DurableOrchestrationContext):
    """Signal add(5) (one-way), then call add(2) and get: the calls see the signal's effect, in order."""
    counter = df.EntityId("Counter", context.get_input())
    context.signal_entity(counter, "add", 5)
    after_add = yield context.call_entity(counter, "add", 2)
    current = yield context.call_entity(counter, "get")
    return [after_add, current]


@bp.orchestration_trigger(context_name="context")
def entity_failure(context: df.DurableOrchestrationContext):
    """An operation that raises is raised in the caller, which catches it."""
    try:
        yield context.call_entity(df.EntityId("Counter", context.get_input()), "explode")
    except Exception as exc:
        return f"caught: {'exploded' in str(exc)}"
    return "not caught"


@bp.route(route="counters/{key}", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def signal_counter(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """POST /api/counters/{key}?op=add with a JSON body: client.signal_entity."""
    entity = df.EntityId("Counter", req.route_params["key"])
    await client.signal_entity(entity, req.params.get("op", "add"), req.get_json())
    return func.HttpResponse(status_code=202)


@bp.route(route="counters/{key}", methods=["GET"])
@bp.durable_client_input(client_name="client")
async def read_counter(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """GET /api/counters/{key}: client.read_entity_state."""
    state = await client.read_entity_state(df.EntityId("Counter", req.route_params["key"]))
    body = {"exists": state.entity_exists, "state": state.entity_state}
    return func.HttpResponse(json.dumps(body), mimetype="application/json")
