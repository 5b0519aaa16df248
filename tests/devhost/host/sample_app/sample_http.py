"""HTTP triggers driving the orchestration through the real DurableOrchestrationClient."""

import json

import azure.durable_functions as df
import azure.functions as func

bp = df.Blueprint()


@bp.route(route="flows/{flow_id}", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def start_flow(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Start approval_flow with the body as input; 202 check-status response."""
    instance_id = await client.start_new("approval_flow", req.route_params["flow_id"], req.get_json())
    return client.create_check_status_response(req, instance_id)


@bp.route(route="flows/{flow_id}", methods=["GET"])
@bp.durable_client_input(client_name="client")
async def get_flow(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """The instance status as seen by the client SDK (404 when unknown)."""
    status = await client.get_status(req.route_params["flow_id"], show_history=True)
    if status.runtime_status is None:
        return func.HttpResponse(status_code=404)
    body = {
        "runtime_status": status.runtime_status.value,
        "custom_status": status.custom_status,
        "output": status.output,
        "input": status.input_,
        "history_types": [event.get("EventType") for event in status.historyEvents or []],
    }
    return func.HttpResponse(json.dumps(body), mimetype="application/json")


@bp.route(route="flows/{flow_id}/approve", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def approve_flow(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Raise the Approval event with the body; 410 from the extension surfaces as an error."""
    try:
        await client.raise_event(req.route_params["flow_id"], "Approval", req.get_json())
    except Exception as exc:  # the SDK raises a bare Exception carrying the extension's reason
        return func.HttpResponse(str(exc), status_code=409)
    return func.HttpResponse(status_code=202)


@bp.route(route="flows/{flow_id}/wait", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def start_and_wait(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Start and wait briefly: the output when done in time, else the check-status response."""
    instance_id = await client.start_new("approval_flow", req.route_params["flow_id"], req.get_json())
    return await client.wait_for_completion_or_create_check_status_response(req, instance_id, 1500, 500)


@bp.route(route="flows/{flow_id}/terminate", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def terminate_flow(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Terminate the instance."""
    await client.terminate(req.route_params["flow_id"], "stopped by test")
    return func.HttpResponse(status_code=202)


@bp.route(route="flows/{flow_id}", methods=["DELETE"])
@bp.durable_client_input(client_name="client")
async def purge_flow(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Purge the instance history; the body is the number of instances deleted."""
    result = await client.purge_instance_history(req.route_params["flow_id"])
    return func.HttpResponse(str(result.instances_deleted))


@bp.route(route="flows", methods=["GET"])
@bp.durable_client_input(client_name="client")
async def list_flows(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Instance ids filtered by ?status= (a runtime status name) through get_status_by."""
    wanted = [df.OrchestrationRuntimeStatus(req.params["status"])] if "status" in req.params else None
    statuses = await client.get_status_by(runtime_status=wanted)
    return func.HttpResponse(json.dumps(sorted(s.instance_id for s in statuses)), mimetype="application/json")


@bp.route(route="hello/{name:alpha}", methods=["GET"])
def hello(req: func.HttpRequest) -> func.HttpResponse:
    """A sync function (runs in the thread pool) using route and query parameters."""
    greeting = req.params.get("greeting", "Hello")
    return func.HttpResponse(f"{greeting} {req.route_params['name']}", headers={"X-Sample": "yes"})


@bp.route(route="boom", methods=["GET"])
def boom(req: func.HttpRequest) -> func.HttpResponse:
    """Always fails: the host answers 500."""
    raise RuntimeError("sample failure")
