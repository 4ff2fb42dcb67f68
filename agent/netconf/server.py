"""The NETCONF-over-SSH listener (RFC 6242): asyncssh in, :class:`NetconfSession` per ``netconf`` subsystem.

This is the only NETCONF module that touches sockets. Who may log in is decided by an :class:`Authenticator`
supplied by the device, so the generic layer never knows about usernames, privilege levels or AAA.

The listener enforces the connection bounds of :class:`~agent.limits.Limits`, as OpenSSH's ``MaxStartups``,
``MaxAuthTries`` and ``LoginGraceTime`` do: at most ``max_unauthenticated`` connections may be between TCP accept
and a successful login (the rest are disconnected at once, so a flood of half-open or slow-loris connections
cannot starve real clients), ``max_auth_tries`` wrong passwords end a connection, and ``login_timeout_s`` ends
one that has not logged in. Session channels are counted from the moment they are opened (not when the hello
completes), so a burst of channels cannot slip past ``max_netconf_sessions`` or ``max_sessions_per_user``; a
refused channel gets an SSH "administratively prohibited" reply whose text names the limit.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import asyncssh

from agent.netconf.services import NetconfServices
from agent.netconf.session import NetconfSession

log = logging.getLogger(__name__)


class Authenticator(Protocol):
    """Decides NETCONF logins (the device checks AAA method lists and privilege 15)."""

    async def authenticate(self, user: str, password: str, peer: str | None) -> bool:
        """True if ``user`` may open a NETCONF session with ``password``."""
        ...


class _ChannelTransport:
    """Adapts an asyncssh channel to the session's :class:`~agent.netconf.session.Transport`."""

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def write(self, data: bytes) -> None:
        self._chan.write(data)

    def close(self) -> None:
        self._chan.close()

    def write_buffer_size(self) -> int:
        """Bytes written but not yet sent (notification delivery waits while this is large)."""
        return int(self._chan.get_write_buffer_size())

    def pause_reading(self) -> None:
        self._chan.pause_reading()

    def resume_reading(self) -> None:
        self._chan.resume_reading()


class _SubsystemSession(asyncssh.SSHServerSession[bytes]):
    """One SSH channel; becomes a NETCONF session when the ``netconf`` subsystem is requested."""

    def __init__(self, server: NetconfServer, user: str, peer: str | None) -> None:
        self._server = server
        self._user = user
        self._peer = peer
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._session: NetconfSession | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:  # type: ignore[override]
        self._chan = chan

    def shell_requested(self) -> bool:
        return False

    def exec_requested(self, command: str) -> bool:
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        return subsystem == "netconf"

    def session_started(self) -> None:
        assert self._chan is not None
        services = self._server.services
        session = NetconfSession(
            session_id=services.sessions.allocate(),
            user=self._user,
            services=services,
            transport=_ChannelTransport(self._chan),
            source_host=self._peer,
            on_close=self._server.session_closed,
        )
        self._session = session
        services.sessions.add(session)
        for hook in services.session_started_hooks:
            hook(session)
        log.info("NETCONF session %d opened by %s from %s", session.session_id, self._user, self._peer)
        session.start()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if self._session is not None:
            self._session.data_received(data)

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._server.channel_closed(self._user)
        if self._session is not None:
            self._session.connection_lost()


