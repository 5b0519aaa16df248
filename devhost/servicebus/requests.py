"""Answering `$cbs` and `$management` request messages on the link the client listens on."""

from proton import Message, Sender

from devhost.servicebus.management import CBS_NODE, cbs_response, management_response
from devhost.servicebus.state import BrokerState


def answer(state: BrokerState, node: str, raw: bytes) -> Message:
    """The response to the encoded request `raw` sent to `node`."""
    request = Message()
    request.decode(raw)
    if node == CBS_NODE:
        return cbs_response(request)
    return management_response(state, node, request)


def send_reply(link: Sender, response: Message) -> None:
    """Send `response`, settled at once when the link is in pre-settled mode."""
    delivery = link.delivery(str(response.correlation_id))
    link.send(response.encode())
    link.advance()
    if link.snd_settle_mode == Sender.SND_SETTLED:
        delivery.settle()
