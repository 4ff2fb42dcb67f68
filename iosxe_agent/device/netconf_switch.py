"""NETCONF follows ``netconf-yang``: on IOS XE 17.12, ``no netconf-yang`` stops the NETCONF server (its port refuses
connections, open sessions end) and ``netconf-yang`` starts it again on the same port.

Why a switch of its own: the commit that turns NETCONF off can come from the CLI, a configuration file (``copy``,
SCP, ``configure replace``) or RESTCONF, never from NETCONF itself (the node is device-private, hidden from it),
so the listener must follow running whichever face wrote it, as :mod:`iosxe_agent.restconf.service` does for
RESTCONF. Unlike RESTCONF's, the port is the device's from its start (bound before anything is written, reported
in the ready file and the inventories): while NETCONF is off the port stays reserved (a bound socket that does not
listen, :func:`iosxe_agent.listeners.reserve_port`), so ``netconf-yang`` brings it back on the very port clients
know, and no other process or kernel-chosen port can take it meanwhile. Operator log: ``NETCONF started
(netconf-yang) on HOST:PORT``, ``NETCONF stopped (no netconf-yang); port PORT held`` and, for a device that starts
without ``netconf-yang``, ``NETCONF off (no netconf-yang); port PORT held``.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.follower import ConfigFollower
from iosxe_agent.listeners import ListenError, listen_reserved, listen_socket, reserve_port
from iosxe_agent.netconf.server import NetconfServer

log = logging.getLogger(__name__)


class NetconfSwitch(ConfigFollower):
    """Starts and stops one device's NETCONF listener as its running configuration says, on one port."""

    def __init__(self, *, host: str, running: Callable[[], etree._Element]) -> None:
        super().__init__(running, lambda tree: views.netconf(tree).enabled)
        self.server: NetconfServer | None = None  # given by start(): it needs the host key the device loads there
        self.host = host
        #: the device's NETCONF port, fixed by :meth:`start` for the device's life (0 before)
        self.port = 0
        self._listening = False
        self._reserved: socket.socket | None = None  # while off: the port, bound and not listening

    @property
    def listening(self) -> bool:
        return self._listening

    async def start(self, server: NetconfServer, sock: socket.socket) -> int:
        """Take the device's NETCONF port (``sock`` listens on it already) and serve ``server`` on it if
        ``netconf-yang`` is configured, else hold it; returns the port."""
        self.server = server
        self.port = int(sock.getsockname()[1])
        self._active = True
        async with self._lock:
            if self.wanted():
                await self._serve(sock)
            else:
                self._hold(sock)
                log.info("NETCONF off (no netconf-yang); port %d held", self.port)
        return self.port

    async def stop(self) -> None:
        """Stop for good (the device stops) and free the port."""
        self._active = False
        async with self._lock:
            await self._stop_server()
            if self._reserved is not None:
                self._reserved.close()
                self._reserved = None

    async def sync(self) -> None:
        """Make the listener match running (serialised: commits in a row end in the state of the last)."""
        async with self._lock:
            wanted = self.wanted()
            if wanted and not self._listening:
                sock = self._listen()
                if sock is not None:
                    await self._serve(sock)
                    log.info("NETCONF started (netconf-yang) on %s:%d", self.host, self.port)
            elif not wanted and self._listening:
                await self._stop_server()  # closes the listening socket: the port is free until _hold binds it
                self._hold(None)
                log.info("NETCONF stopped (no netconf-yang); port %d held", self.port)

    async def _stop_server(self) -> None:
        if self._listening and self.server is not None:
            self._listening = False
            await self.server.stop()

    async def _serve(self, sock: socket.socket) -> None:
        assert self.server is not None  # sync() serves only after start()
        try:
            await self.server.start(self.host, self.port, sock)
        except BaseException:
            sock.close()
            raise
        self._listening = True

    def _listen(self) -> socket.socket | None:
        """The port, listening again: the reserved socket, or (if it could not be held) a new bind, which a port
        another process took refuses: logged, and NETCONF stays off (never moved to a port clients do not know)."""
        reserved, self._reserved = self._reserved, None
        if reserved is not None:
            return listen_reserved(reserved)
        try:
            return listen_socket(self.host, self.port)
        except ListenError as exc:
            log.error("NETCONF not started: %s", exc)
            return None

    def _hold(self, sock: socket.socket | None) -> None:
        """Keep the port while NETCONF is off: ``sock`` (the listening socket, if still open) is closed and the
        port bound again without listening (a port taken in between is logged; ``netconf-yang`` then tries it
        again)."""
        if sock is not None:
            sock.close()
        try:
            self._reserved = reserve_port(self.host, self.port)
        except ListenError as exc:
            log.error("NETCONF port not held: %s", exc)
