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

The ``show logging`` header follows a real 17.x IOL capture; its counters are this log's own, the levels, the
buffer size and the source interface are the configured ones (``logging buffered|console|monitor|trap|
source-interface``, read through :func:`iosxe_agent.device.views.logging`). The buffer keeps what ``logging
buffered [SIZE] [LEVEL]`` lets in: a message more verbose than the level is not kept (its severity is the digit of
``%FACILITY-N-MNEMONIC``; a debug line is 7), and the oldest lines go when the text exceeds SIZE bytes (or when
``capacity`` messages are held).

Messages at or above ``logging trap``'s level are also handed to the device's remote log (:meth:`DeviceLog.send_to`:
the syslog sender of :mod:`iosxe_agent.device.syslog`, which puts them on the wire to each ``logging host``) with
their sequence number and time, outside the lock; ``show logging`` asks it for the ``Logging to`` entries.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from iosxe_agent.device.views.logging_view import DEBUGGING, SEVERITIES, LoggingView

log = logging.getLogger(__name__)

#: The operator's console view of every device's IOS messages (stdout); nothing reads IOS state back from it.
CONSOLE_LOGGER = "iosxe_agent.syslog"
DEFAULT_CAPACITY = 4096  # messages
_SEVERITY = re.compile(r"%[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*?-([0-7])-")

Subscriber = Callable[[str], None]
#: Receives one IOS message (``%FACILITY-SEV-MNEMONIC: text`` or a debug line): what emitters are given.
Emit = Callable[[str], None]


def ios_log_timestamp(created: float) -> str:
    """``*Nov 24 10:15:02.123`` for an epoch time (UTC; the day padded to two columns, ``*Mar  1``)."""
    t = datetime.fromtimestamp(created, UTC)
    return f"*{t:%b} {t.day:>2} {t:%H:%M:%S}.{t.microsecond // 1000:03d}"


def severity_of(message: str) -> int:
    """A message's syslog severity: the digit of ``%FACILITY-N-MNEMONIC``; debug output (no such tag) is 7."""
    m = _SEVERITY.match(message)
    return int(m.group(1)) if m else DEBUGGING


def format_line(created: float, message: str) -> str:
    """One buffer line: ``*Nov 24 10:15:02.123: %SSH-5-ENABLED: SSH 2.0 has been enabled``."""
    return f"{ios_log_timestamp(created)}: {message}"


@dataclass(eq=False, slots=True)
class _Subscription:
    callback: Subscriber
    loop: asyncio.AbstractEventLoop | None


