"""AMQP message bytes as Service Bus handles them: sections, batches, broker annotations."""

from dataclasses import dataclass
from typing import Any

from proton import Array, Data, DataException, Described, symbol, uint, ulong

from devhost.servicebus.errors import AmqpCodecError
from devhost.servicebus.filters import MessageView

HEADER, DELIVERY_ANNOTATIONS, MESSAGE_ANNOTATIONS = 0x70, 0x71, 0x72
PROPERTIES, APPLICATION_PROPERTIES, DATA, AMQP_VALUE, FOOTER = 0x73, 0x74, 0x75, 0x77, 0x78
_SECTION_CODES = range(HEADER, FOOTER + 1)
# Positions in the properties section -> Service Bus system property names (lower case).
_SYSTEM_PROPERTIES = {
    0: "messageid",
    2: "to",
    3: "label",
    4: "replyto",
    5: "correlationid",
    6: "contenttype",
    10: "sessionid",
    12: "replytosessionid",
}


@dataclass(frozen=True)
class Section:
    """One encoded message section: its descriptor code, its bytes and its decoded value."""

    code: int
    raw: bytes
    value: Any


def split_sections(raw: bytes) -> list[Section]:
    """Split an encoded message into its sections; raise AmqpCodecError if it is not one."""
    sections: list[Section] = []
    offset = 0
    while offset < len(raw):
        data = Data()
        try:
            consumed = data.decode(raw[offset:])
            data.rewind()
            data.next()
            item = _detach(data.get_object())
        except (DataException, TypeError, ValueError) as exc:
            raise AmqpCodecError(f"undecodable AMQP section at byte {offset}: {exc}") from exc
        code = item.descriptor if isinstance(item, Described) else None
        if not isinstance(code, int) or code not in _SECTION_CODES:
            raise AmqpCodecError(f"byte {offset} does not start a message section")
        sections.append(Section(int(code), raw[offset : offset + consumed], item.value))
        offset += consumed
    if not sections:
        raise AmqpCodecError("empty message")
    return sections


def _detach(value: Any) -> Any:
    """Copy binary values out of proton's buffers (its memoryviews die with the Data object)."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, Described):
        return Described(value.descriptor, _detach(value.value))
    if isinstance(value, dict):
        return type(value)({_detach(k): _detach(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_detach(v) for v in value]
    return value


def unpack_batch(raw: bytes) -> list[bytes]:
    """The messages in a transfer: the inner messages of a batch (format 0x80013700), else `raw` itself.

    Proton does not expose the transfer's message format, so a batch is recognised by its shape:
    a body of Data sections that each hold a complete encoded message.
    """
    sections = split_sections(raw)
    bodies = [bytes(s.value) for s in sections if s.code == DATA]
    if not bodies or any(s.code not in (HEADER, MESSAGE_ANNOTATIONS, PROPERTIES, DATA) for s in sections):
        return [raw]
    try:
        for body in bodies:
            split_sections(body)
    except AmqpCodecError:
        return [raw]
    return bodies


def _encode(code: int, value: Any) -> bytes:
    data = Data()
    data.put_object(Described(ulong(code), value))
    return bytes(data.encode())


def restamp(raw: bytes, delivery_count: int, annotations: dict[str, Any]) -> bytes:
    """`raw` with the broker's header delivery-count and message annotations merged in."""
    sections = split_sections(raw)
    header = next((list(s.value) for s in sections if s.code == HEADER), [])
    header += [None] * (5 - len(header))
    header[4] = uint(delivery_count)
    merged = dict(next((s.value for s in sections if s.code == MESSAGE_ANNOTATIONS), None) or {})
    merged.update({symbol(k): v for k, v in annotations.items()})
    rest = b"".join(s.raw for s in sections if s.code > MESSAGE_ANNOTATIONS)
    return _encode(HEADER, header) + _encode(MESSAGE_ANNOTATIONS, merged) + rest


def with_application_properties(raw: bytes, extra: dict[str, Any]) -> bytes:
    """`raw` with `extra` added to (or replacing entries of) its application properties."""
    sections = split_sections(raw)
    props = dict(next((s.value for s in sections if s.code == APPLICATION_PROPERTIES), None) or {})
    props.update(extra)
    before = b"".join(s.raw for s in sections if s.code < APPLICATION_PROPERTIES)
    after = b"".join(s.raw for s in sections if s.code > APPLICATION_PROPERTIES)
    return before + _encode(APPLICATION_PROPERTIES, props) + after


def header_ttl_ms(raw: bytes) -> int | None:
    """The header's time-to-live in milliseconds, if the sender set one."""
    header = next((s.value for s in split_sections(raw) if s.code == HEADER), None)
    return int(header[2]) if header and len(header) > 2 and header[2] is not None else None


def application_properties(raw: bytes) -> dict[str, Any]:
    """The application properties with plain string keys."""
    props = next((s.value for s in split_sections(raw) if s.code == APPLICATION_PROPERTIES), None)
    return {str(k): v for k, v in (props or {}).items()}


def message_view(raw: bytes, sequence_number: int) -> MessageView:
    """What subscription rules see of the message."""
    properties = next((s.value for s in split_sections(raw) if s.code == PROPERTIES), None) or []
    system: dict[str, Any] = {
        name: properties[i]
        for i, name in _SYSTEM_PROPERTIES.items()
        if i < len(properties) and properties[i] is not None
    }
    system.update(sequencenumber=sequence_number, size=len(raw))
    return MessageView(system, application_properties(raw))


def body_bytes(raw: bytes) -> bytes:
    """The body: Data sections concatenated, or a string/binary AMQP value as bytes."""
    sections = split_sections(raw)
    data = [bytes(s.value) for s in sections if s.code == DATA]
    if data:
        return b"".join(data)
    value = next((s.value for s in sections if s.code == AMQP_VALUE), None)
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value) if isinstance(value, bytes | memoryview) else repr(value).encode("utf-8")


def as_list(value: Any) -> list[Any]:
    """An AMQP list or array value as a Python list."""
    return list(value.elements) if isinstance(value, Array) else list(value or [])
