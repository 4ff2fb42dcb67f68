"""The NETCONF-over-SSH listener (RFC 6242): asyncssh in, :class:`NetconfSession` per ``netconf`` subsystem.

This is the only NETCONF module that touches sockets. Who may log in is decided by an :class:`Authenticator`
supplied by the device, so the generic layer never knows about usernames, privilege levels or AAA.

The listener enforces the connection bounds of :class:`~iosxe_agent.limits.Limits` the way OpenSSH does, so idle
connections cannot lock administrators out (:mod:`iosxe_agent.netconf.admission` decides): at most
``max_unauthenticated`` connections may be between TCP accept and a successful login (``MaxStartups``), at most
``max_unauthenticated_per_source`` of them from one address (``PerSourceMaxStartups``), with a random early drop
from ``early_drop_start_percent`` of the bound on (``MaxStartups start:rate:full``) that spares a source's first
waiting connection; when the table is full, the oldest waiting connection of the address holding the most makes
room for an address that holds fewer. ``max_auth_tries`` wrong passwords end a connection and
``login_timeout_s`` (30 s, OpenSSH's ``LoginGraceTime``) ends one that has not logged in. After the login, a user
holds at most ``max_connections_per_user`` connections, and a connection with no open channel, or a channel that
has not started the ``netconf`` subsystem, is closed after ``auth_idle_timeout_s``. Session channels are counted
from the moment they are opened (not when the hello completes), so a burst of channels cannot slip past
``max_netconf_sessions`` or ``max_sessions_per_user`` (16 of the 64, so one account cannot refuse every other
administrator); a refused channel gets an SSH "administratively prohibited" reply whose text names the limit.
A session then ends after ``idle_timeout_s`` without a request (an hour by default).
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol

import asyncssh

from iosxe_agent import sshcipher, sshflow
from iosxe_agent.limits import Limits
from iosxe_agent.netconf import admission
from iosxe_agent.netconf.admission import Admission, IdleGuard
from iosxe_agent.netconf.services import NetconfServices
from iosxe_agent.netconf.session import NetconfSession

log = logging.getLogger(__name__)


class Authenticator(Protocol):
    """Decides NETCONF logins (the device checks AAA method lists and privilege 15)."""

    async def authenticate(self, user: str, password: str, peer: str | None) -> bool:
        """True if ``user`` may open a NETCONF session with ``password``."""
        ...


class _ChannelTransport:
    """Adapts an asyncssh channel to the session's :class:`~iosxe_agent.netconf.session.Transport`, with backpressure.

    The channel reports (``pause_writing``/``resume_writing``, through :class:`_SubsystemSession`) when more than
    ``max_pending_output_bytes`` wait for the peer's SSH window; :meth:`drain` lets the session wait for that
    instead of piling up replies. A peer that leaves the output stuck for ``stalled_output_timeout_s`` reads
    nothing at all, and a clean close would wait for it for ever (asyncssh sends the channel close only after the
    buffered data), so its whole SSH connection is aborted, as OpenSSH does with an unanswered ClientAlive.
    """

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes], limits: Limits) -> None:
        self._chan = chan
        self._stall_timeout = limits.stalled_output_timeout_s
        self._writable = asyncio.Event()
        self._writable.set()
        self._stall_timer: asyncio.TimerHandle | None = None
        high = limits.max_pending_output_bytes
        chan.set_write_buffer_limits(high=high, low=high // 4)

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

    async def drain(self) -> None:
        """Return once the pending output is back under the bound (at once if it is)."""
        await self._writable.wait()

    def pause_writing(self) -> None:
        """The pending output passed ``max_pending_output_bytes``: start the stall clock."""
        self._writable.clear()
        if self._stall_timeout > 0 and self._stall_timer is None:
            self._stall_timer = asyncio.get_running_loop().call_later(self._stall_timeout, self._stalled)

    def resume_writing(self) -> None:
        """The peer read enough: waiting writers go on and the stall clock stops."""
        self._writable.set()
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None

    def _stalled(self) -> None:
        self._stall_timer = None
        conn = self._chan.get_connection()
        log.warning(
            "NETCONF peer %s read none of %d pending bytes for %g s (stalled_output_timeout_s); disconnecting",
            conn.get_extra_info("peername"),
            self._chan.get_write_buffer_size(),
            self._stall_timeout,
        )
        conn.abort()


class _SubsystemSession(asyncssh.SSHServerSession[bytes]):
    """One SSH channel; becomes a NETCONF session when the ``netconf`` subsystem is requested."""

    def __init__(self, server: NetconfServer, user: str, peer: str | None) -> None:
        self._server = server
        self._user = user
        self._peer = peer
        self._transport: _ChannelTransport | None = None
        self._session: NetconfSession | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._transport = _ChannelTransport(chan, self._server.services.limits)

    def pause_writing(self) -> None:
        if self._transport is not None:
            self._transport.pause_writing()

    def resume_writing(self) -> None:
        if self._transport is not None:
            self._transport.resume_writing()

    def shell_requested(self) -> bool:
        return False

    def exec_requested(self, command: str) -> bool:
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        return subsystem == "netconf"

    def session_started(self) -> None:
        assert self._transport is not None
        services = self._server.services
        session = NetconfSession(
            session_id=services.sessions.allocate(),
            user=self._user,
            services=services,
            transport=self._transport,
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
        if self._transport is not None:
            self._transport.resume_writing()  # stops the stall clock
        if self._session is not None:
            self._session.connection_lost()


class _SSHServer(asyncssh.SSHServer):
    """Per-connection SSH policy: admission, password authentication through the device's authenticator, and the
    authenticated-idle clock."""

    def __init__(self, server: NetconfServer) -> None:
        self._server = server
        self._conn: asyncssh.SSHServerConnection | None = None
        self._peer: str | None = None
        self._user = ""
        self._failures = 0
        self._idle = IdleGuard(server.services.limits.auth_idle_timeout_s, self._idle_timeout)

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername")
        self._peer = peer[0] if peer else None
        self._server.connections.add(self)
        self._server.admit(self)

    @property
    def peer(self) -> str | None:
        """The client's address."""
        return self._peer

    def disconnect_soon(self, text: str, code: int = asyncssh.DISC_TOO_MANY_CONNECTIONS) -> None:
        """Disconnect once the current callback is done (asyncssh is mid-accept or mid-authentication when
        admission decides)."""
        if self._conn is not None:
            asyncio.get_running_loop().call_soon(self._conn.disconnect, code, text)

    def connection_lost(self, exc: Exception | None) -> None:
        self._idle.close()
        self._server.connections.discard(self)
        self._server.admission.gone(self)
        if self._user:  # logged after the connection stopped counting against the user's bound
            log.info("NETCONF connection of %s from %s closed", self._user, self._peer)

    def auth_completed(self) -> None:
        if self._server.logged_in(self, self._user):
            self._idle.arm()

    def _idle_timeout(self) -> None:
        limit = self._server.services.limits.auth_idle_timeout_s
        log.info("NETCONF connection of %s from %s closed: no session for %gs", self._user, self._peer, limit)
        self.disconnect_soon(f"No NETCONF session within auth_idle_timeout_s={limit:g}", asyncssh.DISC_BY_APPLICATION)

    def begin_auth(self, username: str) -> bool:
        self._user = username
        self._server.admission.engaged(self)  # past the key exchange: not an idle socket any more
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

    def session_requested(self) -> tuple[asyncssh.SSHServerChannel[bytes], asyncssh.SSHServerSession[bytes]]:
        self._server.open_channel(self._user)  # raises ChannelOpenError at a session limit
        assert self._conn is not None
        chan: asyncssh.SSHServerChannel[bytes] = self._conn.create_server_channel()
        self._idle.hold(chan.wait_closed())
        timeout = self._server.services.limits.auth_idle_timeout_s
        if timeout > 0:  # a channel that never asks for the subsystem holds a session slot: it gets the same time
            asyncio.get_running_loop().call_later(timeout, self._require_netconf, chan)
        return chan, _SubsystemSession(self._server, self._user, self._peer)

    def _require_netconf(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        if not chan.is_closing() and chan.get_subsystem() != "netconf":
            log.info("NETCONF channel of %s from %s closed: no netconf subsystem started", self._user, self._peer)
            chan.close()


class NetconfServer:
    """The listener of one device's NETCONF face."""

    def __init__(
        self,
        services: NetconfServices,
        authenticator: Authenticator,
        host_keys: Sequence[asyncssh.SSHKey],
        server_version: str = "Cisco-1.25",
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.services = services
        self.authenticator = authenticator
        self._host_keys = list(host_keys)
        self._server_version = server_version
        self._acceptor: asyncssh.SSHAcceptor | None = None
        #: connections waiting to log in (by source) and logged-in connections (by user); ``draw`` is its dice
        self.admission: Admission[_SSHServer] = Admission(draw)
        #: open session channels per user (each may become a NETCONF session)
        self._channels: Counter[str] = Counter()
        #: every SSH connection from accept to close, so :meth:`stop` can end them (the listener's close does not)
        self.connections: set[_SSHServer] = set()

    def admit(self, conn: _SSHServer) -> None:
        """Admit a new TCP connection to the login phase, or disconnect it (and a waiting one it displaces)."""
        limits = self.services.limits
        full = limits.max_unauthenticated
        admission.admit(self.admission, conn, limits, full, face="NETCONF", full_name=f"max_unauthenticated={full}")

    def logged_in(self, conn: _SSHServer, user: str) -> bool:
        """Count an authenticated connection of ``user``; False (and disconnecting) at ``max_connections_per_user``."""
        return admission.log_in(
            self.admission, conn, user, self.services.limits.max_connections_per_user, face="NETCONF"
        )

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

    async def start(self, host: str, port: int, sock: socket.socket | None = None) -> int:
        """Listen on ``host:port`` (port 0 picks a free one), or serve on ``sock`` if it already listens (see
        :mod:`iosxe_agent.listeners`); returns the bound port."""
        sshflow.install()  # a peer that outwrites its session must not grow our buffers
        sshcipher.install()  # no IGNORE packet before each reply, chacha20-poly1305 without 3 ciphers a packet
        self._acceptor = await asyncssh.listen(
            host,
            port,
            sock=sock,
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
        """Close the listener, every session and then every SSH connection (logged in or not): after ``no
        netconf-yang`` a client sees its connection end, as on IOS, not an SSH connection left without a server."""
        for s in list(self.services.sessions.sessions.values()):
            s.close()
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        for conn in list(self.connections):
            conn.disconnect_soon("NETCONF server stopped", asyncssh.DISC_BY_APPLICATION)
        await asyncio.sleep(0)
