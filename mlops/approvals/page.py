"""The decision page served behind a card's Approve/Reject buttons: plain HTML, every value escaped.

GET renders the run's summary and a confirm form (link previews and scanners only ever GET, so they
cannot decide); the form POSTs back to the same URL.
"""

from __future__ import annotations

from html import escape

from mlops.approvals.flow import OpenedLink
from mlops.store import ApprovalRecord, Ballot, VoteRecord

_STYLE = (
    "body{font-family:Segoe UI,Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}"
    "th{text-align:left;padding-right:1rem}label{display:block;margin-top:.8rem}"
    "input,textarea{width:100%}button{margin-top:1rem;padding:.5rem 1.5rem}"
)
_VERBS = {"approve": "Approve", "reject": "Reject"}


def _document(title: str, content: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{content}</body></html>"
    )


def _rows(pairs: list[tuple[str, object]]) -> str:
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in pairs if v is not None)
    return f"<table>{cells}</table>"


def confirm_page(opened: OpenedLink, principal: str) -> str:
    """Summary of the run and the form that confirms the link's decision."""
    run, claims = opened.run, opened.claims
    verb = _VERBS[claims.decision]
    summary = _rows(
        [
            ("Run", run.run_id),
            ("Status", run.status),
            ("Base model", run.model_id),
            ("Model version", claims.model_version),
            ("Dataset", run.dataset),
            ("MLScore", None if run.ml_score is None else f"{run.ml_score:.3f}"),
            ("Threshold", f"{run.ml_score_threshold:.3f}"),
            ("Started by", run.created_by or "unknown"),
            ("Decide before", claims.expires_at.isoformat()),
        ]
    )
    who = f"<p>Signed in as <strong>{escape(principal)}</strong>.</p>"
    csrf = f'<input type="hidden" name="csrf" value="{escape(opened.csrf)}">'
    form = (
        f'<form method="post">{csrf}{who}<label>Comment<textarea name="comment" maxlength="4000"></textarea></label>'
        f'<button type="submit" name="confirm" value="{escape(claims.decision)}">{verb} this model</button></form>'
    )
    return _document(f"{verb} run {run.run_id}?", summary + form)


def decided_page(ballot: Ballot) -> str:
    """The vote just recorded, and whether it decided the run ("1 of 2 approvals" when more are needed)."""
    vote = ballot.vote
    verb = "approved" if vote.decision == "approve" else "rejected"
    rows = [*_decision_rows(vote), ("Approvals", f"{ballot.approvals} of {ballot.required}")]
    if ballot.outcome is not None:
        return _document(f"Run {verb}", _rows(rows) + "<p>The release pipeline has been notified.</p>")
    return _document("Approval recorded", _rows(rows) + "<p>More approvals are needed before the release.</p>")


def already_decided_page(record: ApprovalRecord) -> str:
    """Why a replay, a double click or a second approver changed nothing."""
    text = f"Already decided by {record.approver} at {record.decided_at.isoformat()}"
    return _document(text, _rows(_decision_rows(record)) + "<p>Nothing was changed.</p>")


def refused_page(title: str, message: str) -> str:
    """A link that cannot decide anything, and why."""
    return _document(title, f"<p>{escape(message)}</p><p>Nothing was changed.</p>")


def _decision_rows(record: ApprovalRecord | VoteRecord) -> list[tuple[str, object]]:
    return [
        ("Run", record.run_id),
        ("Decision", record.decision),
        ("Decided by", record.approver),
        ("Decided at", record.decided_at.isoformat()),
        ("Through", record.via),
        ("Comment", record.comment),
    ]
