"""The decision page behind Teams card buttons: GET shows it (no side effect), POST confirms the decision.

The signed token in the URL binds run, decision, model version and deadline, but is not enough alone: the
caller must be a signed-in approver (browsers without a session go to the sign-in page and come back).
Browsers get HTML, API clients asking for JSON get the same statuses with JSON bodies.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, quote

import azure.durable_functions as df
import azure.functions as func

from mlops.approvals import page
from mlops.approvals.flow import LinkRefused, confirm_link, open_link
from mlops.approvals.identity import APPROVER
from mlops.approvals.tokens import TokenError
from mlops.bootstrap import services
from mlops.store import AlreadyDecided, ApprovalRecord
from triggers.http_identity import caller, refusal
from triggers.http_responses import error, json_response

bp = df.Blueprint()
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


@bp.route(route="approvals/{token}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
async def show_approval(req: func.HttpRequest) -> func.HttpResponse:
    """200 with the run summary and a confirm form; 409 if already decided; 400/403/404/410 bad links."""
    refused = await _signed_in_approver(req)
    if refused is not None:
        return refused
    svc = await services()
    try:
        opened = await open_link(
            svc.store, svc.settings.approval_signing_keys, req.route_params.get("token", ""), datetime.now(UTC)
        )
    except (TokenError, LinkRefused) as exc:
        return _refused(req, exc)
    if opened.prior is not None:
        return _already(req, opened.prior)
    if _wants_json(req):
        claims = opened.claims
        return json_response(
            {"run_id": claims.run_id, "decision": claims.decision, "expires_at": claims.expires_at.isoformat()}
        )
    return _html(page.confirm_page(opened, caller(req).name), 200)


@bp.route(route="approvals/{token}", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@bp.durable_client_input(client_name="client")
async def confirm_approval(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """202 once the link's decision is recorded and raised; 409 replayed/already decided; 4xx bad links."""
    refused = await _signed_in_approver(req)
    if refused is not None:
        return refused
    form = {k: v[0].strip() for k, v in parse_qs(req.get_body().decode("utf-8", "replace")).items() if v}
    svc = await services()
    try:
        record = await confirm_link(
            svc.store,
            svc.settings.approval_signing_keys,
            req.route_params.get("token", ""),
            caller(req),
            form.get("comment", "")[:4000],
            client.raise_event,
            datetime.now(UTC),
        )
    except (TokenError, LinkRefused) as exc:
        return _refused(req, exc)
    except AlreadyDecided as exc:
        return _already(req, exc.existing)
    if _wants_json(req):
        return json_response(_record(record) | {"status": "accepted"}, 202)
    return _html(page.decided_page(record), 202)


async def _signed_in_approver(req: func.HttpRequest) -> func.HttpResponse | None:
    """None for a signed-in approver; a browser without a session goes to sign-in, others get 401/403/503."""
    refused = await refusal(req, APPROVER)
    if refused is None or refused.status_code != 401 or _wants_json(req):
        return refused
    back = quote(_path(req), safe="/")
    return func.HttpResponse(
        status_code=302, headers={**_HEADERS, "Location": f"/.auth/login?post_login_redirect_uri={back}"}
    )


def _path(req: func.HttpRequest) -> str:
    """The request's path on this host (where sign-in brings the browser back)."""
    return "/" + req.url.split("://", 1)[-1].partition("/")[2].partition("?")[0]


def _refused(req: func.HttpRequest, exc: TokenError | LinkRefused) -> func.HttpResponse:
    return _problem(req, exc.status, exc.code, "This link cannot be used", str(exc))


def _already(req: func.HttpRequest, prior: ApprovalRecord) -> func.HttpResponse:
    message = f"already decided ({prior.decision}) by {prior.approver} at {prior.decided_at.isoformat()}"
    if _wants_json(req):
        return error(409, "already_decided", message)
    return _html(page.already_decided_page(prior), 409)


def _problem(req: func.HttpRequest, status: int, code: str, title: str, message: str) -> func.HttpResponse:
    if _wants_json(req):
        return error(status, code, message)
    return _html(page.refused_page(title, message), status)


def _record(record: ApprovalRecord) -> dict[str, str | None]:
    return {
        "run_id": record.run_id,
        "decision": record.decision,
        "approver": record.approver,
        "via": record.via,
        "comment": record.comment,
        "decided_at": record.decided_at.isoformat(),
    }


def _wants_json(req: func.HttpRequest) -> bool:
    accept = req.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _html(body: str, status: int) -> func.HttpResponse:
    return func.HttpResponse(body, status_code=status, mimetype="text/html", charset="utf-8", headers=_HEADERS)
