"""``ssh``: the device's outgoing SSH client, bridged to the user's terminal.

IOS lets any exec level (1 included) open an SSH session from the router to another host. The grammar (options
in any order, the remote command after the host) is :mod:`iosxe_agent.cli.ssh_client_args`. The session here is
an asyncssh client whose channel is wired to the vty the command was typed on: the user's keystrokes go to the
remote shell unchanged (the local line editor is switched off and the remote side echoes), the remote output goes
to the user, until the remote side closes; then ``[Connection to HOST closed by foreign host]`` and the local
prompt come back. Without a pty (``ssh device "ssh -l …"``) the remote session is opened without one as well. A
remote COMMAND after the host is sent as an exec request and its output printed.

The client says ``SSH-2.0-Cisco-1.25``, offers exactly the cipher of ``-c`` and the MAC of ``-m`` when given (IOS
names mapped to the wire's: ``3des`` is ``3des-cbc``, ``hmac-sha1-160`` is ``hmac-sha1``), and authenticates as
IOS's client does: keyboard-interactive first, then password, each with ``-o numberofpasswordprompts N`` prompts
(default 3: the guide's transcript shows six ``Password:`` prompts). Prompts are the server's, asked on the user's
terminal with the server's echo flag (off for passwords); text a server sends with a prompt (``Your password has
expired.`` …, the ChPass dialogue of a TACACS+-backed server) is printed before it. No key of the device, no
ssh-agent and no OpenSSH configuration of the host running the agent are used.

Host keys (``ip ssh stricthostkeycheck``, read from ``views.ssh_client`` when the command runs): off, every server
key is accepted (IOS's default); on, the key's MD5 hash must be one of the ``ip ssh pubkey-chain`` / ``server
NAME`` key-hashes stored for the host *as typed*, else the session ends with the guide's ``Server Authentication
Failed``.

``debug ip ssh client`` (or ``debug ip ssh``) logs the client's side with IOS 17's prefixes (``SSH CLIENT0:`` /
``SSH2 CLIENT 0:``; the number is the device's client connection slot, the lowest one free): version exchange,
key exchange, each method tried, USERAUTH_SUCCESS, pty-req/shell/exec sent, session open, and every failure.

Messages (our choice where no capture was found, UNVERIFIED): ``% Connection refused by remote host``,
``% Connection timed out; remote host not responding``, ``% Destination unreachable; gateway or host down``,
``% Unknown command or computer name, or unable to find computer address`` (reference §3.3 shows this one),
``% Authentication failed.``, ``[Connection to HOST closed by foreign host]``; a failed negotiation logs
``%SSH-3-NO_MATCH`` and prints ``[Connection to HOST aborted: error status 0]`` (both from a real capture);
``-v 1``: ``% SSH version 1 is not supported`` (17.12 has no SSHv1; our wording); ``-vrf NAME`` naming no
``vrf definition`` (a new device has ``Mgmt-intf``): ``% VRF NAME does not have a valid VPN ID`` (our wording).
``-l user:rotaryN`` /
``user:N`` are sent as the user name unchanged: on IOS they are reverse-SSH requests that the *server* (a terminal
server with ``rotary`` lines) interprets, not the client. Not modelled: the escape sequence (Ctrl-Shift-6 x) that
suspends a session, ``transport output`` restrictions of the line.

A host name is looked up in the ``ip host`` table first (``ip host vrf V`` for ``-vrf V``; read when the command
runs), as IOS does; the address found (else the word as typed) is what the egress policy judges and what the client
connects to. A host the device's egress policy refuses (:mod:`iosxe_agent.device.egress`, ``--egress``) gets the
time-out message at once, without a DNS query or a packet: a lab never reaches a production host by accident.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import struct
import weakref
from collections.abc import Awaitable, Iterator, Sequence
from typing import Any, Protocol

import asyncssh

from iosxe_agent.cli.context import CliDevice, CliSession
from iosxe_agent.cli.parser import Node
from iosxe_agent.cli.ssh_client_args import SshArgs, no_match_message, no_match_of_offer, parse_args
from iosxe_agent.cli.ssh_client_args import register as register_grammar
from iosxe_agent.device import views
from iosxe_agent.device.cli_map.keys import key_fingerprint
from iosxe_agent.device.debug import Debug
from iosxe_agent.device.sessions import SessionInfo
from iosxe_agent.device.ssh_algorithms import KexInit, parse_kexinit

CONNECT_TIMEOUT = 30.0
PROBE_TIMEOUT = 10.0  # reading a server's KEXINIT again after a failed negotiation
MAX_KEXINIT = 35000  # RFC 4253 §6.1: the largest packet a peer must accept
MAX_BANNER_LINES = 32
HELP = "Open a secure shell client connection"
CLIENT_VERSION = "Cisco-1.25"  # the version string IOS XE's client sends (SSH-2.0-Cisco-1.25)
TIMED_OUT = "% Connection timed out; remote host not responding"
SERVER_AUTH_FAILED = "Server Authentication Failed"
V1_UNSUPPORTED = "% SSH version 1 is not supported"


class Terminal(Protocol):
    """What the shell lends the client for the time of a session: its SSH process and its writer."""

    process: asyncssh.SSHServerProcess[str]
    info: SessionInfo

    def write(self, text: str) -> None: ...


_terminals: weakref.WeakKeyDictionary[CliSession, Terminal] = weakref.WeakKeyDictionary()
#: client connection slots in use, per device (``SSH CLIENT0``): state of the device, released with it
_slots: weakref.WeakKeyDictionary[CliDevice, set[int]] = weakref.WeakKeyDictionary()


def attach(s: CliSession, term: Terminal) -> None:
    """Called by the shell for each session: lets ``ssh`` reach the session's terminal."""
    _terminals[s] = term


