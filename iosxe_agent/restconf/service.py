"""RESTCONF follows the configuration: it listens only while ``restconf`` and ``ip http secure-server`` are both
configured, started and stopped by the commit that turns them on or off, whichever face made it.

The port is ``--restconf-port`` (default 8443; 0: any free port, chosen the first time and kept while the device
runs, so a client reconnects to the same port after ``no restconf`` / ``restconf``). It is bound when RESTCONF is
turned on, not at start-up: a box without ``restconf`` holds no port. A port that cannot be bound is logged and
RESTCONF stays off; the commit that asked for it stands (IOS, too, keeps the configuration of an HTTP server that
failed to start). The first start makes the device certificate (:mod:`iosxe_agent.restconf.certificate`), and
every start makes sure running names its trustpoint (:mod:`iosxe_agent.restconf.trustpoint`): a commit of the
system's own adds the ``crypto pki`` lines when running lacks them (the certificate was just made, or made by a
version that did not write them, or running was reloaded from a startup saved before).
Operator log: ``RESTCONF on HOST:PORT`` and ``RESTCONF stopped``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from iosxe_agent.datastore.store import RUNNING, StoreError
from iosxe_agent.datastore.transaction import SYSTEM
from iosxe_agent.device import views
from iosxe_agent.device.follower import ServiceFollower
from iosxe_agent.device.names import NATIVE_NS
from iosxe_agent.limits import Limits
from iosxe_agent.listeners import ListenError, listen_socket
from iosxe_agent.netconf.server import Authenticator
from iosxe_agent.restconf.certificate import device_certificate
from iosxe_agent.restconf.handlers import RestconfApi
from iosxe_agent.restconf.trustpoint import configured_number, trustpoint_edit

if TYPE_CHECKING:  # the server module imports aiohttp (~10 MB, ~0.3 s): only once RESTCONF is first turned on
    from iosxe_agent.restconf.server import RestconfServer

log = logging.getLogger(__name__)


class RestconfService(ServiceFollower):
    """Starts and stops one device's RESTCONF server as its running configuration says."""

    def __init__(
        self,
        api: RestconfApi,
        login: Authenticator,
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
            number = configured_number(self._native())
            cert = await asyncio.to_thread(device_certificate, self._cert_dir, self.host, number)
            await asyncio.to_thread(_import_server)  # the loop serves the other sessions meanwhile
            from iosxe_agent.restconf.server import RestconfServer, tls_context

            server = RestconfServer(self.api, self.login, self.limits)
            await server.start(sock, tls_context(cert.cert, cert.key))
        except BaseException:
            sock.close()
            raise
        self.port = sock.getsockname()[1]  # port 0 became a real one: keep it
        self._server = server
        log.info("RESTCONF on %s:%d (trustpoint %s)", self.host, self.port, cert.trustpoint)
        edit = trustpoint_edit(self._native(), cert.trustpoint, cert.cert.read_bytes())
        if edit is not None:
            await self._add_trustpoint(edit)

    def _native(self) -> etree._Element | None:
        return self._running().find(f"{{{NATIVE_NS}}}native")

    async def _add_trustpoint(self, edit: etree._Element) -> None:
        """The system's own commit of the certificate's trustpoint lines (a refusal is logged: the server runs)."""
        stores = self.api.services.stores
        try:
            await stores.edit(RUNNING, edit, SYSTEM, default_operation="merge")
        except StoreError as exc:
            log.error("RESTCONF: the trustpoint's configuration lines were not added: %s", exc)


def _import_server() -> None:
    """Import the HTTP server (aiohttp), in a worker thread: a device without ``restconf`` never pays for it."""
    import iosxe_agent.restconf.server  # noqa: F401