class _SSHServer(asyncssh.SSHServer):
    """Per-connection SSH policy: password authentication through the device's authenticator."""

    def __init__(self, server: NetconfServer) -> None:
        self._server = server
        self._conn: asyncssh.SSHServerConnection | None = None
        self._peer: str | None = None
        self._user = ""
        self._pending = False  # counted in the server's unauthenticated connections
        self._failures = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername")
        self._peer = peer[0] if peer else None
        limit = self._server.services.limits.max_unauthenticated
        if self._server.unauthenticated >= limit:  # not counted: it is on its way out
            log.warning("NETCONF connection from %s refused: %d unauthenticated connections", self._peer, limit)
            text = f"Too many unauthenticated connections (max_unauthenticated={limit})"
            asyncio.get_running_loop().call_soon(conn.disconnect, asyncssh.DISC_TOO_MANY_CONNECTIONS, text)
            return
        self._pending = True
        self._server.unauthenticated += 1

    def _settled(self) -> None:
        """Leave the unauthenticated count (authenticated or gone), exactly once."""
        if self._pending:
            self._pending = False
            self._server.unauthenticated -= 1

    def connection_lost(self, exc: Exception | None) -> None:
        self._settled()

    def auth_completed(self) -> None:
        self._settled()

    def begin_auth(self, username: str) -> bool:
        self._user = username
        return True

    def password_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        ok = await self._server.authenticator.authenticate(username, password, self._peer)
        if not ok:
            self._failures += 1
            log.info("NETCONF login failed for %r from %s (%d)", username, self._peer, self._failures)
            tries = self._server.services.limits.max_auth_tries
            if self._failures >= tries and self._conn is not None:
                # before the failure reply goes out, so the client gets no further attempt
                text = f"Too many authentication failures (max_auth_tries={tries})"
                self._conn.disconnect(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, text)
        return ok

    def session_requested(self) -> asyncssh.SSHServerSession[bytes]:
        self._server.open_channel(self._user)  # raises ChannelOpenError at a session limit
        return _SubsystemSession(self._server, self._user, self._peer)


class NetconfServer:
    """The listener of one device's NETCONF face."""

    def __init__(
        self,
        services: NetconfServices,
        authenticator: Authenticator,
        host_keys: Sequence[asyncssh.SSHKey],
        server_version: str = "Cisco-1.25",
    ) -> None:
        self.services = services
        self.authenticator = authenticator
        self._host_keys = list(host_keys)
        self._server_version = server_version
        self._acceptor: asyncssh.SSHAcceptor | None = None
        #: connections between TCP accept and a successful login
        self.unauthenticated = 0
        #: open session channels per user (each may become a NETCONF session)
        self._channels: Counter[str] = Counter()

    def open_channel(self, user: str) -> None:
        """Count a new session channel of ``user``, or refuse it at ``max_netconf_sessions`` /
        ``max_sessions_per_user``.

        Raises:
            asyncssh.ChannelOpenError: a session limit is reached; the text names it.
        """
        limits = self.services.limits
        total = sum(self._channels.values())
        if total >= limits.max_netconf_sessions:
            text = f"Too many NETCONF sessions (max_netconf_sessions={limits.max_netconf_sessions})"
        elif self._channels[user] >= limits.max_sessions_per_user:
            text = f"Too many NETCONF sessions for {user} (max_sessions_per_user={limits.max_sessions_per_user})"
        else:
            self._channels[user] += 1
            return
        log.warning("NETCONF session refused for %s: %s", user, text)
        raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, text)

    def channel_closed(self, user: str) -> None:
        """A session channel of ``user`` is gone."""
        self._channels[user] -= 1
        if self._channels[user] <= 0:
            del self._channels[user]

    async def start(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (port 0 picks a free one); returns the bound port."""
        self._acceptor = await asyncssh.listen(
            host,
            port,
            server_factory=lambda: _SSHServer(self),
            server_host_keys=self._host_keys,
            server_version=self._server_version,
            encoding=None,
            login_timeout=self.services.limits.login_timeout_s,
            allow_pty=True,  # scrapli-netconf's system transport runs `ssh -tt … -s netconf`; a refused pty ends it
            line_editor=False,
            x11_forwarding=False,
            agent_forwarding=False,
            keepalive_interval=0,
        )
        return int(self._acceptor.sockets[0].getsockname()[1])

    def session_closed(self, session: NetconfSession) -> None:
        """Release what a finished session held and forget it."""
        self.services.sessions.remove(session.session_id)
        self.services.stores.session_ended(session.session_id)
        for hook in self.services.session_ended_hooks:
            hook(session.session_id)
        log.info("NETCONF session %d closed", session.session_id)

    async def stop(self) -> None:
        """Close the listener and every session."""
        for s in list(self.services.sessions.sessions.values()):
            s.close()
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        await asyncio.sleep(0)
