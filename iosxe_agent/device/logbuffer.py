"""One device's syslog: IOS messages as ``show logging``, ``terminal monitor`` and the console see them.

Every IOS message of a device (``%SSH-5-ENABLED: …``, ``%CRYPTO_ENGINE-5-KEY_ADDITION: …``, debug lines such as
``SNMP: Packet sent via UDP …``) is handed, one message per call, to that device's :class:`DeviceLog` — never to a
process-global logger, so that with many devices in one process each ``show logging`` shows its own device's
messages only. The device passes :meth:`DeviceLog.emit` to whoever emits messages (key store, SSH service, SCP,
SNMP, login quiet mode, the CLI).

A DeviceLog stamps each message the IOS way (``*Nov 24 10:15:02.123: …``; ``*`` because the clock is not
NTP-synchronised), keeps the newest ``capacity`` of them, hands each stamped line to the subscribed ``terminal
monitor`` sessions and forwards the message to the operator's console (the Python logger ``console``, normally
``iosxe_agent.syslog``, tagged with the device's name). It stores the message text and nothing else, so what it holds
is exactly what IOS would print on a console.

Subscribers are called on the event loop they subscribed from (``call_soon_threadsafe`` when a message is
emitted from a worker thread), or directly when they subscribed outside a loop.

The ``show logging`` header follows a real 17.x IOL capture; its counters are this log's own, the levels are
IOS's defaults, and the buffer size (``Log Buffer (N bytes)``) is the configured ``size_bytes`` (UNVERIFIED
default; the buffer itself is bounded by message count).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

log = logging.getLogger(__name__)

#: The operator's console view of every device's IOS messages (stdout); nothing reads IOS state back from it.
CONSOLE_LOGGER = "iosxe_agent.syslog"
DEFAULT_CAPACITY = 4096  # messages
DEFAULT_SIZE_BYTES = 102400  # what the header reports (UNVERIFIED as the C8000V default)

Subscriber = Callable[[str], None]
#: Receives one IOS message (``%FACILITY-SEV-MNEMONIC: text`` or a debug line): what emitters are given.
Emit = Callable[[str], None]


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


class DeviceLog:
    """One device's IOS messages: the newest ``capacity`` of them, the ``terminal monitor`` feed, the console.

    ``name`` returns the device's name for the console lines (read at each message: a ``hostname`` change
    shows at once); ``console`` is the operator logger the messages are forwarded to (None: not forwarded);
    ``clock`` gives the epoch time a message is stamped with.
    """

    def __init__(
        self,
        capacity: int = DEFAULT_CAPACITY,
        *,
        size_bytes: int = DEFAULT_SIZE_BYTES,
        name: Callable[[], str] = lambda: "",
        console: logging.Logger | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.size_bytes = size_bytes
        self.logged = 0  # messages received since start (IOS "messages logged")
        self.monitor_logged = 0  # lines handed to terminal monitors
        self._name = name
        self._console = console
        self._clock = clock
        self._lock = threading.Lock()  # messages may come from worker threads (key generation)
        self._lines: collections.deque[str] = collections.deque(maxlen=capacity)
        self._subscriptions: list[_Subscription] = []

    # -- emitting -------------------------------------------------------------------------------------------
    def emit(self, message: str) -> None:
        """Log one IOS message: stamp it, keep it, show it to every monitoring terminal and the console."""
        message = message.rstrip()
        line = format_line(self._clock(), message)
        with self._lock:
            self._lines.append(line)
            self.logged += 1
            subscriptions = list(self._subscriptions)
            if subscriptions:
                self.monitor_logged += 1
        if self._console is not None:
            self._console.info("%s", message, extra={"device": self._name()})
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
        with self._lock:
            return list(self._lines)

    def __len__(self) -> int:
        return len(self._lines)

    def clear(self) -> None:
        """``clear logging``: empty the buffer (the counters keep counting, as on IOS)."""
        with self._lock:
            self._lines.clear()

    # -- terminal monitor -----------------------------------------------------------------------------------
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` with each new stamped line (``terminal monitor``); returns the unsubscribe function.

        The callback runs on the event loop that is running here (if any), whichever thread emits.
        """
        sub = _Subscription(callback, _running_loop())
        with self._lock:
            self._subscriptions.append(sub)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._subscriptions.remove(sub)

        return unsubscribe

    @property
    def subscribers(self) -> int:
        """How many terminals monitor the log."""
        return len(self._subscriptions)


def show_logging(buffer: DeviceLog) -> str:
    """``show logging``: the 17.x header (real IOL capture) with this log's counters, then its lines."""
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
