"""Syslog to ``logging host``: every IOS message ``logging trap`` lets through goes over UDP to each host.

Why: the project's rule is that the agent really talks to the servers it is configured with, and a syslog
collector is one of them (labs check that ``%SYS-5-CONFIG_I`` reaches it after a change). The device's
:class:`iosxe_agent.device.logbuffer.DeviceLog` decides which messages pass the trap level and numbers them; this
module turns one into the datagram IOS sends (pure: :func:`syslog_packet`) and sends it (:class:`SyslogSender`).

The datagram is the BSD form IOS uses (RFC 3164 style, no hostname unless ``logging origin-id``, which is not
modelled)::

    <189>12: *Dec  7 04:50:01.123: %SYS-5-CONFIG_I: Configured from console by admin on vty0

``<PRI>`` is facility * 8 + severity (``logging facility``, local7 = 23 by default; the severity is the digit of
``%FACILITY-N-MNEMONIC``, 7 for a debug line); ``12:`` is the device's message sequence number (every message the
log took, so gaps show what the trap level held back); the time stamp is the one the buffer shows. A message of
several lines (a ``debug`` dump) goes as one datagram per line, each with the same header, as IOS logs each line.

Sending never blocks nor fails the emitter: the sender owns one non-blocking UDP socket per address family
(bound to the device's own address, so collectors see it as the source), messages from worker threads hop onto
the event loop, every destination is asked of the device's egress gate first (a refused one gets nothing), and the
only queue is the kernel's socket send buffer: when it is full (a flooded path) a datagram is dropped and counted
(``show logging``: ``N messages dropped``) rather than queued without bound. A host given by name is not
resolved: its messages are dropped (counted).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import threading

from iosxe_agent.device.egress import Egress
from iosxe_agent.device.logbuffer import format_line, severity_of
from iosxe_agent.device.views.logging_view import LoggingView, SyslogHost

log = logging.getLogger(__name__)

MAX_DATAGRAM = 1024  # bytes: RFC 3164 §4.1's limit; a longer line is cut


def syslog_packet(seq: int, created: float, message: str, facility: int) -> list[bytes]:
    """The datagrams IOS sends for message number ``seq`` stamped ``created``: one per line of ``message``."""
    pri = facility * 8 + severity_of(message)
    return [
        f"<{pri}>{seq}: {format_line(created, part)}".encode()[:MAX_DATAGRAM]
        for part in message.splitlines()
        if part.strip()
    ]


def show_host(host: SyslogHost, logged: int) -> list[str]:
    """One host's ``show logging`` entry, laid out as 17.x prints it (genie's ``ShowLogging`` reads each line)."""
    return [
        f"        Logging to {host.address}  (udp port {host.port}, audit disabled,",
        "              link up),",
        f"              {logged} message lines logged,",
        "              0 message lines rate-limited,",
        "              0 message lines dropped-by-MD,",
        "              xml disabled, sequence number disabled",
        "              filtering disabled",
    ]


def _family(address: str) -> int | None:
    """``AF_INET``/``AF_INET6`` for an IP literal; None for a name (not resolved, see the module docstring)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    return socket.AF_INET6 if parsed.version == 6 else socket.AF_INET


def _datagram_socket(family: int, source: str) -> socket.socket:
    """A non-blocking UDP socket bound to ``source`` (any port): what the device sends its syslog from."""
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setblocking(False)
        sock.bind((source, 0))
    except OSError:
        sock.close()
        raise
    return sock


class SyslogSender:
    """One device's syslog client (a :class:`~iosxe_agent.device.logbuffer.RemoteLog`).

    ``source`` is the device's own address: the IPv4 socket binds to it when it is an IPv4 literal (else to any
    address). A socket per address family is opened at the first datagram for it, so a device without
    ``logging host`` holds no descriptor (a fleet's budget counts listeners only). :meth:`start` on the device's
    event loop before messages can go out; :meth:`close` at stop.
    """

    def __init__(self, egress: Egress, *, source: str = "127.0.0.1") -> None:
        self.egress = egress
        self.source = source
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sockets: dict[int, socket.socket] = {}
        #: datagrams sent to each configured host (``message lines logged``); only configured hosts are kept
        self._logged: dict[SyslogHost, int] = {}
        self._lock = threading.Lock()  # show logging reads the counters while the loop updates them
        self._dropped = 0

    @property
    def dropped(self) -> int:
        """Datagrams not sent since start: not started, a host name, no socket, or a full send buffer."""
        return self._dropped

    async def start(self) -> None:
        """Send from now on, on this event loop (messages of other threads hop onto it)."""
        self._loop = asyncio.get_running_loop()

    def close(self) -> None:
        """Stop sending and close the sockets."""
        self._loop = None
        sockets, self._sockets = list(self._sockets.values()), {}
        for sock in sockets:
            sock.close()

    def send(self, seq: int, created: float, message: str, settings: LoggingView) -> None:
        """Send message ``seq`` to every configured host; from any thread, never blocking, never raising."""
        if not settings.hosts:
            return
        packets = syslog_packet(seq, created, message, settings.facility)
        loop = self._loop
        if loop is None or loop.is_closed():
            self._count_drops(len(packets) * len(settings.hosts))
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._send_now(settings.hosts, packets)
        else:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self._send_now, settings.hosts, packets)

    def host_lines(self, settings: LoggingView) -> list[str]:
        """``show logging``'s ``Logging to`` entries, one per configured host, with what it was sent."""
        with self._lock:
            return [line for host in settings.hosts for line in show_host(host, self._logged.get(host, 0))]

    def _send_now(self, hosts: tuple[SyslogHost, ...], packets: list[bytes]) -> None:
        with self._lock:  # forget removed hosts (a host configured again starts from 0, like a new IOS entry)
            self._logged = {host: self._logged.get(host, 0) for host in hosts}
        for host in hosts:
            if not self.egress.permit(host.address, host.port, "syslog host"):
                continue  # refused by --egress: as if the collector were not there (IOS cannot tell either)
            family = _family(host.address)
            sock = self._socket(family) if family is not None else None
            sent = sum(self._sendto(sock, packet, host) for packet in packets) if sock is not None else 0
            with self._lock:
                self._logged[host] += sent
                self._dropped += len(packets) - sent

    @staticmethod
    def _sendto(sock: socket.socket, packet: bytes, host: SyslogHost) -> bool:
        """Whether the kernel took the datagram (not when the send buffer is full or the path is down)."""
        try:
            sock.sendto(packet, (host.address, host.port))
        except OSError as exc:
            log.debug("syslog to %s:%d dropped: %s", host.address, host.port, exc)
            return False
        return True

    def _socket(self, family: int) -> socket.socket | None:
        """The family's socket, opened now if need be; None if it cannot be (no IPv6 on this host)."""
        sock = self._sockets.get(family)
        if sock is None:
            if family == socket.AF_INET6:
                local = "::"
            else:
                local = self.source if _family(self.source) == socket.AF_INET else "0.0.0.0"
            try:
                sock = _datagram_socket(family, local)
            except OSError as exc:
                log.debug("syslog: no socket for family %d: %s", family, exc)
                return None
            self._sockets[family] = sock
        return sock

    def _count_drops(self, count: int) -> None:
        with self._lock:
            self._dropped += count
