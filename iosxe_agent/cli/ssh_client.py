"""``ssh -l USER [-p PORT] HOST``: the device's outgoing SSH client, bridged to the user's terminal.

IOS lets any exec level (1 included) open an SSH session from the router to another host. The session here is an
asyncssh client whose shell channel is wired to the vty the command was typed on: the user's keystrokes go to the
remote shell unchanged (the local line editor is switched off and the remote side echoes), the remote output goes
to the user, until the remote side closes; then ``[Connection to HOST closed by foreign host]`` and the local
prompt come back. Without a pty (``ssh device "ssh -l …"``) the remote session is opened without one as well.

Authentication is by password only, as the IOS client without ``ip ssh pubkey-chain`` user keys does: the
password (or each keyboard-interactive prompt) is asked on the user's terminal with echo off, three tries at most.
No key of the device, no ssh-agent and no OpenSSH client configuration of the host running the agent are used.

Host keys: every server host key is accepted. That is IOS's default; IOS checks the server's key against the
``ip ssh pubkey-chain`` / ``server`` entries only when ``ip ssh stricthostkeycheck`` is configured, and neither
that command nor the ``server`` keys are in the Cisco-IOS-XE-native YANG model this device stores its
configuration in, so they are not stored and not checked here.

Messages (our choice where no capture was found, UNVERIFIED): ``% Connection refused by remote host``,
``% Connection timed out; remote host not responding``, ``% Destination unreachable; gateway or host down``,
``% Unknown command or computer name, or unable to find computer address`` (reference §3.3 shows this one),
``% Authentication failed.`` and ``[Connection to HOST closed by foreign host]``. Not modelled: the escape
sequence (Ctrl-Shift-6 x) that suspends a session, ``-v``/``-c``/``-m``/``-o``/``-vrf`` and a remote command
after the host, ``transport output`` restrictions of the line.

A host the device's egress policy refuses (:mod:`iosxe_agent.device.egress`, ``--egress``) gets the time-out
message at once, without a DNS query or a packet: a lab never reaches a production host by accident.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import weakref
from collections.abc import Awaitable, Sequence
from typing import Any, Protocol

import asyncssh

from iosxe_agent.cli.context import CliSession
from iosxe_agent.cli.parser import Node, add
from iosxe_agent.device.sessions import SessionInfo

CONNECT_TIMEOUT = 30.0
PASSWORD_TRIES = 3
HELP = "Open a secure shell client connection"
TIMED_OUT = "% Connection timed out; remote host not responding"


class Terminal(Protocol):
    """What the shell lends the client for the time of a session: its SSH process and its writer."""

    process: asyncssh.SSHServerProcess[str]
    info: SessionInfo

    def write(self, text: str) -> None: ...


_terminals: weakref.WeakKeyDictionary[CliSession, Terminal] = weakref.WeakKeyDictionary()


def attach(s: CliSession, term: Terminal) -> None:
    """Called by the shell for each session: lets ``ssh`` reach the session's terminal."""
    _terminals[s] = term


def register(root: Node) -> None:
    """Add ``ssh -l WORD WORD`` and ``ssh -l WORD -p <1-65535> WORD`` to the exec tree (privilege 1, as on IOS)."""
    add(root, "ssh -l WORD WORD", ssh_session, "IP address or hostname of a remote system")
    add(root, "ssh -l WORD -p <1-65535> WORD", ssh_session, "IP address or hostname of a remote system")
    ssh = root.child("ssh")
    assert ssh is not None
    ssh.help = HELP
    login = ssh.child("-l")
    assert login is not None
    login.help = "Log in using this user name"
    for user in login.children:
        port = user.child("-p")
        if port is not None:
            port.help = "Connect to this port"


