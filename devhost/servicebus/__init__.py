"""Local Service Bus: an AMQP 1.0 broker for the real azure-servicebus SDK, configured by Config.json."""

from devhost.servicebus.broker import LocalServiceBusBroker
from devhost.servicebus.config import Topology, load_topology, parse_topology
from devhost.servicebus.inspection import ReceivedInfo

__all__ = ["LocalServiceBusBroker", "ReceivedInfo", "Topology", "load_topology", "parse_topology"]
