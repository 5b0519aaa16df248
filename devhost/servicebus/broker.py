"""LocalServiceBusBroker: an AMQP 1.0 Service Bus stand-in the real azure-servicebus SDK talks to."""

import logging
import threading
from pathlib import Path

from devhost.servicebus.config import Topology
from devhost.servicebus.errors import BrokerStartError
from devhost.servicebus.handler import BrokerHandler
from devhost.servicebus.inspection import ReceivedInfo, received_info
from devhost.servicebus.reactor import STOP_GRACE_SECONDS, ReactorDriver, quiet_proton
from devhost.servicebus.state import BrokerState
from devhost.servicebus.store import MessageStore

log = logging.getLogger(__name__)
START_TIMEOUT_SECONDS = 10.0


class LocalServiceBusBroker:
    """Serves a topology on `host:port` (0 = a free port) from a background reactor thread."""

    def __init__(
        self, topology: Topology, host: str = "127.0.0.1", port: int = 5672, store_path: Path | None = None
    ) -> None:
        self.topology = topology
        self.host = host
        self.port = port
        self._store_path = store_path
        self._state: BrokerState | None = None
        self._driver: ReactorDriver | None = None
        self._thread: threading.Thread | None = None

    @property
    def connection_string(self) -> str:
        """The emulator-style connection string (plain AMQP, any SAS key accepted)."""
        return (
            f"Endpoint=sb://{self.host}:{self.port};SharedAccessKeyName=RootManageSharedAccessKey;"
            "SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"
        )

    def start(self) -> None:
        """Load stored messages, start the reactor thread and return once it is listening."""
        if self._thread is not None:
            raise BrokerStartError("broker already started")
        quiet_proton()
        state = BrokerState(self.topology, MessageStore(self._store_path))
        driver = ReactorDriver(self.host, self.port, BrokerHandler(state))
        thread = threading.Thread(target=driver.run, name="servicebus-broker", daemon=True)
        thread.start()
        if not driver.listening.wait(START_TIMEOUT_SECONDS) or driver.error is not None:
            thread.join(STOP_GRACE_SECONDS)
            driver.release()
            state.close()
            raise BrokerStartError(f"cannot listen on {self.host}:{self.port}: {driver.error}")
        self._state, self._driver, self._thread, self.port = state, driver, thread, driver.port
        log.info("local Service Bus broker listening on %s:%d", self.host, self.port)

    def stop(self) -> None:
        """Close client connections, stop the reactor thread and close the store."""
        if self._thread is None or self._driver is None or self._state is None:
            return
        self._driver.request_stop()
        self._thread.join(STOP_GRACE_SECONDS + 5)
        if self._thread.is_alive():
            log.error("broker reactor thread did not stop in time")
        self._driver.release()
        self._state.close()
        self._state = self._driver = self._thread = None

    def dead_letters(self, topic: str, subscription: str) -> list[ReceivedInfo]:
        """The messages in a subscription's dead-letter queue, in sequence order."""
        state = self._running_state()
        key = state.resolve(f"{topic}/Subscriptions/{subscription}").dead_letter_queue()
        return [received_info(e) for e in state.snapshot(key)]

    def active_count(self, topic: str, subscription: str) -> int:
        """How many messages (locked or not) a subscription holds, its dead-letter queue excluded."""
        state = self._running_state()
        return len(state.snapshot(state.resolve(f"{topic}/Subscriptions/{subscription}")))

    def _running_state(self) -> BrokerState:
        if self._state is None:
            raise BrokerStartError("broker not started")
        return self._state
