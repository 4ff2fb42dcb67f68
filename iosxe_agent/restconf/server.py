"""The RESTCONF HTTPS listener: aiohttp on a socket the device hands it, Basic authentication, the bounds.

HTTP/1.1 over TLS with the device certificate (:mod:`iosxe_agent.restconf.certificate`). Every request is
authenticated before its body is read (so an anonymous peer cannot make us buffer anything), then turned into a
:class:`~iosxe_agent.restconf.handlers.Request` for :class:`~iosxe_agent.restconf.handlers.RestconfApi`. Bounds
(``iosxe_agent.limits``): ``restconf_max_body_bytes`` (413 ``too-big``), ``restconf_max_header_bytes`` (aiohttp
answers 400 itself), ``restconf_max_connections`` (a connection over the bound is closed at accept, before TLS),
``restconf_timeout_s`` (TLS handshake, an idle keep-alive connection, reading a body: 408 beyond).

The authenticator the device hands over is :class:`~iosxe_agent.restconf.auth.RestconfLogin` behind the device's
login quiet mode (``login block-for``, :class:`~iosxe_agent.device.aaa.quiet_mode.QuietLogin`), as for SSH and
NETCONF: failures count towards quiet mode, and while it lasts every request is refused with 401, whatever its
credentials. (IOS's quiet-mode ACL ``sl_def_acl`` drops new connections to port 80; for HTTPS the refusal is the
HTTP server's own 401.)
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from pathlib import Path

from aiohttp import web

from iosxe_agent.limits import Limits
from iosxe_agent.netconf.server import Authenticator
from iosxe_agent.restconf.auth import basic_credentials
from iosxe_agent.restconf.errors import fault
from iosxe_agent.restconf.handlers import RestconfApi
from iosxe_agent.restconf.messages import Request, Response

log = logging.getLogger(__name__)
#: the realm IOS XE's HTTP server names in its challenge
REALM = "level_15 or view_access"
SHUTDOWN_S = 2.0
#: the ``Server`` header of IOS XE 17.12's RESTCONF (its web server fronts the management process)
SERVER = "nginx"


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A server TLS context for the device certificate: TLS 1.2 or later, as 17.12's ``ip http tls-version``
    default allows."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


class _Refused(asyncio.Protocol):
    """A connection over ``restconf_max_connections``: closed as soon as it is accepted."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


class RestconfServer:
    """One running HTTPS listener (start, stop); a new one is made each time RESTCONF is turned on."""

    def __init__(self, api: RestconfApi, login: Authenticator, limits: Limits) -> None:
        self.api = api
        self.login = login
        self.limits = limits
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None

    async def start(self, sock: socket.socket, tls: ssl.SSLContext) -> None:
        """Serve on ``sock`` (bound and listening) until :meth:`stop`."""
        limits = self.limits
        app = web.Application(client_max_size=limits.restconf_max_body_bytes)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            keepalive_timeout=limits.restconf_timeout_s,
            max_line_size=limits.restconf_max_header_bytes,
            max_field_size=limits.restconf_max_header_bytes,
            shutdown_timeout=SHUTDOWN_S,
        )
        await runner.setup()
        server = runner.server
        assert server is not None  # set by setup()

        def protocol() -> asyncio.BaseProtocol:
            if len(server.connections) >= limits.restconf_max_connections:
                return _Refused()
            return server()

        loop = asyncio.get_running_loop()
        self._runner = runner
        self._listener = await loop.create_server(
            protocol, sock=sock, ssl=tls, ssl_handshake_timeout=limits.restconf_timeout_s or None
        )

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        accept = request.headers.get("Accept")
        content_type = request.headers.get("Content-Type")
        peer = request.remote
        credentials = basic_credentials(request.headers.get("Authorization"))
        if credentials is None or not await self.login.authenticate(*credentials, peer):
            if credentials is not None:
                log.info("RESTCONF login failed for %r from %s", credentials[0], peer)
            denied = fault("access-denied", "access denied", error_type="protocol")
            response = self.api.error_response(denied, accept, content_type)
            return _http(response, (("WWW-Authenticate", f'Basic realm="{REALM}"'),))
        try:
            async with asyncio.timeout(self.limits.restconf_timeout_s or None):
                body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            limit = self.limits.restconf_max_body_bytes
            too_big = fault("too-big", f"the body exceeds {limit} bytes (restconf_max_body_bytes)", status=413)
            return _http(self.api.error_response(too_big, accept, content_type))
        except TimeoutError:
            slow = fault("operation-failed", "the body was not received in time (restconf_timeout_s)", status=408)
            return _http(self.api.error_response(slow, accept, content_type))
        req = Request(
            method=request.method,
            path=request.rel_url.raw_path,
            user=credentials[0],
            query=tuple(request.rel_url.query.items()),
            headers=request.headers,
            body=body,
            peer=peer,
        )
        return _http(await self.api.handle(req))


def _http(response: Response, extra: tuple[tuple[str, str], ...] = ()) -> web.Response:
    headers = {"Server": SERVER, **dict(response.headers + extra)}
    if response.content_type is not None:
        headers["Content-Type"] = response.content_type
    return web.Response(status=response.status, body=response.body or None, headers=headers)
