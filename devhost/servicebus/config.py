"""Config.json (the official Service Bus emulator format) -> typed, validated topology."""

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from devhost.servicebus import config_fields as f
from devhost.servicebus.errors import SqlFilterError, TopologyConfigError
from devhost.servicebus.filters import CORRELATION_KEYS, CorrelationFilter, MessageFilter, TrueFilter
from devhost.servicebus.sql_filter import parse_sql_filter

log = logging.getLogger(__name__)
EMULATOR_NAMESPACE = "sbemulatorns"
LOGGING_TYPES = frozenset({"File", "Console", "File,Console", "Console,File"})


@dataclass(frozen=True)
class Rule:
    """A named subscription rule and its filter."""

    name: str
    filter: MessageFilter


@dataclass(frozen=True)
class Subscription:
    """A topic subscription: its delivery settings and rules (no rules = every message)."""

    name: str
    max_delivery_count: int = 3
    lock_duration: timedelta = timedelta(minutes=1)
    default_ttl: timedelta = timedelta(hours=1)
    dead_letter_on_expiration: bool = False
    rules: tuple[Rule, ...] = (Rule("$Default", TrueFilter()),)


@dataclass(frozen=True)
class Topic:
    """A topic and its subscriptions."""

    name: str
    default_ttl: timedelta
    subscriptions: tuple[Subscription, ...]
    # RequiresDuplicateDetection: a message id seen within the window is accepted and dropped.
    duplicate_window: timedelta | None = None

    def subscription(self, name: str) -> Subscription | None:
        """The subscription called `name` (entity names are case-insensitive), if any."""
        return next((s for s in self.subscriptions if s.name.lower() == name.lower()), None)


@dataclass(frozen=True)
class Topology:
    """The namespace's topics, as the emulator's Config.json describes them."""

    namespace: str
    topics: tuple[Topic, ...]
    logging_type: str

    def topic(self, name: str) -> Topic | None:
        """The topic called `name` (case-insensitive), if any."""
        return next((t for t in self.topics if t.name.lower() == name.lower()), None)


