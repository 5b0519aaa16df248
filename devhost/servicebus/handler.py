"""The proton event handler: AMQP endpoints in, broker state changes and deliveries out."""

import logging
from collections.abc import Callable
from typing import TypeVar

from proton import Condition, Connection, Delivery, Endpoint, Event, Handler, Link, Receiver, Sender

from devhost.servicebus import amqp_codec as codec
from devhost.servicebus import links, requests
from devhost.servicebus.errors import AmqpCodecError, EntityNotFoundError
from devhost.servicebus.links import Binding, Role
from devhost.servicebus.outbound import apply_outcome, send_available
from devhost.servicebus.queues import EntityKey
from devhost.servicebus.state import BrokerState

log = logging.getLogger(__name__)
CREDIT = 100
_T = TypeVar("_T")


def _required(value: _T | None) -> _T:
    if value is None:
        raise ValueError("proton event without the endpoint its type implies")
    return value


class BrokerHandler(Handler):
    """Serves every connection; a failure in one client's event closes that connection only."""

    def __init__(self, state: BrokerState) -> None:
        super().__init__()
        self.state = state
        self.bindings: dict[Link, Binding] = {}
        self.connections: set[Connection] = set()
        self._actions: dict[str, Callable[[Event], None]] = {
            "on_connection_remote_open": self._connection_opened,
            "on_connection_remote_close": lambda e: self._close(_required(e.connection)),
            "on_transport_closed": self._transport_closed,
            "on_session_remote_open": lambda e: _required(e.session).open(),
            "on_session_remote_close": lambda e: _required(e.session).close(),
            "on_link_remote_open": lambda e: self._link_opened(_required(e.link)),
            "on_link_remote_close": lambda e: self._link_closed(_required(e.link)),
            "on_link_flow": lambda e: self._offer(_required(e.link)),
            "on_delivery": lambda e: self._delivery(_required(e.link), _required(e.delivery)),
        }

    def on_unhandled(self, method: str, event: Event) -> None:
        """Route proton events to the broker's actions, containing any failure to its connection."""
        action = self._actions.get(method)
        if action is None:
            return
        try:
            action(event)
        except Exception:
            log.exception("local Service Bus broker: %s failed; closing that connection", method)
            if event.connection is not None:
                event.connection.condition = Condition("amqp:internal-error", "broker error, see its log")
                self._close(event.connection)

    def pump(self, keys: set[EntityKey]) -> None:
        """Offer newly available messages of `keys` to their consumer links."""
        for link, binding in list(self.bindings.items()):
            if binding.key in keys:
                self._offer(link)

    def close_all(self) -> None:
        """Close every connection politely (broker shutdown)."""
        for connection in self.connections:
            self._close(connection)

    def drop_all(self) -> None:
        """Close the transports of connections whose peers did not answer the close."""
        for connection in list(self.connections):
            if connection.transport is not None:
                connection.transport.close_tail()
                connection.transport.close_head()

    def _close(self, connection: Connection) -> None:
        if not connection.state & Endpoint.LOCAL_CLOSED:
            connection.close()

    def _connection_opened(self, event: Event) -> None:
        connection = _required(event.connection)
        self.connections.add(connection)
        connection.open()

    def _transport_closed(self, event: Event) -> None:
        if event.connection is not None:
            self.connections.discard(event.connection)
            for link in [link for link in self.bindings if link.connection == event.connection]:
                del self.bindings[link]

    def _link_opened(self, link: Link) -> None:
        try:
            binding = links.bind(self.state, link)
        except EntityNotFoundError as exc:
            log.warning("refusing link %s: %s", link.name, exc)
            links.refuse(link, "amqp:not-found", str(exc))
            return
        links.accept(link)
        self.bindings[link] = binding
        if isinstance(link, Receiver):
            link.flow(CREDIT)
        self._offer(link)

    def _link_closed(self, link: Link) -> None:
        self.bindings.pop(link, None)
        if not link.state & Endpoint.LOCAL_CLOSED:
            link.close()

    def _offer(self, link: Link) -> None:
        binding = self.bindings.get(link)
        if binding is not None and binding.key is not None and isinstance(link, Sender):
            send_available(self.state, link, binding.key, binding.peek_lock)

    def _delivery(self, link: Link, delivery: Delivery) -> None:
        binding = self.bindings.get(link)
        if binding is None:
            delivery.settle()
        elif isinstance(link, Receiver):
            self._incoming(link, delivery, binding)
        elif binding.key is not None:
            if apply_outcome(self.state, binding.key, delivery):
                self.pump({binding.key})
        elif delivery.remote_state or delivery.settled:
            delivery.settle()

    def _incoming(self, link: Receiver, delivery: Delivery, binding: Binding) -> None:
        if delivery.aborted:
            delivery.settle()
            return
        if not delivery.readable or delivery.partial:
            return
        raw = bytes(_required(link.recv(delivery.pending)))
        link.advance()
        try:
            if binding.role is Role.PUBLISHER:
                self.pump(self.state.publish(binding.node, codec.unpack_batch(raw)))
            else:
                requests.send_reply(
                    self._reply_link(link.connection, binding.node),
                    requests.answer(self.state, binding.node, raw),
                )
            delivery.update(Delivery.ACCEPTED)
        except (AmqpCodecError, EntityNotFoundError) as exc:
            log.warning("rejecting a message sent to %s: %s", binding.node, exc)
            kind = "amqp:decode-error" if isinstance(exc, AmqpCodecError) else "amqp:not-found"
            delivery.local.condition = Condition(kind, str(exc))
            delivery.update(Delivery.REJECTED)
        delivery.settle()
        if link.credit < CREDIT // 2:
            link.flow(CREDIT - link.credit)

    def _reply_link(self, connection: Connection, node: str) -> Sender:
        for link, binding in self.bindings.items():
            if (
                isinstance(link, Sender)
                and link.connection == connection
                and binding.role is Role.REPLIES
                and binding.node == node
            ):
                return link
        raise EntityNotFoundError(f"no reply link attached for {node!r}")
