"""Request/response nodes: `$cbs` (claims-based auth) and the entities' `$management` nodes."""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from proton import Message, int32, symbol, timestamp

from devhost.servicebus import amqp_codec as codec
from devhost.servicebus.errors import EntityNotFoundError, SettlementNotAllowedError
from devhost.servicebus.queues import EntityKey
from devhost.servicebus.state import BrokerState

log = logging.getLogger(__name__)
CBS_NODE = "$cbs"
MANAGEMENT_NODE = "$management"
LOCK_LOST = "com.microsoft:message-lock-lost"


class _Failure(Exception):
    """A management request the broker answers with an error status."""

    def __init__(self, status: int, condition: str, description: str) -> None:
        super().__init__(description)
        self.status, self.condition, self.description = status, condition, description


def cbs_response(request: Message) -> Message:
    """Accept any put-token: the local broker does not check credentials (status 202, as Azure)."""
    log.debug("put-token for %s", as_map(request.properties).get("name"))
    status = {"status-code": int32(202), "status-description": "Accepted"}
    return Message(correlation_id=request.id, properties=status)


def management_response(state: BrokerState, node: str, request: Message) -> Message:
    """Answer one `$management` request; unsupported operations get 501, others their status."""
    operation = str(as_map(request.properties).get("operation", ""))
    try:
        key = state.resolve(node.rsplit("/", 1)[0])
        handler = _OPERATIONS.get(operation)
        if handler is None:
            raise _Failure(501, "amqp:not-implemented", f"operation {operation!r} is not supported locally")
        status, body = handler(state, key, as_map(request.body))
    except EntityNotFoundError as exc:
        return _reply(request, 404, "Not Found", None, ("com.microsoft:entity-not-found", str(exc)))
    except SettlementNotAllowedError as exc:
        return _reply(request, 400, "Bad Request", None, ("amqp:not-allowed", str(exc)))
    except _Failure as exc:
        return _reply(request, exc.status, exc.description, None, (exc.condition, exc.description))
    return _reply(request, status, "OK" if status == 200 else "No Content", body, None)


def as_map(value: Any) -> dict[str, Any]:
    """An AMQP map with string keys; anything else (e.g. no body) is empty."""
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _reply(request: Message, status: int, text: str, body: Any, error: tuple[str, str] | None) -> Message:
    props: dict[str, Any] = {"statusCode": int32(status), "statusDescription": text}
    if error is not None:
        props["errorCondition"] = symbol(error[0])
        props["statusDescription"] = error[1]
    return Message(correlation_id=request.id, properties=props, body=body)


def _tokens(body: dict[str, Any]) -> list[bytes]:
    """Lock tokens as delivery tags: the SDK sends UUID(bytes_le=tag)."""
    try:
        return [_uuid(token).bytes_le for token in codec.as_list(body.get("lock-tokens"))]
    except (TypeError, ValueError) as exc:
        raise _Failure(400, "amqp:invalid-field", f"lock-tokens must be UUIDs: {exc}") from exc


def _uuid(token: Any) -> uuid.UUID:
    return token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))


def _renew(state: BrokerState, key: EntityKey, body: dict[str, Any]) -> tuple[int, Any]:
    expirations = []
    for token in _tokens(body):
        until = state.renew(key, token)
        if until is None:
            raise _Failure(410, LOCK_LOST, "The lock on the message is lost or has expired.")
        expirations.append(timestamp(until))
    return 200, {"expirations": expirations}


def _peek(state: BrokerState, key: EntityKey, body: dict[str, Any]) -> tuple[int, Any]:
    entries = state.snapshot(key, int(body.get("from-sequence-number", 0)), int(body.get("message-count", 1)))
    messages = [{"message": peeked_message(e.seq, e.enqueued_ms, e.delivery_count, e.raw)} for e in entries]
    return (200, {"messages": messages}) if messages else (204, None)


def peeked_message(seq: int, enqueued_ms: int, delivery_count: int, raw: bytes) -> bytes:
    """A stored message as a receiver sees it, without lock information."""
    annotations = {"x-opt-sequence-number": seq, "x-opt-enqueued-time": timestamp(enqueued_ms)}
    return codec.restamp(raw, delivery_count, annotations)


def _dispose(state: BrokerState, key: EntityKey, body: dict[str, Any]) -> tuple[int, Any]:
    status = str(body.get("disposition-status", ""))
    for token in _tokens(body):
        if status == "completed":
            done = state.complete(key, token)
        elif status == "abandoned":
            done = state.abandon(key, token, failed=True)
        elif status == "suspended":
            reason, description = body.get("deadletter-reason"), body.get("deadletter-description")
            done = state.dead_letter(key, token, reason, description)
        else:
            raise _Failure(501, "amqp:not-implemented", f"disposition {status!r} is not supported locally")
        if not done:
            raise _Failure(410, LOCK_LOST, "The lock on the message is lost or has expired.")
    return 200, {}


_OPERATIONS: dict[str, Callable[[BrokerState, EntityKey, dict[str, Any]], tuple[int, Any]]] = {
    "com.microsoft:renew-lock": _renew,
    "com.microsoft:peek-message": _peek,
    "com.microsoft:update-disposition": _dispose,
}