class RemoteLog(Protocol):
    """Where the messages ``logging trap`` lets through go besides the buffer (the syslog sender)."""

    @property
    def dropped(self) -> int:
        """Messages it could not send (``show logging``'s ``messages dropped``)."""
        ...

    def send(self, seq: int, created: float, message: str, settings: LoggingView) -> None:
        """Take message number ``seq``, stamped ``created``; called on the emitting thread, must not block."""
        ...

    def host_lines(self, settings: LoggingView) -> list[str]:
        """The ``Logging to …`` entries of ``show logging`` for the configured hosts."""
        ...


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
        name: Callable[[], str] = lambda: "",
        console: logging.Logger | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        #: the logging settings of the moment (the device hands in its running configuration's: :meth:`follow`)
        self.settings: Callable[[], LoggingView] = LoggingView
        self.logged = 0  # messages received since start (IOS "messages logged")
        self.monitor_logged = 0  # lines handed to terminal monitors
        self.trap_logged = 0  # messages at or above the trap level (IOS "Trap logging: … message lines logged")
        self.remote: RemoteLog | None = None  # the syslog sender (send_to)
        self._name = name
        self._console = console
        self._clock = clock
        self._lock = threading.Lock()  # messages may come from worker threads (key generation)
        self._lines: collections.deque[str] = collections.deque()
        self._bytes = 0  # text held, newlines included
        self._subscriptions: list[_Subscription] = []

    # -- emitting -------------------------------------------------------------------------------------------
    def emit(self, message: str) -> None:
        """Log one IOS message: stamp it, keep it, show it to every monitoring terminal and the console."""
        message = message.rstrip()
        created = self._clock()
        line = format_line(created, message)
        settings = self.settings()
        severity = severity_of(message)
        with self._lock:
            if severity <= settings.buffer_level:
                self._keep(line, settings.buffer_size)
            self.logged += 1
            seq = self.logged
            trapped = severity <= settings.trap_level
            self.trap_logged += trapped
            subscriptions = list(self._subscriptions)
            if subscriptions:
                self.monitor_logged += 1
        if self._console is not None:
            self._console.info("%s", message, extra={"device": self._name()})
        if trapped and self.remote is not None:
            self.remote.send(seq, created, message, settings)
        here = _running_loop()
        for sub in subscriptions:
            if sub.loop is None or sub.loop is here:
                self._deliver(sub, line)
            elif not sub.loop.is_closed():
                with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                    sub.loop.call_soon_threadsafe(self._deliver, sub, line)

    def follow(self, settings: Callable[[], LoggingView]) -> None:
        """Take the buffer's size and level (and what ``show logging`` reports) from ``settings`` from now on."""
        self.settings = settings

    def send_to(self, remote: RemoteLog) -> None:
        """Hand every message ``logging trap`` lets through to ``remote`` from now on."""
        self.remote = remote

    def _keep(self, line: str, size: int) -> None:
        """Append ``line``, dropping the oldest lines beyond ``size`` bytes or ``capacity`` lines (lock held)."""
        self._lines.append(line)
        self._bytes += len(line) + 1
        while len(self._lines) > 1 and (self._bytes > size or len(self._lines) > self.capacity):
            self._bytes -= len(self._lines.popleft()) + 1

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
            self._bytes = 0

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


def _sink(level: int | None, logged: int, indent: str) -> list[str]:
    """A ``Console|Monitor logging:`` entry: ``disabled`` for a sink that is off, else its level and count."""
    if level is None:
        return ["disabled"]
    return [f"level {SEVERITIES[level]}, {logged} messages logged, xml disabled,", f"{indent}filtering disabled"]


def show_logging(buffer: DeviceLog) -> str:
    """``show logging``: the 17.x header (real IOL capture) with this log's counters and the configured levels,
    buffer size and source interface (:attr:`DeviceLog.settings`), then the buffered lines."""
    lines = buffer.lines()
    logged = buffer.logged
    view = buffer.settings()
    remote = buffer.remote
    console = _sink(view.console_level, logged, " " * 21)
    monitor = _sink(view.monitor_level, buffer.monitor_logged, " " * 21)
    buffered = _sink(view.buffer_level, logged, " " * 20)
    header = [
        f"Syslog logging: enabled ({remote.dropped if remote else 0} messages dropped, 0 messages rate-limited, "
        "0 flushes, 0 overruns, xml disabled, filtering disabled)",
        "",
        "No Active Message Discriminator.",
        "",
        "",
        "",
        "No Inactive Message Discriminator.",
        "",
        "",
        f"    Console logging: {console[0]}",
        *console[1:],
        f"    Monitor logging: {monitor[0]}",
        *monitor[1:],
        f"    Buffer logging:  {buffered[0]}",
        *buffered[1:],
        "    Exception Logging: size (8192 bytes)",
        "    Count and timestamp logging messages: disabled",
        "    Persistent logging: disabled",
        "",
        "No active filter modules.",
        "",
        f"    Trap logging: level {SEVERITIES[view.trap_level]}, {buffer.trap_logged} message lines logged",
        *(remote.host_lines(view) if remote else []),
        "        Logging Source-Interface:       VRF Name:",
        *([f"        {view.source_interface}"] if view.source_interface else []),
        "",
        f"Log Buffer ({view.buffer_size} bytes):",
        "",
    ]
    return "\n".join(header + lines)
