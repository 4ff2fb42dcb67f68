"""Every live session of the device (device SSH and NETCONF), for ``show ssh``, ``show users`` and traps."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

VTY_BASE = 2  # absolute line number of vty 0 (con 0 is 0, aux 0 is 1), as 17.x IOL prints it and TACACS+ names it


def tty_name(line: str) -> str:
    """The absolute name of a vty line (``vty 0`` -> ``tty2``): the port TACACS+ and RADIUS records carry."""
    return f"tty{VTY_BASE + int(line.split()[-1])}"


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

    def count_for(self, user: str) -> int:
        """Device SSH sessions a user has open."""
        return sum(1 for s in self._sessions.values() if s.kind == "ssh" and s.user == user)
