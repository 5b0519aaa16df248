"""HTTP API for datasets: list, register, and preview rows."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from mlops.approvals.identity import REQUESTER
from mlops.bootstrap import services
from mlops.datasets import InvalidDataset, count_rows, preview_rows
from mlops.requests import DatasetRequest, InvalidRequest, parse_body
from mlops.store import DatasetRecord
from triggers.http_identity import signed_in
from triggers.http_responses import error, invalid, json_response, query_int

bp = df.Blueprint()


@bp.route(route="datasets", methods=["GET"])
@signed_in()
async def list_datasets(req: func.HttpRequest) -> func.HttpResponse:
    """All registered datasets with their row counts."""
    records = await (await services()).store.list_datasets()
    return json_response({"datasets": [_view(r) for r in records]})


@bp.route(route="datasets", methods=["POST"])
@signed_in(REQUESTER)
async def register_dataset(req: func.HttpRequest) -> func.HttpResponse:
    """201 once both files are validated in Blob; 409 if the name exists; 422 naming the bad field."""
    svc = await services()
    try:
        request = parse_body(DatasetRequest, req.get_body())
        counts = {}
        for field in ("train_uri", "eval_uri"):
            try:
                counts[field] = await asyncio.to_thread(count_rows, svc.blob, getattr(request, field))
            except InvalidDataset as exc:
                raise InvalidRequest({field: str(exc)}) from exc
    except InvalidRequest as exc:
        return invalid(exc)
    if await svc.store.get_dataset(request.name) is not None:
        return error(409, "conflict", f"dataset {request.name} already exists", {"name": "already registered"})
    record = DatasetRecord(
        name=request.name,
        domain=request.domain,
        description=request.description,
        train_uri=request.train_uri,
        eval_uri=request.eval_uri,
        train_rows=counts["train_uri"],
        eval_rows=counts["eval_uri"],
    )
    await svc.store.upsert_dataset(record)
    stored = await svc.store.get_dataset(request.name)
    return json_response(_view(stored or record), 201, headers={"Location": f"/api/datasets/{request.name}"})


@bp.route(route="datasets/{name}/rows", methods=["GET"])
@signed_in()
async def preview_dataset(req: func.HttpRequest) -> func.HttpResponse:
    """The first ``limit`` rows (default 5) of the ``split`` (train or eval) file; 404 unknown dataset or file."""
    split = req.params.get("split") or "train"
    try:
        if split not in ("train", "eval"):
            raise InvalidRequest({"split": "must be train or eval"}, status=400)
        limit = query_int(req, "limit", 5, 1, 50)
    except InvalidRequest as exc:
        return invalid(exc)
    svc = await services()
    name = req.route_params.get("name", "")
    record = await svc.store.get_dataset(name)
    if record is None:
        return error(404, "not_found", f"no dataset {name}")
    uri = record.train_uri if split == "train" else record.eval_uri
    try:
        rows = await asyncio.to_thread(preview_rows, svc.blob, uri, limit)
    except InvalidDataset as exc:
        return error(404, "not_found", str(exc))
    return json_response({"name": name, "split": split, "uri": uri, "rows": rows, "limit": limit})


def _view(record: DatasetRecord) -> dict[str, Any]:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in asdict(record).items()}
