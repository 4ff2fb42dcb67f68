"""RESTCONF follows the configuration: it listens only while ``restconf`` and ``ip http secure-server`` are both
configured, started and stopped by the commit that turns them on or off, whichever face made it.

The port is ``--restconf-port`` (default 8443; 0: any free port, chosen the first time and kept while the device
runs, so a client reconnects to the same port after ``no restconf`` / ``restconf``). It is bound when RESTCONF is
turned on, not at start-up: a box without ``restconf`` holds no port. A port that cannot be bound is logged and
RESTCONF stays off; the commit that asked for it stands (IOS, too, keeps the configuration of an HTTP server that
failed to start). The first start makes the device certificate (:mod:`iosxe_agent.restconf.certificate`).
Operator log: ``RESTCONF on HOST:PORT`` and ``RESTCONF stopped``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.follower import ConfigFollower
from iosxe_agent.limits import Limits
from iosxe_agent.listeners import ListenError, listen_socket
from iosxe_agent.restconf.auth import RestconfLogin
from iosxe_agent.restconf.certificate import device_certificate
from iosxe_agent.restconf.handlers import RestconfApi
from iosxe_agent.restconf.server import RestconfServer, tls_context

log = logging.getLogger(__name__)


class RestconfService(ConfigFollower):
    """Starts and stops one device's RESTCONF server as its running configuration says."""

    def __init__(
        self,
        api: RestconfApi,
        login: RestconfLogin,
        limits: Limits,
        *,
        host: str,
        port: int,
        state_dir: Path,
        running: Callable[[], etree._Element],
    ) -> None:
        super().__init__(running, lambda tree: views.restconf(tree).enabled)
        self.api = api
        self.login = login
        self.limits = limits
        self.host = host
        self.port = port
        self._cert_dir = state_dir / "restconf"
        self._server: RestconfServer | None = None

    @property
    def listening(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        """Begin following the configuration (the device starts)."""
        self._active = True
        await self.sync()

    async def stop(self) -> None:
        """Stop the server for good (the device stops)."""
        self._active = False
        await self.sync()

    async def sync(self) -> None:
        """Make the listener match running (serialised: commits in a row end in the state of the last)."""
        async with self._lock:
            wanted = self.wanted()
            if wanted and self._server is None:
                await self._start()
            elif not wanted and self._server is not None:
                server, self._server = self._server, None
                await server.stop()
                log.info("RESTCONF stopped")

    async def _start(self) -> None:
        try:
            sock = listen_socket(self.host, self.port)
        except ListenError as exc:
            log.error("RESTCONF not started: %s", exc)
            return
        try:
            cert = await asyncio.to_thread(device_certificate, self._cert_dir, self.host)
            server = RestconfServer(self.api, self.login, self.limits)
            await server.start(sock, tls_context(cert.cert, cert.key))
        except BaseException:
            sock.close()
            raise
        self.port = sock.getsockname()[1]  # port 0 became a real one: keep it
        self._server = server
        log.info("RESTCONF on %s:%d (trustpoint %s)", self.host, self.port, cert.trustpoint)
