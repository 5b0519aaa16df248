"""Typed failures of the local Service Bus broker."""


class ServiceBusLocalError(Exception):
    """Base class of every error the local broker raises."""


class TopologyConfigError(ServiceBusLocalError):
    """Config.json is unreadable or does not describe a valid emulator topology."""


class SqlFilterError(ServiceBusLocalError):
    """A SQL filter expression cannot be parsed."""

    def __init__(self, message: str, expression: str, position: int) -> None:
        super().__init__(f"{message} at position {position} in SQL filter {expression!r}")
        self.expression = expression
        self.position = position


class BrokerStartError(ServiceBusLocalError):
    """The broker could not start listening."""


class AmqpCodecError(ServiceBusLocalError):
    """An AMQP message could not be split into its sections."""


class EntityNotFoundError(ServiceBusLocalError):
    """An address names no topic or subscription of the topology."""


class SettlementNotAllowedError(ServiceBusLocalError):
    """A settlement the entity does not allow (dead-lettering from a dead-letter queue)."""
