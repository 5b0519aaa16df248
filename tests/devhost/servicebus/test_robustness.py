"""One misbehaving client must not take the broker down for the others."""

import socket

from azure.servicebus import ServiceBusClient, ServiceBusMessage
from proton import Delivery
from proton.utils import BlockingConnection

from devhost.servicebus import LocalServiceBusBroker

from .conftest import TOPIC, Collect


def test_garbage_clients_do_not_stop_the_broker(
    broker: LocalServiceBusBroker, client: ServiceBusClient, collect: Collect
) -> None:
    with socket.create_connection((broker.host, broker.port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert raw.recv(8) == b"AMQP\x00\x01\x00\x00"  # proton answers with its header, then a framing error

    connection = BlockingConnection(f"{broker.host}:{broker.port}", sasl_enabled=False, timeout=5)
    try:
        sender = connection.create_sender(TOPIC)
        delivery = sender.link.delivery("garbage")
        sender.link.send(b"\x00\x53\x75\xff\xfe")  # a Data section header with a broken body
        sender.link.advance()
        connection.wait(lambda: bool(delivery.remote_state), msg="no outcome for the garbage message")
        assert delivery.remote_state == Delivery.REJECTED
        assert delivery.remote.condition is not None and delivery.remote.condition.name == "amqp:decode-error"
    finally:
        connection.close()

    with client.get_topic_sender(TOPIC) as sb_sender:
        sb_sender.send_messages(ServiceBusMessage("{}", application_properties={"event_type": "run.created"}))
    with client.get_subscription_receiver(TOPIC, "sub-orchestrator") as receiver:
        [message] = collect(receiver, 1)
        receiver.complete_message(message)