def register(root: Node) -> None:
    """Add ``ssh`` with IOS's whole option grammar to the exec tree (privilege 1, as on IOS)."""
    register_grammar(root, ssh_session, HELP)


@contextlib.contextmanager
def _client_slot(device: CliDevice) -> Iterator[int]:
    """The lowest client connection number free on ``device``, held for the session."""
    used = _slots.setdefault(device, set())
    number = next(i for i in itertools.count() if i not in used)
    used.add(number)
    try:
        yield number
    finally:
        used.discard(number)


class _DebugLines:
    """``debug ip ssh client`` lines of one client connection (emitted only while the switch is on)."""

    def __init__(self, device: CliDevice, number: int) -> None:
        self._device = device
        self.number = number

    def __call__(self, text: str, v2: bool = False) -> None:
        flags = self._device.debug
        if Debug.SSH_CLIENT in flags or Debug.SSH in flags:
            prefix = f"SSH2 CLIENT {self.number}" if v2 else f"SSH CLIENT{self.number}"
            self._device.log.emit(f"{prefix}: {text}")


async def ssh_session(s: CliSession, words: tuple[str, ...]) -> str:
    """The exec command: ``words`` are every word after ``ssh`` (the remote command last, as one string)."""
    args = parse_args(words)
    term = _terminals.get(s)
    if term is None:
        return "% SSH client is not available on this line"
    if args.version == 1:
        return V1_UNSUPPORTED
    if args.vrf is not None and args.vrf not in views.interfaces(s.device.running).vrfs:
        return f"% VRF {args.vrf} does not have a valid VPN ID"
    address = views.dns(s.device.running).address_of(args.host, args.vrf)  # the ip host table first, as IOS
    if not s.device.egress.permit(address, args.port, "ssh"):
        return TIMED_OUT  # as a host that never answers, at once and with nothing sent (not even a DNS query)
    with _client_slot(s.device) as number:
        return await _session(s, term, args, address, _DebugLines(s.device, number))


async def _session(s: CliSession, term: Terminal, args: SshArgs, address: str, debug: _DebugLines) -> str:
    """Connect to ``address`` (what the host typed resolved to), log in and run the remote shell or command; what
    to print when it is over (messages name the host as typed, as IOS's do)."""
    policy = views.ssh_client(s.device.running)  # read now: a key added a second ago is trusted
    trusted = policy.server_keys.get(args.host, frozenset()) if policy.strict_host_key_check else None
    client = _Client(s, term, args.prompts, debug, trusted)
    options: dict[str, Any] = {}
    if args.encryption_algs:
        options["encryption_algs"] = list(args.encryption_algs)
    if args.mac_algs:
        options["mac_algs"] = list(args.mac_algs)
    try:
        sock = await asyncio.wait_for(_tcp_connect(address, args.port), CONNECT_TIMEOUT)
        debug(f"sent protocol version id SSH-2.0-{CLIENT_VERSION}")
        conn = await asyncssh.connect(
            args.host,
            args.port,
            sock=sock,
            username=args.user or s.info.user,
            client_factory=lambda: client,
            client_version=CLIENT_VERSION,
            # strict: no key is trusted up front, so every one goes to the client's check (never ~/.ssh)
            known_hosts=([], [], []) if trusted is not None else None,
            client_keys=None,
            agent_path=None,
            config=None,
            gss_host=None,
            host_based_auth=False,
            preferred_auth=("keyboard-interactive", "password"),
            **options,
        )  # asyncssh's login timeout (2 minutes) bounds the password dialogue
    except asyncssh.HostKeyNotVerifiable:
        return SERVER_AUTH_FAILED
    except asyncssh.KeyExchangeFailed as exc:
        return _negotiation_failed(s, args, debug, exc.reason, no_match_message(exc.reason))
    except asyncssh.ConnectionLost as exc:
        if client.kex_done:
            debug(f"connection failed: {exc.reason}")
            return "% Destination unreachable; gateway or host down"
        # a server that finds nothing in common resets the connection, and the kernel may drop its KEXINIT
        # unread: read it again to say what did not match (only -c/-m can make our offer one it refuses)
        line = None
        if args.cipher or args.mac:
            offer = await server_kexinit(address, args.port)
            line = no_match_of_offer(args, offer.encryption_cs, offer.mac_cs) if offer is not None else None
        return _negotiation_failed(s, args, debug, exc.reason, line)
    except asyncssh.PermissionDenied:
        debug("user authentication failed")
        return "" if client.aborted else "% Authentication failed."
    except ConnectionRefusedError:
        return "% Connection refused by remote host"
    except socket.gaierror:
        return "% Unknown command or computer name, or unable to find computer address"
    except TimeoutError:
        return TIMED_OUT
    except (OSError, asyncssh.Error) as exc:
        debug(f"connection failed: {exc}")
        return "% Destination unreachable; gateway or host down"
    async with conn:
        await _bridge(term, conn, args.command, debug)
    debug("Session terminated normally")
    return f"\n[Connection to {args.host} closed by foreign host]"


