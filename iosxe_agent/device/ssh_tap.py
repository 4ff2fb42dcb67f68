"""Hands every SSH packet a device connection sends or receives, and each socket read, to its owner, for
``debug ip ssh``.

asyncssh has no public per-packet callback, but every packet it sends or receives — by the connection, its key
exchange, its authentication or a channel — passes through ``SSHPacketLogger.log_sent_packet`` /
``log_received_packet`` with its type, sequence number and payload, and every read from the socket through the
connection's ``data_received``. :func:`install` wraps those three methods once per process (as
:mod:`iosxe_agent.sshflow` does for flow control) and calls the owner's ``bytes_received`` / ``packet_sent`` /
``packet_received`` when the owner wants them now (the device SSH server's connections, while a ``debug ip ssh``
switch is on; NETCONF's never, for one attribute lookup). asyncssh's own logging is left as it was: its packet
log is asked for only when asyncssh's debug level would write it (:func:`asyncssh.set_debug_level` 3), because
below that asyncssh still formats each packet's description before its logger drops it, which was most of the
tap's cost per packet.

The owner also gets the packet's padding length and whether the direction is encrypted, read from asyncssh's
connection state, because the length, padding and MAC lines of ``debug ip ssh packet`` need them and asyncssh
exposes them nowhere else: a received packet's length field (``_pktlen``, still the current packet's while it is
logged), and for a sent packet the padding asyncssh computed from ``_send_blocksize``/``_send_enchdrlen``.
"""

from __future__ import annotations

from typing import Any, Protocol

from asyncssh.connection import SSHConnection
from asyncssh.logging import SSHLogger
from asyncssh.packet import SSHPacket, SSHPacketLogger

from iosxe_agent.device.ssh_debug import padding

_INSTALLED = "_iosxe_agent_tap"
_PLAIN_BLOCK = 8  # RFC 4253 §6: the block size before any cipher is in force
_PLAIN_HEADER = 5  # length field and padding-length byte, both inside the padded (encrypted) part
_PACKET_DEBUG_LEVEL = 3  # asyncssh's SSHLogger.packet writes from this debug level on


class PacketObserver(Protocol):
    """What a connection owner implements to see its packets (``payload`` starts with the type byte).
    ``wants_packets`` is asked first, so that a connection nobody debugs costs no copy of its packets."""

    def wants_packets(self) -> bool: ...

    def bytes_received(self, count: int) -> None: ...

    def packet_sent(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> None: ...

    def packet_received(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> None: ...


def _connection(handler: Any) -> SSHConnection | None:
    # key exchange, authentication and channel handlers hold their connection in ``_conn``; a connection has none
    conn = getattr(handler, "_conn", handler)
    return conn if isinstance(conn, SSHConnection) else None


def _observer(handler: Any) -> tuple[SSHConnection, PacketObserver] | None:
    """The connection a packet handler belongs to and its owner, when that owner wants its packets now."""
    conn = _connection(handler)
    owner: Any = conn.get_owner() if conn is not None else None  # our SSHServer subclass, or someone else's
    if conn is None or not hasattr(owner, "wants_packets") or not owner.wants_packets():
        return None
    return conn, owner


def _asyncssh_logs_packets() -> bool:
    """True if asyncssh's own packet log writes anything (it formats every packet's line before asking)."""
    return SSHLogger._debug_level >= _PACKET_DEBUG_LEVEL  # set for all loggers by asyncssh.set_debug_level


def _payload(packet: Any) -> bytes:
    return bytes(packet.get_full_payload()) if isinstance(packet, SSHPacket) else bytes(packet)


def install() -> None:
    """Route every SSH packet to its connection owner's ``packet_sent`` / ``packet_received`` (idempotent)."""
    if getattr(SSHPacketLogger, _INSTALLED, False):
        return
    log_sent, log_received = SSHPacketLogger.log_sent_packet, SSHPacketLogger.log_received_packet
    data_received = SSHConnection.data_received

    def read(self: Any, data: bytes, datatype: Any = None) -> None:
        if (found := _observer(self)) is not None:
            found[1].bytes_received(len(data))  # one read from the socket, before the packets it completes
        data_received(self, data, datatype)

    def sent(self: Any, pkttype: int, pktid: int | None, packet: Any, note: str = "") -> None:
        if _asyncssh_logs_packets():
            log_sent(self, pkttype, pktid, packet, note)
        if (found := _observer(self)) is not None:
            conn, observer = found
            data = _payload(packet)
            block = getattr(conn, "_send_blocksize", _PLAIN_BLOCK)
            padlen = padding(len(data), block, getattr(conn, "_send_enchdrlen", _PLAIN_HEADER))
            observer.packet_sent(pkttype, pktid or 0, data, padlen, bool(getattr(conn, "_send_encryption", None)))

    def received(self: Any, pkttype: int, pktid: int | None, packet: Any, note: str = "") -> None:
        if _asyncssh_logs_packets():
            log_received(self, pkttype, pktid, packet, note)
        if (found := _observer(self)) is not None:
            conn, observer = found
            data = _payload(packet)
            padlen = max(0, getattr(conn, "_pktlen", 0) - 1 - len(data))  # the length field of this packet
            observer.packet_received(pkttype, pktid or 0, data, padlen, bool(getattr(conn, "_recv_encryption", None)))

    SSHPacketLogger.log_sent_packet = sent  # type: ignore[method-assign]  # asyncssh has no packet callback
    SSHConnection.data_received = read  # type: ignore[method-assign]
    SSHPacketLogger.log_received_packet = received  # type: ignore[method-assign]
    setattr(SSHPacketLogger, _INSTALLED, True)
