"""The decision page behind Teams card buttons: GET shows it (no side effect), POST confirms the decision.

The signed token in the URL binds run, decision, model version and deadline, but is not enough alone: the
caller must be a signed-in approver who did not start the run (browsers without a session go to the
sign-in page and come back), and the POST must carry the page's CSRF token. Browsers get HTML (never in a
frame), API clients asking for JSON get the same statuses with JSON bodies.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, quote

import azure.durable_functions as df
import azure.functions as func

from mlops.approvals import decide, page
from mlops.approvals.flow import LinkRefused, confirm_link, open_link
from mlops.approvals.identity import APPROVER
from mlops.approvals.tokens import TokenError
from mlops.bootstrap import services
from mlops.store import AlreadyDecided, ApprovalRecord, Ballot
from triggers.http_identity import caller, refusal
from triggers.http_responses import error, json_response

bp = df.Blueprint()
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
}


@bp.route(route="approvals/{token}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
async def show_approval(req: func.HttpRequest) -> func.HttpResponse:
    """200 with the run summary and a confirm form; 302 to sign in; 403 not an approver or the requester
    approving; 409 already decided; 400/403/404/410 bad or late links."""
    refused = await _signed_in_approver(req)
    if refused is not None:
        return refused
    svc = await services()
    token, principal = req.route_params.get("token", ""), caller(req)
    try:
        opened = await open_link(svc.store, svc.settings.approval_signing_keys, token, principal, datetime.now(UTC))
    except (TokenError, LinkRefused) as exc:
        return _refused(req, exc)
    if opened.prior is not None:
        return _already(req, opened.prior)
    if _wants_json(req):
        claims = opened.claims
        body = {"run_id": claims.run_id, "decision": claims.decision, "expires_at": claims.expires_at.isoformat()}
        return json_response(body | {"csrf": opened.csrf}, headers=_HEADERS)
    return _html(page.confirm_page(opened, principal.name), 200)


@bp.route(route="approvals/{token}", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@bp.durable_client_input(client_name="client")
async def confirm_approval(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """202 once the signed-in approver's vote is recorded (raised when it decides the run); 403 without the
    page's CSRF token; 409 replayed/already decided/already voted; 410 after the deadline; 4xx bad links."""
    refused = await _signed_in_approver(req)
    if refused is not None:
        return refused
    form = {k: v[0].strip() for k, v in parse_qs(req.get_body().decode("utf-8", "replace")).items() if v}
    svc = await services()
    token, keys = req.route_params.get("token", ""), svc.settings.approval_signing_keys
    try:
        ballot = await confirm_link(svc.store, keys, token, caller(req), form, client.raise_event, datetime.now(UTC))
    except (TokenError, LinkRefused) as exc:
        return _refused(req, exc)
    except AlreadyDecided as exc:
        return _already(req, exc.existing)
    except decide.REFUSALS as exc:
        status, code, message = decide.refusal(exc)
        return _problem(req, status, code, "This decision was not recorded", message)
    if _wants_json(req):
        return json_response(_ballot(ballot) | {"status": "accepted"}, 202, headers=_HEADERS)
    return _html(page.decided_page(ballot), 202)


async def _signed_in_approver(req: func.HttpRequest) -> func.HttpResponse | None:
    """None for a signed-in approver; a browser (it accepts HTML) without a session goes to sign-in, other
    clients get 401 (the document's answer to a missing Authorization header), or 403/503."""
    refused = await refusal(req, APPROVER)
    if refused is None or refused.status_code != 401 or "text/html" not in req.headers.get("accept", ""):
        return refused
    back = quote(_path(req), safe="/")
    return func.HttpResponse(
        status_code=302, headers={**_HEADERS, "Location": f"/.auth/login/aad?post_login_redirect_uri={back}"}
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


def _ballot(ballot: Ballot) -> dict[str, object]:
    vote = ballot.vote
    return {
        "run_id": vote.run_id,
        "decision": vote.decision,
        "approver": vote.approver,
        "via": vote.via,
        "comment": vote.comment,
        "decided_at": vote.decided_at.isoformat(),
        "approvals": decide.tally(ballot),
        "decided": ballot.outcome is not None,
    }


def _wants_json(req: func.HttpRequest) -> bool:
    accept = req.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _html(body: str, status: int) -> func.HttpResponse:
    return func.HttpResponse(body, status_code=status, mimetype="text/html", charset="utf-8", headers=_HEADERS)