def _negotiation_failed(s: CliSession, args: SshArgs, debug: _DebugLines, reason: str, no_match: str | None) -> str:
    """The key exchange failed: IOS's ``%SSH-3-NO_MATCH`` log line when known, and its abort line."""
    if no_match is not None:
        s.device.log.emit(no_match)
    debug(f"key exchange failed: {reason}")
    return f"[Connection to {args.host} aborted: error status 0]"


async def server_kexinit(host: str, port: int) -> KexInit | None:
    """The server's SSH_MSG_KEXINIT, read on a connection of its own (version line, one plain packet, close);
    None when it cannot be read within ``PROBE_TIMEOUT``."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            reader, writer = await asyncio.open_connection(host, port, limit=MAX_KEXINIT)
    except (OSError, TimeoutError):
        return None
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            writer.write(f"SSH-2.0-{CLIENT_VERSION}\r\n".encode())
            for _ in range(MAX_BANNER_LINES):  # RFC 4253 §4.2: lines before the version are allowed
                line = await reader.readline()
                if not line or line.startswith(b"SSH-"):
                    break
            length, padding = struct.unpack(">IB", await reader.readexactly(5))
            if not padding < length <= MAX_KEXINIT:
                return None
            body = await reader.readexactly(length - 1)
        return parse_kexinit(body[: length - 1 - padding])
    except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return None
    finally:
        writer.close()


async def _tcp_connect(host: str, port: int) -> socket.socket:
    """The TCP connection, tried address by address (the SSH handshake and login follow on it)."""
    loop = asyncio.get_running_loop()
    error: OSError = OSError(f"no address for {host}")
    for family, kind, proto, _, address in await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        try:
            await loop.sock_connect(sock, address)
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:  # cancelled by the connect timeout
            sock.close()
            raise
        else:
            return sock
    raise error


class _Client(asyncssh.SSHClient):
    """IOS's client side of one connection: host-key check, then keyboard-interactive and password, ``prompts``
    attempts each, asked on the user's terminal.

    Ctrl-C at a prompt abandons the connection (``aborted``) instead of ending the user's own session.
    """

    def __init__(
        self, s: CliSession, term: Terminal, prompts: int, debug: _DebugLines, trusted: frozenset[str] | None
    ) -> None:
        self._s = s
        self._term = term
        self._prompts = prompts
        self._debug = debug
        self._trusted = trusted  # None: no strict host-key checking
        self._conn: asyncssh.SSHClientConnection | None = None
        self._tries = {"keyboard-interactive": 0, "password": 0}
        self.kex_done = False
        self.aborted = False

    def connection_made(self, conn: asyncssh.SSHClientConnection) -> None:
        self._conn = conn

    def validate_host_public_key(self, host: str, addr: str, port: int, key: asyncssh.SSHKey) -> bool:
        digest = key_fingerprint(key.public_data)
        if self._trusted is not None and digest in self._trusted:
            return True
        self._debug(f"Server Authentication Failed: host key {digest} of {host} is not in its pubkey-chain entry")
        return False

    def _kex_done(self) -> None:
        """The version and key exchange lines, once, when the first authentication method starts."""
        if self.kex_done or self._conn is None:
            return
        self.kex_done = True
        info = self._conn.get_extra_info
        self._debug(f"protocol version id is - {info('server_version')}")
        self._debug("protocol version exchange successful")
        self._debug(f"kex: client->server enc:{info('send_cipher')} mac:{info('send_mac')}", v2=True)
        self._debug(f"kex: server->client enc:{info('recv_cipher')} mac:{info('recv_mac')}", v2=True)
        self._debug("key exchange successful and encryption on")

    def _start(self, method: str, label: str) -> bool:
        """Whether another attempt of ``method`` is allowed; logs the method when it is first used."""
        self._kex_done()
        if self.aborted or self._tries[method] >= self._prompts:
            return False
        if self._tries[method] == 0:
            self._debug(f"using method {label}", v2=True)
        self._tries[method] += 1
        return True

    async def _ask(self, prompt: str, echo: bool) -> str | None:
        try:
            return await self._s.ask(prompt, echo)
        except asyncssh.BreakReceived:
            self.aborted = True
            return None

    def kbdint_auth_requested(self) -> str | None:
        return "" if self._start("keyboard-interactive", "keyboard-interactive") else None

    def kbdint_challenge_received(
        self, name: str, instructions: str, lang: str, prompts: Sequence[tuple[str, bool]]
    ) -> Awaitable[list[str] | None] | list[str] | None:
        if instructions:
            self._term.write(instructions.rstrip("\n") + "\n")
        return self._answers(prompts) if prompts else []

    async def _answers(self, prompts: Sequence[tuple[str, bool]]) -> list[str] | None:
        answers = []
        for prompt, echo in prompts:
            answer = await self._ask(prompt or "Password: ", echo)
            if answer is None:
                return None
            answers.append(answer)
        return answers

    def password_auth_requested(self) -> Awaitable[str | None] | None:
        return self._ask("Password: ", False) if self._start("password", "password authentication") else None

    def auth_completed(self) -> None:
        self._debug("SSH2_MSG_USERAUTH_SUCCESS message received", v2=True)
        self._debug("user authenticated")


def _set_raw(process: asyncssh.SSHServerProcess[str], raw: bool) -> None:
    """Local line editing and echo off while the remote shell has the keyboard (pty sessions only). Raw input is the
    bridge's to read as it comes, so a hold the shell put on it (after a bare Enter, cli/shell.py) ends here."""
    chan: Any = process.channel  # an SSHLineEditorChannel when the session has a pty
    if raw:
        chan.resume_reading()
    with contextlib.suppress(AttributeError, asyncssh.Error):
        chan.set_line_mode(not raw)
    with contextlib.suppress(AttributeError, asyncssh.Error):
        chan.set_echo(not raw)


