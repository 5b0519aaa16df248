"""The reactor thread: proton's event loop with listening, expiry ticks and a cross-thread stop."""

import logging
import os
import threading
import time

from proton import Event, Handler
from proton._reactor import Acceptor
from proton.reactor import ApplicationEvent, Container, EventInjector

from devhost.servicebus.handler import BrokerHandler

log = logging.getLogger(__name__)
TICK_SECONDS = 0.2
STOP_GRACE_SECONDS = 1.0


class _PeerGoneFilter(logging.Filter):
    """Drops proton's error lines for clients that closed their socket without waiting for our close."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (
            message.startswith(("Couldn't send", "Couldn't recv"))
            and ("BrokenPipe" in message or "ConnectionReset" in message)
        )


def quiet_proton() -> None:
    """Install the filter once on proton's logger."""
    proton_log = logging.getLogger("proton")
    if not any(isinstance(f, _PeerGoneFilter) for f in proton_log.filters):
        proton_log.addFilter(_PeerGoneFilter())


class ReactorDriver(Handler):
    """Reactor-thread side: listen, tick lock/TTL expiry, stop on request."""

    def __init__(self, host: str, port: int, handler: BrokerHandler) -> None:
        super().__init__()
        self.handlers = [handler]
        self.host, self.port = host, port
        self.listening = threading.Event()
        self.error: BaseException | None = None
        self._handler = handler
        self._injector = EventInjector()
        self._acceptor: Acceptor | None = None
        self._stop_deadline: float | None = None

    def run(self) -> None:
        """Run the reactor until stopped; errors are logged, never raised out of the thread."""
        container = Container(self)
        container.selectable(self._injector)
        try:
            container.run()
        except BaseException as exc:
            log.exception("local Service Bus broker reactor stopped on an error")
            self.error = exc
        finally:
            self.listening.set()

    def request_stop(self) -> None:
        """Ask the reactor thread to shut down (callable from any thread)."""
        self._injector.trigger(ApplicationEvent("broker_stop"))

    def release(self) -> None:
        """Close the wake-up pipe once the reactor thread is gone."""
        for fd in self._injector.pipe:
            os.close(fd)

    def on_reactor_init(self, event: Event) -> None:
        self._acceptor = event.container.acceptor(self.host, str(self.port))
        # Proton has no public accessor for the bound address; its acceptor wraps the listening socket.
        self.port = self._acceptor._selectable.getsockname()[1]
        self.listening.set()
        event.container.schedule(TICK_SECONDS, self)

    def on_timer_task(self, event: Event) -> None:
        if self._stop_deadline is not None:
            if not self._handler.connections or time.monotonic() >= self._stop_deadline:
                self._handler.drop_all()
                event.container.stop()
                return
        else:
            try:
                self._handler.pump(self._handler.state.expire())
            except Exception:
                log.exception("local Service Bus broker: lock/TTL expiry failed")
        event.container.schedule(TICK_SECONDS, self)

    def on_broker_stop(self, event: Event) -> None:
        self._stop_deadline = time.monotonic() + STOP_GRACE_SECONDS
        if self._acceptor is not None:
            self._acceptor.close()
        self._handler.close_all()
        self._injector.close()
