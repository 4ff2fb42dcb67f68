"""Every live session of the device (device SSH and NETCONF), for ``show ssh``, ``show users``, traps and ``clear``.

Each record may carry how to end its session (``end``), so the CLI's ``clear line vty N``, ``clear ssh N`` and
``clear netconf-yang session ID`` end exactly the session they name without knowing what carries it.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import asyncssh

VTY_BASE = 2  # absolute line number of vty 0 (con 0 is 0, aux 0 is 1), as 17.x IOL prints it and TACACS+ names it


def tty_name(line: str) -> str:
    """The absolute name of a vty line (``vty 0`` -> ``tty2``): the port TACACS+ and RADIUS records carry."""
    return f"tty{VTY_BASE + int(line.split()[-1])}"


def disconnects(conn: asyncssh.connection.SSHConnection) -> Callable[[int], None]:
    """The ``end`` of a session an SSH connection carries: drop the connection, as clearing an IOS line does."""
    return lambda _by: conn.disconnect(asyncssh.DISC_BY_APPLICATION, "Line cleared")


@dataclass(eq=False, slots=True)
class SessionInfo:
    """One live session. Mutable counters; everything else is fixed when the session is registered."""

    number: int
    kind: str  # "ssh" (device shell/exec/scp) or "netconf"
    user: str
    peer: str | None
    peer_port: int = 0
    local_address: str = ""
    local_port: int = 0
    version: str = "2.0"
    cipher_in: str = ""
    cipher_out: str = ""
    mac_in: str = ""
    mac_out: str = ""
    state: str = "Session started"
    line: str | None = None  # "vty 0"
    started: float = field(default_factory=time.time)
    last_input: float = field(default_factory=time.monotonic)
    bytes_in: int = 0
    bytes_out: int = 0
    privilege: int = 1
    mode: str = "shell"  # shell, exec, scp, netconf
    session_id: int = 0  # the NETCONF session-id of a "netconf" session
    #: ends the session (drops its connection); the argument is the session id of whoever ends it
    end: Callable[[int], None] | None = field(default=None, repr=False)

    @property
    def connection(self) -> int:
        """The number ``show ssh``, ``clear ssh`` and ``disconnect ssh`` give a device SSH session: its vty line's
        (IOS: "the number of the virtual terminal connection", vty 0 is 0); the session number without a line."""
        if self.line and self.line.startswith("vty "):
            return int(self.line.split()[-1])
        return self.number


class SessionRegistry:
    """The table of live sessions. Connection numbers start at 0, as IOS counts them."""

    def __init__(self) -> None:
        self._numbers = itertools.count(0)
        self._sessions: dict[int, SessionInfo] = {}

    def add(self, kind: str, user: str, peer: str | None, **details: object) -> SessionInfo:
        """Register a new session and return its record."""
        info = SessionInfo(next(self._numbers), kind, user, peer, **details)  # type: ignore[arg-type]
        self._sessions[info.number] = info
        return info

    def remove(self, info: SessionInfo) -> None:
        """Forget a session that ended."""
        self._sessions.pop(info.number, None)

    def __iter__(self) -> Iterator[SessionInfo]:
        return iter(sorted(self._sessions.values(), key=lambda s: s.number))

    def of_kind(self, kind: str) -> list[SessionInfo]:
        """Live sessions of one kind, oldest first."""
        return [s for s in self if s.kind == kind]

    def lines_in_use(self) -> set[str]:
        """Names of the vty lines that carry a session."""
        return {s.line for s in self._sessions.values() if s.line}

    def on_line(self, line: str) -> SessionInfo | None:
        """The session on a line (``vty 0``)."""
        return next((s for s in self if s.line == line), None)

    def ssh_connection(self, number: int) -> SessionInfo | None:
        """The device SSH session ``show ssh`` numbers ``number``."""
        return next((s for s in self if s.kind == "ssh" and s.connection == number), None)

    def netconf_session(self, session_id: int) -> SessionInfo | None:
        """The NETCONF session with this session-id."""
        return next((s for s in self if s.kind == "netconf" and s.session_id == session_id), None)

    def count_for(self, user: str) -> int:
        """Device SSH sessions a user has open."""
        return sum(1 for s in self._sessions.values() if s.kind == "ssh" and s.user == user)