async def _bridge(term: Terminal, conn: asyncssh.SSHClientConnection, command: str | None, debug: _DebugLines) -> None:
    """Run the remote shell (or ``command``) on the user's terminal until the remote side closes (or the user's
    session ends)."""
    local = term.process
    term_type = local.get_terminal_type() if command is None else None  # a remote command gets no pty
    width, height = local.get_terminal_size()[:2] if term_type else (0, 0)
    remote = await conn.create_process(
        command,
        term_type=term_type,
        term_size=(width or 80, height or 24) if term_type else None,
        stderr=asyncssh.STDOUT,
        encoding="utf-8",
        errors="replace",
    )
    if term_type:
        debug("pty-req request sent", v2=True)
    debug("shell request sent" if command is None else "exec request sent", v2=True)
    debug("session open")

    async def remote_to_user() -> None:
        while data := await remote.stdout.read(65536):
            term.write(data)

    async def user_to_remote() -> None:
        while True:
            try:
                data = await local.stdin.read(4096)
            except asyncssh.TerminalSizeChanged as exc:
                remote.change_terminal_size(exc.width, exc.height, exc.pixwidth, exc.pixheight)
                continue
            except asyncssh.BreakReceived:
                remote.send_break(500)
                continue
            except asyncssh.SignalReceived:
                continue
            if not data:
                return  # the user's own session ended
            term.info.bytes_in += len(data)
            remote.stdin.write(data)

    _set_raw(local, command is None)
    output = asyncio.create_task(remote_to_user())
    keyboard = asyncio.create_task(user_to_remote())
    try:
        await asyncio.wait({output, keyboard}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        keyboard.cancel()
        output.cancel()
        with contextlib.suppress(asyncio.CancelledError, asyncssh.Error, OSError):
            await keyboard
        with contextlib.suppress(asyncio.CancelledError, asyncssh.Error, OSError):
            await output
        remote.close()
        _set_raw(local, False)
