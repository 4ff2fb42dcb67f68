"""Listening sockets bound before a device writes anything, then handed to its servers.

Why: a first start writes a bootstrap configuration and RSA keys and prints a generated password. If a busy port
were found only when the servers start, the user would be left with a half-made state directory and a password
for a device that never ran, behind a traceback. Binding (and listening) first reports a busy port as one line
before any of that; handing these very sockets to the servers leaves no moment in which another process could
take the port in between. A connection that arrives while the device loads waits in the backlog and is served
once the device starts.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

#: the listen backlog asyncssh's servers use (``asyncssh.listen(backlog=100)``)
BACKLOG = 100


class ListenError(Exception):
    """A port cannot be listened on; the message is the line a user sees, e.g.
    ``cannot listen on 127.0.0.1:8830: address already in use``."""


def _refused(host: str, port: int, reason: str) -> ListenError:
    """The one line: ``cannot listen on HOST:PORT: reason`` (the OS's reason, lower-case as it reads mid-line)."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return ListenError(f"cannot listen on {where}: {reason[:1].lower()}{reason[1:]}")


def _bound(host: str, port: int) -> socket.socket:
    """A TCP socket with ``SO_REUSEADDR`` bound to ``host:port`` (port 0: any free port), the first address
    ``host`` resolves to.

    Raises:
        ListenError: the address does not resolve, or the port is in use or not permitted.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise _refused(host, port, exc.strerror or str(exc)) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise _refused(host, port, exc.strerror or str(exc)) from None
    return sock


def listen_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port`` (port 0: any free port), the first address ``host`` resolves to.

    ``SO_REUSEADDR`` is set as asyncio sets it for its own servers, so a restart is not refused by connections
    of the previous run in TIME_WAIT; Linux still refuses a second listener on the port.

    Raises:
        ListenError: the address does not resolve, or the port is in use or not permitted.
    """
    sock = _bound(host, port)
    try:
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise _refused(host, port, exc.strerror or str(exc)) from None
    return sock


def reserve_port(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` that does not listen: a connection to the port is refused and no other
    socket can take it, so a listener the configuration turned off (``no netconf-yang``) comes back on its port.

    ``SO_REUSEADDR`` is set for the bind (the port's closed connections may wait in TIME_WAIT) and cleared after
    it: Linux lets a second socket bind a port only if both sockets have it, and never hands a bound port out as
    a kernel-chosen one.

    Raises:
        ListenError: the port is in use (taken since its listener closed) or not permitted.
    """
    sock = _bound(host, port)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
    return sock


def listen_reserved(sock: socket.socket) -> socket.socket:
    """Make a socket of :func:`reserve_port` listen, with ``SO_REUSEADDR`` again as :func:`listen_socket` has it.

    Raises:
        OSError: the kernel refused the listen (not expected: the socket holds its port).
    """
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.listen(BACKLOG)
    return sock


@dataclass(frozen=True, slots=True)
class DevicePorts:
    """The two listening sockets of one device: device SSH (CLI, SCP) and NETCONF."""

    ssh: socket.socket
    netconf: socket.socket

    def close(self) -> None:
        """Close both (harmless for a socket a server has already closed)."""
        self.ssh.close()
        self.netconf.close()


def listen_device_ports(host: str, ssh_port: int, netconf_port: int) -> DevicePorts:
    """Both ports of a device, or neither: a busy second port closes the first.

    Raises:
        ListenError: one of them cannot be listened on (the same port twice is "address already in use").
    """
    ssh = listen_socket(host, ssh_port)
    try:
        netconf = listen_socket(host, netconf_port)
    except ListenError:
        ssh.close()
        raise
    return DevicePorts(ssh=ssh, netconf=netconf)