def load_topology(path: Path) -> Topology:
    """Read and validate the Config.json at `path`: strict JSON, as the official emulator reads it (it reports
    a file it cannot parse, comments included, as "Out of memory"), so a file devhost accepts works there too."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TopologyConfigError(f"cannot read {path}: {exc}") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TopologyConfigError(f"{path} is not valid JSON (strict: no comments): {exc}") from exc
    return parse_topology(document)


def parse_topology(document: Any) -> Topology:
    """Validate a decoded Config.json document; raise TopologyConfigError naming the bad field."""
    user = f.require_object(f.require_object(document, "$").get("UserConfig"), "UserConfig")
    namespaces = f.require_list(user.get("Namespaces"), "UserConfig.Namespaces")
    if len(namespaces) != 1:
        raise TopologyConfigError("UserConfig.Namespaces must hold exactly one namespace")
    path = "UserConfig.Namespaces[0]"
    namespace = f.require_object(namespaces[0], path)
    if namespace.get("Name") != EMULATOR_NAMESPACE:
        found = namespace.get("Name")
        raise TopologyConfigError(f"{path}.Name must be {EMULATOR_NAMESPACE!r}, got {found!r}")
    topics = tuple(
        _topic(item, f"{path}.Topics[{i}]")
        for i, item in enumerate(f.require_list(namespace.get("Topics"), f"{path}.Topics"))
    )
    _unique([t.name for t in topics], f"{path}.Topics")
    if f.require_list(namespace.get("Queues"), f"{path}.Queues"):
        log.warning("%s.Queues are ignored: the local broker serves topics only", path)
    logs = f.require_object(user.get("Logging"), "UserConfig.Logging")
    if logs.get("Type") not in LOGGING_TYPES:
        raise TopologyConfigError(f"UserConfig.Logging.Type must be one of {sorted(LOGGING_TYPES)}")
    return Topology(EMULATOR_NAMESPACE, topics, logs["Type"])


def _topic(item: Any, path: str) -> Topic:
    obj = f.require_object(item, path)
    props = f.require_object(obj.get("Properties", {}), f"{path}.Properties")
    raw_subs = f.require_list(obj.get("Subscriptions"), f"{path}.Subscriptions")
    subscriptions = tuple(_subscription(s, f"{path}.Subscriptions[{i}]") for i, s in enumerate(raw_subs))
    _unique([s.name for s in subscriptions], f"{path}.Subscriptions")
    ttl = f.duration(props, "DefaultMessageTimeToLive", f"{path}.Properties", timedelta(hours=1))
    window = f.duration(props, "DuplicateDetectionHistoryTimeWindow", f"{path}.Properties", timedelta(seconds=20))
    detect = f.boolean(props, "RequiresDuplicateDetection", f"{path}.Properties", False)
    return Topic(f.entity_name(obj, path), ttl, subscriptions, window if detect else None)


def _subscription(item: Any, path: str) -> Subscription:
    obj = f.require_object(item, path)
    props = f.require_object(obj.get("Properties", {}), f"{path}.Properties")
    ppath = f"{path}.Properties"
    raw_rules = f.require_list(obj.get("Rules"), f"{path}.Rules")
    rules = tuple(_rule(r, f"{path}.Rules[{i}]") for i, r in enumerate(raw_rules))
    _unique([r.name for r in rules], f"{path}.Rules")
    return Subscription(
        name=f.entity_name(obj, path),
        max_delivery_count=f.bounded_int(props, "MaxDeliveryCount", ppath, 3, (1, 10)),
        lock_duration=f.duration(props, "LockDuration", ppath, timedelta(minutes=1)),
        default_ttl=f.duration(props, "DefaultMessageTimeToLive", ppath, timedelta(hours=1)),
        dead_letter_on_expiration=f.boolean(props, "DeadLetteringOnMessageExpiration", ppath, False),
        rules=rules or (Rule("$Default", TrueFilter()),),
    )


def _rule(item: Any, path: str) -> Rule:
    obj = f.require_object(item, path)
    name = f.entity_name(obj, path) if obj.get("Name") != "$Default" else "$Default"
    props = f.require_object(obj.get("Properties"), f"{path}.Properties")
    action = f.optional_str(f.require_object(props.get("Action", {}), f"{path}.Action"), "SqlExpression", path)
    if action:
        log.warning("%s.Properties.Action %r is ignored: the local broker does not apply rule actions", path, action)
    kind = props.get("FilterType")
    if kind == "Sql":
        sql = f.require_object(props.get("SqlFilter"), f"{path}.Properties.SqlFilter")
        expression = f.optional_str(sql, "SqlExpression", f"{path}.Properties.SqlFilter") or ""
        try:
            return Rule(name, parse_sql_filter(expression))
        except SqlFilterError as exc:
            raise TopologyConfigError(f"{path}.Properties.SqlFilter.SqlExpression: {exc}") from exc
    if kind == "Correlation":
        correlation = props.get("CorrelationFilter")
        return Rule(name, _correlation(correlation, f"{path}.Properties.CorrelationFilter"))
    raise TopologyConfigError(f"{path}.Properties.FilterType must be 'Sql' or 'Correlation', got {kind!r}")


def _correlation(item: Any, path: str) -> CorrelationFilter:
    obj = f.require_object(item, path)
    unknown = set(obj) - set(CORRELATION_KEYS) - {"Properties"}
    if unknown or not obj:
        raise TopologyConfigError(f"{path} must set some of {sorted(CORRELATION_KEYS)}, Properties")
    system = {CORRELATION_KEYS[k]: f.optional_str(obj, k, path) or "" for k in obj if k != "Properties"}
    properties = f.require_object(obj.get("Properties", {}), f"{path}.Properties")
    return CorrelationFilter(system, properties)


def _unique(names: list[str], path: str) -> None:
    folded = [n.lower() for n in names]
    duplicates = sorted({n for n in folded if folded.count(n) > 1})
    if duplicates:
        raise TopologyConfigError(f"{path} has duplicate names (case-insensitive): {duplicates}")
