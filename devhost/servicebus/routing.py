"""Addressing and routing: entity paths to subscriptions, messages to matching subscriptions."""

from devhost.servicebus import amqp_codec as codec
from devhost.servicebus.config import Subscription, Topic, Topology
from devhost.servicebus.errors import EntityNotFoundError
from devhost.servicebus.queues import EntityKey, milliseconds


def entity_settings(topology: Topology) -> dict[EntityKey, Subscription]:
    """Every entity of the topology (subscriptions and their dead-letter queues) with its settings."""
    settings: dict[EntityKey, Subscription] = {}
    for topic in topology.topics:
        for sub in topic.subscriptions:
            key = EntityKey(topic.name, sub.name)
            settings[key] = settings[key.dead_letter_queue()] = sub
    return settings


def resolve_entity(topology: Topology, path: str) -> EntityKey:
    """The entity at `<topic>/Subscriptions/<sub>[/$DeadLetterQueue]` (case-insensitive names)."""
    parts = path.strip("/").split("/")
    topic = topology.topic(parts[0])
    shape_ok = len(parts) in (3, 4) and parts[1].lower() == "subscriptions"
    dead_letter = len(parts) == 4 and parts[3].lower() == "$deadletterqueue"
    if topic is None or not shape_ok or (len(parts) == 4 and not dead_letter):
        raise EntityNotFoundError(f"no subscription entity at {path!r}")
    sub = topic.subscription(parts[2])
    if sub is None:
        raise EntityNotFoundError(f"topic {topic.name!r} has no subscription {parts[2]!r}")
    return EntityKey(topic.name, sub.name, dead_letter)


def resolve_topic(topology: Topology, name: str) -> Topic:
    """The topic called `name`, or EntityNotFoundError."""
    topic = topology.topic(name)
    if topic is None:
        raise EntityNotFoundError(f"no topic {name!r}")
    return topic


def routes(topic: Topic, raw: bytes, sequence_number: int) -> list[tuple[EntityKey, int]]:
    """Where copies of `raw` go (subscriptions with a matching rule) and each copy's time-to-live in ms.

    The time-to-live is the smallest of the message's, the topic's and the subscription's default.
    """
    view = codec.message_view(raw, sequence_number)
    message_ttl = codec.header_ttl_ms(raw)
    limits = [milliseconds(topic.default_ttl)] + ([message_ttl] if message_ttl else [])
    return [
        (EntityKey(topic.name, sub.name), min([*limits, milliseconds(sub.default_ttl)]))
        for sub in topic.subscriptions
        if any(rule.filter.matches(view) for rule in sub.rules)
    ]
