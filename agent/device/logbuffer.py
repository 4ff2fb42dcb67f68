"""The device's logging buffer: IOS syslog messages as ``show logging`` and ``terminal monitor`` see them.

Every IOS message of the agent (``%SSH-5-ENABLED: …``, ``%CRYPTO_ENGINE-5-KEY_ADDITION: …``, debug lines such as
``SNMP: Packet sent via UDP …``) is logged, one message per call, to the logger ``agent.syslog``. A
:class:`LogBuffer` is a handler on that logger only: it stamps each message the IOS way (``*Nov 24
10:15:02.123: …``; ``*`` because the clock is not NTP-synchronised), keeps the newest ``capacity`` of them
and hands each stamped line to the subscribed ``terminal monitor`` sessions. It stores the message text and
nothing else (no arguments, no exception or stack text), and it never sees other loggers, so what it holds is
exactly what IOS would print on a console.

Subscribers are called on the event loop they subscribed from (``call_soon_threadsafe`` when a message is
logged from a worker thread), or directly when they subscribed outside a loop.

The ``show logging`` header follows a real 17.x IOL capture; its counters are this buffer's own, the
levels are IOS's defaults, and the buffer size (``Log Buffer (N bytes)``) is the configured ``size_bytes``
(UNVERIFIED default; the buffer itself is bounded by message count).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

log = logging.getLogger(__name__)

SYSLOG_LOGGER = "agent.syslog"
DEFAULT_CAPACITY = 4096  # messages
DEFAULT_SIZE_BYTES = 102400  # what the header reports (UNVERIFIED as the C8000V default)

Subscriber = Callable[[str], None]


def ios_log_timestamp(created: float) -> str:
    """``*Nov 24 10:15:02.123`` for an epoch time (UTC; the day padded to two columns, ``*Mar  1``)."""
    t = datetime.fromtimestamp(created, UTC)
    return f"*{t:%b} {t.day:>2} {t:%H:%M:%S}.{t.microsecond // 1000:03d}"


def format_line(created: float, message: str) -> str:
    """One buffer line: ``*Nov 24 10:15:02.123: %SSH-5-ENABLED: SSH 2.0 has been enabled``."""
    return f"{ios_log_timestamp(created)}: {message}"


@dataclass(eq=False, slots=True)
class _Subscription:
    callback: Subscriber
    loop: asyncio.AbstractEventLoop | None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class LogBuffer(logging.Handler):
    """The newest ``capacity`` IOS messages logged to ``agent.syslog``, plus the ``terminal monitor`` feed.

    Attaches itself to ``logger_name`` at once (``None``: not attached; :meth:`attach` later); :meth:`close`
    detaches it. If that logger has no level of its own it is set to DEBUG, so the buffer receives IOS
    messages whatever the root logger's level (the root's handlers then also print them, like a console).
    """

    def __init__(
        self,
        capacity: int = DEFAULT_CAPACITY,
        *,
        size_bytes: int = DEFAULT_SIZE_BYTES,
        logger_name: str | None = SYSLOG_LOGGER,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        super().__init__(logging.DEBUG)
        self.capacity = capacity
        self.size_bytes = size_bytes
        self.logged = 0  # messages received since start (IOS "messages logged")
        self.monitor_logged = 0  # lines handed to terminal monitors
        self._lines: collections.deque[str] = collections.deque(maxlen=capacity)
        self._subscriptions: list[_Subscription] = []
        self._logger: logging.Logger | None = None
        if logger_name is not None:
            self.attach(logger_name)

    # -- wiring ---------------------------------------------------------------------------------------------
    def attach(self, logger_name: str = SYSLOG_LOGGER) -> LogBuffer:
        """Receive what is logged to ``logger_name`` (and its children); returns self."""
        self.detach()
        logger = logging.getLogger(logger_name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        self._logger = logger
        return self

    def detach(self) -> None:
        """Stop receiving messages."""
        if self._logger is not None:
            self._logger.removeHandler(self)
            self._logger = None

    def close(self) -> None:
        self.detach()
        super().close()

    # -- logging.Handler ------------------------------------------------------------------------------------
    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage().rstrip()
        except Exception:
            self.handleError(record)
            return
        line = format_line(record.created, message)
        self._lines.append(line)
        self.logged += 1
        subscriptions = list(self._subscriptions)
        if subscriptions:
            self.monitor_logged += 1
        here = _running_loop()
        for sub in subscriptions:
            if sub.loop is None or sub.loop is here:
                self._deliver(sub, line)
            elif not sub.loop.is_closed():
                with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                    sub.loop.call_soon_threadsafe(self._deliver, sub, line)

    def _deliver(self, sub: _Subscription, line: str) -> None:
        if sub not in self._subscriptions:
            return  # unsubscribed while the line was on its way
        try:
            sub.callback(line)
        except Exception:
            log.exception("terminal monitor subscriber %r failed", sub.callback)

    # -- reading --------------------------------------------------------------------------------------------
    def lines(self) -> list[str]:
        """The buffered lines, oldest first."""
        self.acquire()
        try:
            return list(self._lines)
        finally:
            self.release()

    def __len__(self) -> int:
        return len(self._lines)

    def clear(self) -> None:
        """``clear logging``: empty the buffer (the counters keep counting, as on IOS)."""
        self.acquire()
        try:
            self._lines.clear()
        finally:
            self.release()

    # -- terminal monitor -----------------------------------------------------------------------------------
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` with each new stamped line (``terminal monitor``); returns the unsubscribe function.

        The callback runs on the event loop that is running here (if any), whichever thread logs.
        """
        sub = _Subscription(callback, _running_loop())
        self._subscriptions.append(sub)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscriptions.remove(sub)

        return unsubscribe

    @property
    def subscribers(self) -> int:
        """How many terminals monitor the log."""
        return len(self._subscriptions)


def show_logging(buffer: LogBuffer) -> str:
    """``show logging``: the 17.x header (real IOL capture) with this buffer's counters, then its lines."""
    lines = buffer.lines()
    logged = buffer.logged
    header = [
        "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, "
        "xml disabled, filtering disabled)",
        "",
        "No Active Message Discriminator.",
        "",
        "",
        "",
        "No Inactive Message Discriminator.",
        "",
        "",
        f"    Console logging: level debugging, {logged} messages logged, xml disabled,",
        "                     filtering disabled",
        f"    Monitor logging: level debugging, {buffer.monitor_logged} messages logged, xml disabled,",
        "                     filtering disabled",
        f"    Buffer logging:  level debugging, {logged} messages logged, xml disabled,",
        "                    filtering disabled",
        "    Exception Logging: size (8192 bytes)",
        "    Count and timestamp logging messages: disabled",
        "    Persistent logging: disabled",
        "",
        "No active filter modules.",
        "",
        f"    Trap logging: level informational, {logged} message lines logged",
        "        Logging Source-Interface:       VRF Name:",
        "",
        f"Log Buffer ({buffer.size_bytes} bytes):",
        "",
    ]
    return "\n".join(header + lines)
