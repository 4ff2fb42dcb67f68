"""gNMI follows the configuration: the plain-text server listens while ``gnmi-yang`` and ``gnmi-yang server`` are
configured, the TLS server while ``gnmi-yang`` and ``gnmi-yang secure-server`` are, each on its configured port,
started, stopped or moved by the commit that changes them, whichever face made it.

``--gnmi-port`` / ``--gnmi-secure-port`` replace the configured ports (0: any free port, chosen the first time and
kept while the device runs, so a client reconnects to the same port after ``no gnmi-yang`` / ``gnmi-yang``). A port
that cannot be bound is logged and that server stays off; the commit that asked for it stands. The TLS server
presents the device certificate, the one RESTCONF uses (:mod:`iosxe_agent.restconf.certificate`: the box's
``TP-self-signed-<n>`` trustpoint, whatever ``secure-trustpoint`` names; client certificates are not requested).
Operator log: ``gNMI on HOST:PORT``, ``gNMI (TLS) on HOST:PORT (trustpoint …)``, ``gNMI stopped``, ``gNMI (TLS)
stopped``.

gRPC, protobuf and the gNMI server (~12 MB) are imported when a server first starts (in a worker thread, so the
loop serves meanwhile): most devices never configure ``gnmi-yang``. Until then there is no API object and no
Subscribe stream to feed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.device import views
from iosxe_agent.device.follower import ServiceFollower
from iosxe_agent.device.views.tree import native_of
from iosxe_agent.limits import Limits
from iosxe_agent.listeners import ListenError
from iosxe_agent.netconf.server import Authenticator
from iosxe_agent.netconf.services import NetconfServices
from iosxe_agent.restconf.certificate import device_certificate
from iosxe_agent.restconf.trustpoint import configured_number

if TYPE_CHECKING:
    import grpc

    from iosxe_agent.gnmi.api import GnmiApi
    from iosxe_agent.gnmi.server import GnmiServer
    from iosxe_agent.gnmi.subscribe import Subscriptions

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Plan:
    """Which servers should listen, on which ports (None: that server is off)."""

    port: int | None = None
    secure_port: int | None = None


@dataclass(slots=True)
class _Listener:
    """One running server and the port it was asked for (0 stays 0 here; the bound port is ``bound``)."""

    server: GnmiServer
    asked: int
    bound: int


class GnmiService(ServiceFollower):
    """Starts, stops and moves one device's two gNMI servers as its running configuration says.

    The follower's question is "does the configuration ask for something other than what runs?": a commit
    schedules :meth:`sync` exactly when it does.
    """

    def __init__(
        self,
        services: NetconfServices,
        login: Authenticator,
        limits: Limits,
        *,
        host: str,
        port: int | None,
        secure_port: int | None,
        state_dir: Path,
        running: Callable[[], etree._Element],
    ) -> None:
        super().__init__(running, lambda tree: self._plan(tree) != self._applied())
        self._services = services
        self._api: GnmiApi | None = None
        self.login = login
        self.limits = limits
        self.host = host
        self._port_option = port
        self._secure_port_option = secure_port
        self._cert_dir = state_dir / "restconf"  # the one device trustpoint, shared with RESTCONF
        #: the open Subscribe streams, once a server has started (None before: nothing to feed)
        self.subscriptions: Subscriptions | None = None
        self._plain: _Listener | None = None
        self._tls: _Listener | None = None
        #: the port a port 0 became the first time, per server (TLS: True), kept while the device runs
        self._chosen: dict[bool, int] = {}

    @property
    def api(self) -> GnmiApi:
        """Capabilities, Get and Set on the device's datastores (built, with its gRPC imports, on first use)."""
        if self._api is None:
            from iosxe_agent.gnmi.api import GnmiApi

            self._api = GnmiApi(self._services)
        return self._api

    def on_subscribed_commit(self, txn: Transaction) -> None:
        """A commit listener: what changed goes to the open Subscribe streams (none before a server started)."""
        if self.subscriptions is not None:
            self.subscriptions.on_commit(txn)

    @property
    def listening(self) -> bool:
        return False  # see the class docstring: the question asked is whether anything must change

    @property
    def port(self) -> int:
        """The plain-text server's port (0 while it is off)."""
        return self._plain.bound if self._plain else 0

    @property
    def secure_port(self) -> int:
        """The TLS server's port (0 while it is off)."""
        return self._tls.bound if self._tls else 0

    def _plan(self, tree: etree._Element) -> Plan:
        if not self._active:
            return Plan()
        view = views.gnmi(tree)
        port = view.port if self._port_option is None else self._port_option
        secure = view.secure_port if self._secure_port_option is None else self._secure_port_option
        return Plan(port if view.insecure else None, secure if view.secure else None)

    def _applied(self) -> Plan:
        return Plan(
            self._plain.asked if self._plain else None,
            self._tls.asked if self._tls else None,
        )

    async def sync(self) -> None:
        """Make the servers match running (serialised: commits in a row end in the state of the last)."""
        async with self._lock:
            plan = self._plan(self._running())
            if plan.port != (self._plain.asked if self._plain else None):
                self._plain = await self._replace(self._plain, plan.port, tls=False)
            if plan.secure_port != (self._tls.asked if self._tls else None):
                self._tls = await self._replace(self._tls, plan.secure_port, tls=True)

    async def _replace(self, old: _Listener | None, asked: int | None, *, tls: bool) -> _Listener | None:
        """Stop ``old`` and start a server on ``asked`` (None: none); a port 0 already chosen is reused."""
        name = "gNMI (TLS)" if tls else "gNMI"
        if old is not None:
            await old.server.stop()
            log.info("%s stopped", name)
        if asked is None:
            return None
        try:
            await asyncio.to_thread(_import_server)  # the loop serves the other sessions meanwhile
            from iosxe_agent.gnmi.server import GnmiServer
            from iosxe_agent.gnmi.subscribe import Subscriptions

            if self.subscriptions is None:
                self.subscriptions = Subscriptions(self.limits.gnmi_max_subscriptions)
            credentials, trustpoint = await self._credentials() if tls else (None, "")
            server = GnmiServer(self.api, self.login, self.subscriptions, self.limits)
            bound = await server.start(self.host, asked or self._chosen.get(tls, 0), credentials)
        except ListenError as exc:
            log.error("%s not started: %s", name, exc)
            return None
        if asked == 0:
            self._chosen.setdefault(tls, bound)
        suffix = f" (trustpoint {trustpoint})" if tls else ""
        log.info("%s on %s:%d%s", name, self.host, bound, suffix)
        return _Listener(server, asked, bound)

    async def _credentials(self) -> tuple[grpc.ServerCredentials, str]:
        number = configured_number(native_of(self._running()))  # running names the box's trustpoint already
        cert = await asyncio.to_thread(device_certificate, self._cert_dir, self.host, number)
        key_pem, cert_pem = await asyncio.to_thread(lambda: (cert.key.read_bytes(), cert.cert.read_bytes()))
        import grpc

        return grpc.ssl_server_credentials([(key_pem, cert_pem)]), cert.trustpoint


def _import_server() -> None:
    """Import the gRPC server side (grpc, protobuf, the mapping layer): only a device that serves gNMI pays."""
    import iosxe_agent.gnmi.server
    import iosxe_agent.gnmi.subscribe  # noqa: F401