async def ssh_session(s: CliSession, args: tuple[str, ...]) -> str:
    """The exec command: ``args`` is (user, host) or (user, port, host)."""
    user, host = args[0], args[-1]
    port = int(args[1]) if len(args) == 3 else 22
    term = _terminals.get(s)
    if term is None:
        return "% SSH client is not available on this line"
    if not s.device.egress.permit(host, port, "ssh"):
        return TIMED_OUT  # as a host that never answers, at once and with nothing sent (not even a DNS query)
    client = _PasswordClient(s)
    try:
        sock = await asyncio.wait_for(_tcp_connect(host, port), CONNECT_TIMEOUT)
        conn = await asyncssh.connect(
            host,
            port,
            sock=sock,
            username=user,
            client_factory=lambda: client,
            known_hosts=None,  # accept any host key (no "ip ssh stricthostkeycheck")
            client_keys=None,
            agent_path=None,
            config=None,
            gss_host=None,
            host_based_auth=False,
            preferred_auth=("password", "keyboard-interactive"),
        )  # asyncssh's login timeout (2 minutes) bounds the password dialogue
    except asyncssh.PermissionDenied:
        return "" if client.aborted else "% Authentication failed."
    except ConnectionRefusedError:
        return "% Connection refused by remote host"
    except socket.gaierror:
        return "% Unknown command or computer name, or unable to find computer address"
    except TimeoutError:
        return TIMED_OUT
    except (OSError, asyncssh.Error):
        return "% Destination unreachable; gateway or host down"
    async with conn:
        await _bridge(term, conn)
    return f"\n[Connection to {host} closed by foreign host]"


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


class _PasswordClient(asyncssh.SSHClient):
    """Asks the password (or keyboard-interactive prompts) on the user's terminal, three times at most.

    Ctrl-C at a prompt abandons the connection (``aborted``) instead of ending the user's own session.
    """

    def __init__(self, s: CliSession) -> None:
        self._s = s
        self._tries = 0
        self.aborted = False

    def _more(self) -> bool:
        return not self.aborted and self._tries < PASSWORD_TRIES

    async def _ask(self, prompt: str, echo: bool) -> str | None:
        try:
            return await self._s.ask(prompt, echo)
        except asyncssh.BreakReceived:
            self.aborted = True
            return None

    def password_auth_requested(self) -> Awaitable[str | None] | None:
        if not self._more():
            return None
        self._tries += 1
        return self._ask("Password: ", False)

    def kbdint_auth_requested(self) -> str | None:
        return "" if self._more() else None

    async def _answers(self, prompts: Sequence[tuple[str, bool]]) -> list[str] | None:
        answers = []
        for prompt, echo in prompts:
            answer = await self._ask(prompt or "Password: ", echo)
            if answer is None:
                return None
            answers.append(answer)
        return answers

    def kbdint_challenge_received(
        self, name: str, instructions: str, lang: str, prompts: Sequence[tuple[str, bool]]
    ) -> Awaitable[list[str] | None] | list[str] | None:
        if not prompts:
            return []
        if not self._more():
            return None
        self._tries += 1
        if instructions:
            _terminals[self._s].write(instructions.rstrip("\n") + "\n")
        return self._answers(prompts)


def _set_raw(process: asyncssh.SSHServerProcess[str], raw: bool) -> None:
    """Local line editing and echo off while the remote shell has the keyboard (pty sessions only)."""
    chan: Any = process.channel  # an SSHLineEditorChannel when the session has a pty
    with contextlib.suppress(AttributeError, asyncssh.Error):
        chan.set_line_mode(not raw)
    with contextlib.suppress(AttributeError, asyncssh.Error):
        chan.set_echo(not raw)


async def _bridge(term: Terminal, conn: asyncssh.SSHClientConnection) -> None:
    """Run the remote shell on the user's terminal until the remote side closes (or the user's session ends)."""
    local = term.process
    term_type = local.get_terminal_type()
    width, height = local.get_terminal_size()[:2] if term_type else (0, 0)
    remote = await conn.create_process(
        term_type=term_type,
        term_size=(width or 80, height or 24) if term_type else None,
        stderr=asyncssh.STDOUT,
        encoding="utf-8",
        errors="replace",
    )

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

    _set_raw(local, True)
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
