"""What an attaching AMQP link is for, and how the broker answers the attach."""

from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlparse

from proton import Condition, Link

from devhost.servicebus.errors import EntityNotFoundError
from devhost.servicebus.management import CBS_NODE, MANAGEMENT_NODE
from devhost.servicebus.queues import EntityKey
from devhost.servicebus.state import BrokerState

MAX_MESSAGE_SIZE = 256 * 1024  # Service Bus Standard tier


class Role(Enum):
    """The broker-side purpose of a link."""

    PUBLISHER = "publisher"  # client sends messages to a topic
    CONSUMER = "consumer"  # client receives from a subscription or its dead-letter queue
    REQUESTS = "requests"  # client sends $cbs / $management requests
    REPLIES = "replies"  # client receives $cbs / $management responses


@dataclass(frozen=True)
class Binding:
    """A link's role; `node` is the topic name or request node, `key` the consumed entity."""

    role: Role
    node: str
    key: EntityKey | None = None
    peek_lock: bool = True


def entity_path(address: str | None) -> str:
    """`amqps://host:port/a/b`, `sb://host/a/b` or `a/b` -> `a/b`."""
    if not address:
        return ""
    path = urlparse(address).path if "://" in address else address
    return path.strip("/")


def _is_node(path: str) -> bool:
    return path == CBS_NODE or path.rsplit("/", 1)[-1].lower() == MANAGEMENT_NODE


def bind(state: BrokerState, link: Link) -> Binding:
    """The binding of a remotely opened link; raise EntityNotFoundError for unknown addresses."""
    if link.is_receiver:
        path = entity_path(link.remote_target.address)
        if _is_node(path):
            return Binding(Role.REQUESTS, path)
        topic = state.topology.topic(path)
        if topic is None:
            raise EntityNotFoundError(f"no topic {path!r} (senders attach to a topic)")
        return Binding(Role.PUBLISHER, topic.name)
    path = entity_path(link.remote_source.address)
    if _is_node(path):
        return Binding(Role.REPLIES, path)
    peek_lock = link.remote_snd_settle_mode != Link.SND_SETTLED
    return Binding(Role.CONSUMER, path, state.resolve(path), peek_lock)


def accept(link: Link) -> None:
    """Open the broker's end, echoing the peer's terminus addresses and settlement modes."""
    link.source.copy(link.remote_source)
    link.target.copy(link.remote_target)
    link.snd_settle_mode = link.remote_snd_settle_mode
    link.rcv_settle_mode = link.remote_rcv_settle_mode
    link.max_message_size = MAX_MESSAGE_SIZE
    link.open()


def refuse(link: Link, condition: str, description: str) -> None:
    """Answer the attach, then detach with an error (the AMQP way to refuse a link)."""
    link.source.copy(link.remote_source)
    link.target.copy(link.remote_target)
    link.open()
    link.condition = Condition(condition, description)
    link.close()
