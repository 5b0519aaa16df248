"""HTTP API for datasets: list, register, and preview rows."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import asdict
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from mlops.approvals.identity import REQUESTER
from mlops.blob import BlobError
from mlops.bootstrap import Services, services
from mlops.datasets import CheckedFile, InvalidDataset, MissingDatasetFile, check_file, preview_rows
from mlops.requests import DATASET_NAME, DatasetRequest, InvalidRequest, parse_body
from mlops.store import DatasetRecord
from triggers.http_identity import signed_in
from triggers.http_responses import error, invalid, json_response, query_choice, query_int

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route="datasets", methods=["GET"])
@signed_in()
async def list_datasets(req: func.HttpRequest) -> func.HttpResponse:
    """All registered datasets with their row counts."""
    records = await (await services()).store.list_datasets()
    return json_response({"datasets": [_view(r) for r in records]})


@bp.route(route="datasets", methods=["POST"])
@signed_in(REQUESTER)
async def register_dataset(req: func.HttpRequest) -> func.HttpResponse:
    """201 once both files are validated in Blob (their ETags recorded); 409 if the name exists (never
    overwritten); 404 naming a file that is not there; 422 naming the bad field (a bad file too, never a 500);
    503 when Blob does not answer."""
    svc = await services()
    try:
        request = parse_body(DatasetRequest, req.get_body())
        if await svc.store.get_dataset(request.name) is not None:
            return _exists(request.name)
        files = {field: await _check(svc, field, getattr(request, field)) for field in ("train_uri", "eval_uri")}
    except InvalidRequest as exc:
        return invalid(exc)
    except BlobError:
        log.exception("dataset registration: blob storage failed")
        return error(503, "unavailable", "blob storage did not answer; try again")
    record = DatasetRecord(
        name=request.name,
        domain=request.domain,
        description=request.description,
        train_uri=request.train_uri,
        eval_uri=request.eval_uri,
        train_rows=files["train_uri"].rows,
        eval_rows=files["eval_uri"].rows,
        train_etag=files["train_uri"].etag,
        eval_etag=files["eval_uri"].etag,
        eval_sha256=files["eval_uri"].sha256,
    )
    stored = await svc.store.insert_dataset(record)
    if stored is None:  # registered by a concurrent request since the check above
        return _exists(request.name)
    return json_response(_view(stored), 201, headers={"Location": f"/api/datasets/{request.name}"})


async def _check(svc: Services, field: str, uri: str) -> CheckedFile:
    try:
        return await asyncio.to_thread(check_file, svc.blob, uri, svc.settings.dataset_max_bytes)
    except MissingDatasetFile as exc:  # names what is not there, as an unknown dataset does on POST /runs
        raise InvalidRequest({field: str(exc)}, status=404) from exc
    except InvalidDataset as exc:
        raise InvalidRequest({field: str(exc)}) from exc


def _exists(name: str) -> func.HttpResponse:
    return error(409, "conflict", f"dataset {name} already exists", {"name": "already registered"})


@bp.route(route="datasets/{name}/rows", methods=["GET"])
@signed_in()
async def preview_dataset(req: func.HttpRequest) -> func.HttpResponse:
    """The first ``limit`` rows (default 5) of the ``split`` (train or eval) file; 404 unknown dataset or file."""
    try:
        split = query_choice(req, "split", ("train", "eval"), "train")
        limit = query_int(req, "limit", 5, 1, 50)
    except InvalidRequest as exc:
        return invalid(exc)
    svc = await services()
    name = req.route_params.get("name", "")
    # A name registration would refuse names no dataset (and never reaches the database: NUL, length).
    record = await svc.store.get_dataset(name) if re.fullmatch(DATASET_NAME, name) and len(name) <= 128 else None
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
