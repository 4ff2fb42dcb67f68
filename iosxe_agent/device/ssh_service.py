"""The device's own SSH server (CLI shell, exec commands, SCP), driven by the committed configuration.

asyncssh does the protocol; this module decides policy. The current :class:`~iosxe_agent.device.views.SshView` is
swapped in by the reconciler after each commit: listener-wide options (host key, ciphers, key exchange) go
through ``SSHAcceptor.update()`` and apply to new connections, while per-connection decisions (login time, retries,
maxstartups, pubkey chain, vty lines) read the swapped view, and logins ask for the AAA view of running on every
attempt. Existing sessions
are never disturbed by a configuration change, as on IOS. The server exists only while a usable RSA host key
does (``%SSH-5-ENABLED`` / ``%SSH-5-DISABLED``).

Admission (:mod:`iosxe_agent.netconf.admission`, shared with the NETCONF port): ``ip ssh maxstartups`` stays the
bound on connections that have not logged in, with the OpenSSH-style per-source bound, random early drop (scaled to
maxstartups) and eviction of a flooding address's oldest idle socket from :class:`~iosxe_agent.limits.Limits`; a user
holds at most ``max_connections_per_user`` authenticated connections, and one with no open channel is closed after
``auth_idle_timeout_s``.

Every session channel gets a :class:`~iosxe_agent.device.device_session.DeviceSession` (from ``session_requested``):
shell and exec run the CLI, ``scp`` commands the IOS file system (:mod:`iosxe_agent.device.scp`), and the SFTP
subsystem is refused unless ``sftp`` (``--sftp``). asyncssh only asks ``session_requested`` when no process/session/SFTP
factory is given to ``listen``, so those live on the session object, not in the listener options.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import random
import socket
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

import asyncssh

from iosxe_agent import sshcipher, sshflow
from iosxe_agent.datastore.store import Stores
from iosxe_agent.device import ssh_events, ssh_tap, ssh_wire, views
from iosxe_agent.device.aaa.accounting import ExecAccounting
from iosxe_agent.device.aaa.authorization import ExecGrant, authorize_exec
from iosxe_agent.device.aaa.conversation import Conversation, Question
from iosxe_agent.device.aaa.login import LoginRequest, LoginResult, check_login
from iosxe_agent.device.aaa.network import NetworkAaa
from iosxe_agent.device.aaa.quiet_mode import Attempt, QuietMode
from iosxe_agent.device.aaa.tacacs import Converse
from iosxe_agent.device.debug import SSH_DETAIL_SWITCHES, SSH_PACKET_SWITCHES, DebugFlags
from iosxe_agent.device.device_session import DeviceSession, close_record, open_record
from iosxe_agent.device.filesystem import DeviceFiles
from iosxe_agent.device.keys import KeyStore
from iosxe_agent.device.rotary import RotaryListeners
from iosxe_agent.device.sessions import SessionInfo, SessionRegistry, tty_name
from iosxe_agent.device.ssh_algorithms import offer
from iosxe_agent.device.ssh_debug import Line, SshTrace
from iosxe_agent.device.views import RotaryPort, SshView, VtyLine
from iosxe_agent.limits import DEFAULT_LIMITS, Limits
from iosxe_agent.netconf import admission
from iosxe_agent.netconf.admission import Admission, IdleGuard

log = logging.getLogger(__name__)

SERVER_VERSION = "Cisco-1.25"
SSH_SWITCHES = SSH_DETAIL_SWITCHES | SSH_PACKET_SWITCHES  # any of them makes a connection trace its packets
#: What runs a session once it is authenticated: (process, session record, service) -> awaitable.
ShellRunner = Callable[[asyncssh.SSHServerProcess[str], SessionInfo], Awaitable[None]]


@functools.cache
def gss_host() -> str:
    """The host name asyncssh's server options use for GSS (``gss_host``), computed as asyncssh computes it when
    not given: the name, else its FQDN. asyncssh recomputes it, with a resolver look-up, each time the options are
    built; passing it keeps the listener the same and makes a commit that changes the SSH view cost no DNS query."""
    name = socket.gethostname()
    return name if "." in name else socket.getfqdn()


def key_hash(key: asyncssh.SSHKey) -> str:
    """IOS ``key-hash``: upper-case hex MD5 of the public key blob (``ssh-keygen -E md5`` without colons)."""
    return hashlib.md5(key.public_data, usedforsecurity=False).hexdigest().upper()


class SshService:
    """One device's SSH listener and the SSH view it follows."""

    def __init__(
        self,
        keys: KeyStore,
        stores: Stores,
        registry: SessionRegistry,
        host: str,
        port: int,
        shell: ShellRunner,
        syslog: Callable[[str], None],
        debug: DebugFlags,
        limits: Limits = DEFAULT_LIMITS,
        files: DeviceFiles | None = None,
        sftp: bool = False,
        network: NetworkAaa | None = None,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.keys = keys
        self.stores = stores
        self.registry = registry
        self.host = host
        self.port = port
        self.shell = shell
        self.syslog = syslog  # the device's IOS log: %SSH-5-ENABLED, SSH2_USERAUTH, `debug ip ssh` lines
        self.view = SshView()  # swapped by the reconciler on every commit that changes it
        #: what the listener offers (IOS XE 17.12's algorithm lists as configured), set with its options
        self.wire: ssh_wire.Wire | None = None
        self.limits = limits  # the admission defences both SSH faces share (per source, per user, idle)
        #: connections waiting to log in (by source, up to `ip ssh maxstartups`) and logged in (by user)
        self.admission: Admission[_Connection] = Admission(draw)
        self.session_end_hooks: list[Callable[[SessionInfo], None]] = []
        self.debug = debug  # the device's, shared with the CLI: "ssh" turns on `debug ip ssh` lines
        #: True while debug lines are being written: the packets carrying them to a `terminal monitor` session are
        #: not traced, or each line would print more lines about itself without end
        self.printing_debug = False
        #: traces of packets sent, shown once the write that sent them is done (:meth:`hold_debug`)
        self._held_debug: list[Line] = []
        self._connections = 0
        self._acceptor: asyncssh.SSHAcceptor | None = None
        #: a socket already listening on the port (see :meth:`adopt`), used by the first start of the listener
        self._adopted: socket.socket | None = None
        self._host_key_label: str | None = None
        self._host_key_blob = b""  # the public key served: new material under the same name restarts SSH (IOS)
        #: the listener options of the last (algorithms, DH minimum, host key) (see :meth:`_options`)
        self._listed: tuple[tuple[object, ...], dict[str, Any]] | None = None
        #: the options the listeners were last given: a view that changes none of them is not pushed again
        self._applied: dict[str, Any] | None = None
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self.rotary = RotaryListeners(self._listen_rotary)  # `ip ssh port P rotary A [B]`
        self.files = files  # the IOS file system SCP serves (flash:, running-config, startup-config)
        self.sftp = sftp  # --sftp: serve the SFTP subsystem too (IOS XE has none)
        self.network = network or NetworkAaa()  # TACACS+ / RADIUS servers and their counters
        self.accounting = ExecAccounting(stores, self.network)
        #: login quiet mode (`login block-for`), shared with the NETCONF port's authenticator
        self.quiet = QuietMode(
            lambda: views.login(stores.running),
            emit=syslog,
            schedule=lambda delay, callback: asyncio.get_running_loop().call_later(delay, callback),
        )

    # -- policy ---------------------------------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        """True while the server is listening."""
        return self._acceptor is not None

    @property
    def host_key_label(self) -> str | None:
        """The label of the RSA key the server presents (None while disabled)."""
        return self._host_key_label

    def _choose_host_key(self) -> tuple[str, asyncssh.SSHKey] | None:
        """``ip ssh rsa keypair-name`` if set (and present: a general key or a usage pair's signature half),
        otherwise the first general-purpose key generated (:func:`iosxe_agent.device.keys.host_key_name`)."""
        return self.keys.host_key(self.view.keypair_name)

    def _options(self, key: asyncssh.SSHKey) -> dict[str, Any]:
        """Listener options: the algorithm lists of the view (:mod:`.ssh_wire`) and the host key, rebuilt only when
        what they depend on changed (most commits change neither). The login time is not one of them: each
        connection arms its own clock from the view (:meth:`_Connection.connection_made`), so ``ip ssh time-out``
        is in force for the next connection without asyncssh preparing every option again (its ``update``
        re-checks the keys and algorithm lists: ~0.3 ms of a one-leaf commit)."""
        p = self.view
        depends = (p.algorithms, p.dh_min, key.public_data)
        if self._listed is None or self._listed[0] != depends:
            self.wire = ssh_wire.wire(offer(p.algorithms, p.dh_min), (key.get_algorithm(),))
            self._listed = (depends, {"gss_host": gss_host(), **ssh_wire.listen_options(self.wire, key)})
        return {"login_timeout": 0, **self._listed[1]}  # 0: asyncssh's own login clock off

    def auth_methods(self) -> tuple[str, ...]:
        """The user authentication methods offered (``ip ssh server algorithm authentication``)."""
        return self.wire.authentication if self.wire is not None else offer(self.view.algorithms, 0).authentication

    def adopt(self, sock: socket.socket) -> None:
        """Serve on ``sock``, already listening (:mod:`iosxe_agent.listeners`: a busy port is reported before the
        device writes anything); its port is the device's SSH port from now on."""
        self._adopted = sock
        self.port = int(sock.getsockname()[1])

    async def apply(self, view: SshView) -> None:
        """Follow a new view: start, stop or update the listener as the host key and options require."""
        self.view = view
        await self.sync()

    def apply_soon(self, view: SshView) -> None:
        """Swap the view now (new connections see it at once) and resync the listener in the background."""
        self.view = view
        chosen = self._choose_host_key()
        if self._acceptor is not None and chosen is not None and chosen[0] == self._host_key_label:
            options = self._options(chosen[1])
            if options != self._applied:  # a view that changes no listener option is not pushed again
                self._acceptor.update(**options)  # synchronous: in force for the next connection
                self.rotary.update(options)
                self._applied = options
            if not self.rotary.differs(view.rotary_ports):
                return
        self.sync_soon()

    def sync_soon(self) -> None:
        """Resync the listener in the background (after a key was generated or zeroized, or a new host key)."""
        task = asyncio.get_running_loop().create_task(self.sync())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def sync(self) -> None:
        """Bring the listener in line with the view and the key store."""
        async with self._lock:
            chosen = self._choose_host_key()
            if chosen is None:
                self._release_adopted()  # no key, no SSH: the port refuses connections, as on IOS
                if self._acceptor is not None:
                    self._acceptor.close()
                    await self._acceptor.wait_closed()
                    self._acceptor = None
                    self._host_key_label = None
                    self._applied = None
                    self.syslog("%SSH-5-DISABLED: SSH 2.0 has been disabled")
                await self.rotary.sync((), None)
                return
            label, key = chosen
            if self._acceptor is None:
                sshflow.install()  # a peer that outwrites its session must not grow our buffers
                ssh_tap.install()  # each packet reaches its connection's `debug ip ssh` trace
                sshcipher.install()  # no IGNORE packet before each packet under AEAD/CTR; chacha20 states kept
                sock, self._adopted = self._adopted, None
                self._acceptor = await asyncssh.listen(
                    self.host,
                    self.port,
                    sock=sock,
                    server_factory=lambda: _Connection(self),  # its session_requested() runs CLI, SCP, SFTP
                    server_version=SERVER_VERSION,
                    x11_forwarding=False,
                    agent_forwarding=False,
                    reuse_address=True,
                    **self._options(key),
                )
                self.port = int(self._acceptor.sockets[0].getsockname()[1])
                self._host_key_label = label
                self.syslog("%SSH-5-ENABLED: SSH 2.0 has been enabled")
            else:
                self._acceptor.update(**self._options(key))
                self._host_key_label = label
                if key.public_data != self._host_key_blob:  # replaced keys: IOS disables and re-enables SSH
                    self.syslog("%SSH-5-DISABLED: SSH 2.0 has been disabled")
                    self.syslog("%SSH-5-ENABLED: SSH 2.0 has been enabled")
            self._host_key_blob = key.public_data
            self._applied = self._options(key)
            await self.rotary.sync(self.view.rotary_ports, self._applied)

    async def _listen_rotary(self, group: RotaryPort, options: dict[str, Any]) -> asyncssh.SSHAcceptor:
        """The listener of one ``ip ssh port … rotary`` port: the main one's options, on the device's address;
        its connections only take lines of the rotary group."""
        return await asyncssh.listen(
            self.host,
            group.port,
            server_factory=lambda: _Connection(self, group),
            server_version=SERVER_VERSION,
            x11_forwarding=False,
            agent_forwarding=False,
            reuse_address=True,
            **options,
        )

    def _release_adopted(self) -> None:
        """Close an adopted socket no listener took (SSH disabled, or stopped before it started): an unserved
        listening socket would let clients connect and hang instead of being refused."""
        if self._adopted is not None:
            self._adopted.close()
            self._adopted = None

    async def stop(self) -> None:
        """Close the listener (sessions end with the process)."""
        self._release_adopted()
        await self.rotary.close()
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None

    # -- helpers the connections use ------------------------------------------------------------------------------
    def admit(self, conn: _Connection) -> None:
        """Admit a new TCP connection to the login phase, or disconnect it: ``ip ssh maxstartups`` stays the bound
        of waiting connections (IOS), with the per-source bound and random early drop scaled to it."""
        full = self.view.maxstartups
        admission.admit(
            self.admission, conn, self.limits, full, face="device SSH", full_name=f"ip ssh maxstartups {full}"
        )

    def logged_in(self, conn: _Connection, user: str) -> bool:
        """Count an authenticated connection of ``user``; False (and disconnecting) at ``max_connections_per_user``."""
        return admission.log_in(self.admission, conn, user, self.limits.max_connections_per_user, face="device SSH")

    def show_debug(self, lines: list[Line]) -> None:
        """`debug ip ssh [detail|packet]` lines (to the logging buffer and monitoring terminals) whose switch is on,
        after the held traces of packets sent (:meth:`hold_debug`): the lines come out in the order they happened."""
        self._show_held()
        self._print_debug(lines)

    def hold_debug(self, lines: list[Line]) -> None:
        """Show ``lines`` (the trace of a packet sent) once the write that sent the packet is done, and before any
        later debug line. Why not at once: the packet may carry a monitoring terminal's own output, sent from
        inside that terminal's write, and a line written from inside it is sent in the middle of it (asyncssh's
        line editor sends its pending output again: ``Device#Device#``)."""
        if not self._held_debug:
            asyncio.get_running_loop().call_soon(self._show_held)
        self._held_debug += lines

    def _show_held(self) -> None:
        held, self._held_debug = self._held_debug, []
        self._print_debug(held)

    def _print_debug(self, lines: list[Line]) -> None:
        self.printing_debug = True
        try:
            for switches, text in lines:
                if self.debug.any_of(switches):
                    self.syslog(text)
        finally:
            self.printing_debug = False

    def ssh_line_block(self, group: RotaryPort | None = None) -> VtyLine | None:
        """The first vty block that accepts SSH (whose login list authenticates new connections); on a rotary
        port, the first of the port's rotary groups."""
        return next((v for v in self.view.vty if "ssh" in v.transport and (not group or group.takes(v))), None)

    def free_line(self, group: RotaryPort | None = None) -> tuple[VtyLine, str] | None:
        """A vty line that accepts SSH (on a rotary port: in its groups) and carries no session, lowest first."""
        busy = self.registry.lines_in_use()
        for block in self.view.vty:
            if "ssh" not in block.transport or (group and not group.takes(block)):
                continue
            for i in range(block.count):
                name = block.name(i)
                if name not in busy:
                    return block, name
        return None

    async def _run_process(self, process: asyncssh.SSHServerProcess[str]) -> None:
        conn: _Connection = process.get_extra_info("connection").get_owner()
        await conn.run_session(process)


class _Connection(asyncssh.SSHServer):
    """Per-connection policy: counting, authentication, vty allocation."""

    def __init__(self, service: SshService, group: RotaryPort | None = None) -> None:
        self.service = service
        self.group = group  # the rotary groups of an `ip ssh port … rotary` port: the lines this connection may take
        self.conn: asyncssh.SSHServerConnection | None = None
        self.peer: str | None = None
        self.failures: Counter[str] = Counter()  # failed attempts per authentication method
        self.user = ""
        self.login: LoginResult | None = None
        self.block: VtyLine | None = None
        self.number = 0
        self.request: LoginRequest | None = None
        self.grant: ExecGrant | None = None
        self.conversation: Conversation[bool] | None = None
        self.idle = IdleGuard(service.limits.auth_idle_timeout_s, self._idle_timeout)
        #: `ip ssh logging events`: SSH2_SESSION / SSH2_USERAUTH / SSH2_CLOSE of this connection
        self.events = ssh_events.ConnectionEvents(service.syslog, lambda: service.view.logging_events)
        self.trace = SshTrace(0)  # what `debug ip ssh` has seen of this connection (numbered in connection_made)
        self.login_clock: asyncio.TimerHandle | None = None  # `ip ssh time-out`: until authentication completes

    def wants_packets(self) -> bool:
        """:mod:`iosxe_agent.device.ssh_tap` hands this connection its packets while an SSH switch is on."""
        return self.service.debug.any_of(SSH_SWITCHES) and not self.service.printing_debug

    def bytes_received(self, count: int) -> None:
        self.service.show_debug(self.trace.read(count))

    def packet_sent(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> None:
        self._note_client_version()
        lines = self.trace.sent(pkttype, seq, payload, padlen, encrypted)  # (made now: sequence numbers, lengths)
        if lines:
            self.service.hold_debug(lines)

    def packet_received(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> None:
        self._note_client_version()
        self.service.show_debug(self.trace.received(pkttype, seq, payload, padlen, encrypted))

    def _note_client_version(self) -> None:
        if self.conn is not None and not self.trace.client_version:
            self.trace.client_version = str(self.conn.get_extra_info("client_version") or "")

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        timeout = float(self.service.view.auth_timeout)
        self.login_clock = asyncio.get_running_loop().call_later(timeout, self._login_timed_out)
        peer = conn.get_extra_info("peername")
        self.peer = peer[0] if peer else None
        svc = self.service
        self.number = svc._connections
        svc._connections += 1
        self.trace = SshTrace(self.number)
        self.service.show_debug(self.trace.started(f"SSH-2.0-{SERVER_VERSION}"))
        self.block = svc.ssh_line_block(self.group)
        if self.block is None:
            self.disconnect_soon("No vty line accepts SSH", asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE)
        elif svc.wire is not None and not svc.wire.usable:
            # e.g. `ip ssh dh min size 4096` over a kex list of 2048-bit groups only: no client can agree
            self.disconnect_soon("No matching algorithms offered", asyncssh.DISC_KEY_EXCHANGE_FAILED)
        else:
            svc.admit(self)

    def disconnect_soon(self, text: str, code: int = asyncssh.DISC_TOO_MANY_CONNECTIONS) -> None:
        """Disconnect once the current callback is done (asyncssh is mid-accept or mid-authentication when
        admission decides)."""
        if self.conn is not None:
            asyncio.get_running_loop().call_soon(self.conn.disconnect, code, text)

    def _login_timed_out(self) -> None:
        """``ip ssh time-out`` passed before authentication completed: the connection is dropped as asyncssh's own
        login clock drops it (a lost connection, code 0x0A in ``debug ip ssh``), not with a disconnect message."""
        self.login_clock = None
        if self.conn is not None:
            self.conn.connection_lost(asyncssh.ConnectionLost("Login timeout expired"))

    def _stop_login_clock(self) -> None:
        if self.login_clock is not None:
            self.login_clock.cancel()
            self.login_clock = None

    def _idle_timeout(self) -> None:
        limit = self.service.limits.auth_idle_timeout_s
        log.info("device SSH connection of %s from %s closed: no session for %gs", self.user, self.peer, limit)
        self.disconnect_soon(f"No session within auth_idle_timeout_s={limit:g}", asyncssh.DISC_BY_APPLICATION)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_login_clock()
        self.service.show_debug(self.trace.ended(exc.code if isinstance(exc, asyncssh.DisconnectError) else None))
        self.events.closed()
        if self.conversation is not None:
            self.conversation.close()
        self.idle.close()
        self.service.admission.gone(self)

    def begin_auth(self, username: str) -> bool:
        self.user = username
        self.events.attempted(username)
        if self.conn is not None:
            free = self.service.free_line(self.group)
            self.events.requested(ssh_events.crypto_of(self.conn.get_extra_info, self.peer, free[1] if free else None))
        self.service.admission.engaged(self)  # past the key exchange: not an idle socket any more
        banner = views.banners(self.service.stores.running).login
        if banner and self.conn is not None:
            self.conn.send_auth_banner(banner)  # `banner login`: IOS XE's SSHv2 pre-login banner
        return True

    def auth_completed(self) -> None:
        self._stop_login_clock()
        self.events.succeeded()
        if not self.service.logged_in(self, self.user):
            return
        limit = self.service.view.peruser_limit
        if limit is not None and self.service.registry.count_for(self.user) >= limit:
            self.disconnect_soon("Per-user session limit reached")
            return
        self.idle.arm()

    # -- password and keyboard-interactive ------------------------------------------------------------------------
    def password_auth_supported(self) -> bool:
        return "password" in self.service.auth_methods()

    async def validate_password(self, username: str, password: str) -> bool:
        """A server that asks for a new password (ChPass) turns into SSH's own password change request."""
        asked: list[str] = []

        async def decline(prompt: str, echo: bool) -> str | None:
            asked.append(prompt)
            return None

        ok = await self._check(username, password, decline, count_failure=False)
        if not ok and asked:
            raise asyncssh.PasswordChangeRequired(asked[0].rstrip().rsplit("\n", 1)[0] or "Password expired")
        if not ok:
            self._failed(username, "password")
        return ok

    async def change_password(self, username: str, old_password: str, new_password: str) -> bool:
        """The client's answer to the change request: the old password logs in, the new one answers every
        question the server asks next (new password, re-entered)."""

        async def answer(prompt: str, echo: bool) -> str | None:
            return new_password

        return await self._check(username, old_password, answer, method="password")

    def kbdint_auth_supported(self) -> bool:
        return "keyboard-interactive" in self.service.auth_methods()

    def get_kbdint_challenge(
        self, username: str, lang: str, submethods: str
    ) -> tuple[str, str, str, list[tuple[str, bool]]]:
        return "", "", "", [("Password: ", False)]

    async def validate_kbdint_response(
        self, username: str, responses: Sequence[str]
    ) -> bool | tuple[str, str, str, list[tuple[str, bool]]]:
        """The first round carries the password; a TACACS+ server may then ask more (ChPass), one round each."""
        answer = responses[0] if responses else None
        if self.conversation is not None and self.conversation.waiting:
            outcome = await self.conversation.answer(answer)
        else:
            password = answer or ""
            self.conversation = Conversation(
                lambda converse: self._check(username, password, converse, method="keyboard-interactive")
            )
            outcome = await self.conversation.begin()
        if isinstance(outcome, Question):
            return "", outcome.instructions, "", [(outcome.prompt, outcome.echo)]
        self.conversation = None
        return bool(outcome)

    def _login_port(self) -> str:
        """The TACACS+ port name of the line this login will get (``tty2`` is vty 0, as IOS numbers lines)."""
        free = self.service.free_line(self.group)
        return tty_name(free[1]) if free else "tty0"

    async def _check(
        self,
        username: str,
        password: str,
        converse: Converse | None = None,
        *,
        method: str = "password",
        count_failure: bool = True,
    ) -> bool:
        quiet = self.service.quiet
        if quiet.refuses():
            log.info("device SSH login of %r from %s refused: login quiet mode", username, self.peer)
            return False
        block = self.block
        self.request = LoginRequest(
            username,
            password,
            line=block,
            list_name=block.login_list if block else "default",
            port=self._login_port(),
            rem_addr=self.peer or "",
            converse=converse,
        )
        aaa = views.aaa(self.service.stores.running)
        result = await check_login(aaa, self.request, self.service.network)
        if result.ok:
            # authorize now, so that SCP on this connection knows the level a server granted
            self.grant = await authorize_exec(aaa, result, self.request, self.service.network)
            self.login = replace(result, privilege=self.grant.privilege) if self.grant.allowed else result
            quiet.succeeded(self._attempt(username))
            return True
        await asyncio.sleep(quiet.delay)  # `login delay`
        if count_failure:
            self._failed(username, method)
        return False

    def _failed(self, username: str, method: str) -> None:
        """Count a failed attempt; the last one ``authentication-retries`` allows ends the connection.

        IOS counts retries after the first attempt (the range 0-5 starts at 0: one attempt and no retry), and
        counts them per method: the guide's client transcript against a default device (3 retries) shows three
        keyboard-interactive answers refused, then a password method whose third answer logs in."""
        self.failures[method] += 1
        count = self.failures[method]
        log.info("device SSH login failed for %r from %s (%s, %d)", username, self.peer, method, count)
        self.service.quiet.failed(self._attempt(username))
        if count > self.service.view.auth_retries and self.conn is not None:
            # at once, before the failure reply: the client must not get another attempt
            self.conn.disconnect(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "Too many authentication failures")

    # -- public key -----------------------------------------------------------------------------------------------
    def public_key_auth_supported(self) -> bool:
        return "publickey" in self.service.auth_methods()

    def _attempt(self, username: str) -> Attempt:
        """This connection's login attempt, as the SEC_LOGIN messages name it."""
        return Attempt(username, self.peer or "", self.service.port)

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if self.service.quiet.refuses():
            return False
        ok = key_hash(key) in self.service.view.key_hashes.get(username, frozenset())
        if ok:
            self.service.quiet.succeeded(self._attempt(username))
            entry = views.aaa(self.service.stores.running).user(username)
            self.login = LoginResult(True, entry.privilege if entry else 1, "publickey")
        return ok

    # -- the session ----------------------------------------------------------------------------------------------
    def session_requested(self) -> tuple[asyncssh.SSHServerChannel[str], DeviceSession]:
        assert self.conn is not None
        bulk = self.service.view.bulk_window  # `ip ssh bulk-mode W`: SCP runs in a session channel of window W
        chan: asyncssh.SSHServerChannel[str] = self.conn.create_server_channel(window=bulk or 0)  # 0: asyncssh's
        self.idle.hold(chan.wait_closed())  # the authenticated-idle clock stops while a channel is open
        return chan, DeviceSession(self.service._run_process, self, self.service.sftp)

    async def run_session(self, process: asyncssh.SSHServerProcess[str]) -> None:
        svc = self.service
        line = svc.free_line(self.group)
        if line is None:
            process.stderr.write("% All vty lines are busy\r\n")
            process.exit(1)
            return
        block, name = line
        login = self.login or LoginResult(True)
        port = tty_name(name)
        request = LoginRequest(self.user, "", line=block, port=port, rem_addr=self.peer or "")
        grant = self.grant or await authorize_exec(views.aaa(svc.stores.running), login, request, svc.network)
        if not grant.allowed:
            process.stdout.write("% Authorization failed.\r\n")
            process.exit(1)
            return
        privilege = grant.privilege
        conn = process.get_extra_info("connection")
        mode = "exec" if process.command else "shell"
        info = open_record(svc, conn, self.user, self.peer, line=name, privilege=privilege, mode=mode)
        record = None
        try:
            record = await svc.accounting.session_started(self.user, port, self.peer or "", privilege)
            await svc.shell(process, info)
        finally:
            svc.accounting.session_ended(self.user, record)
            close_record(svc, info)
