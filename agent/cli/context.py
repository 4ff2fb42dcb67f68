"""What a CLI session can reach: the device's services and the session's own terminal state."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

from agent.datastore.transaction import Origin
from agent.device.names import n
from agent.device.sessions import SessionInfo

if TYPE_CHECKING:
    from agent.datastore.store import Stores
    from agent.device.keys import KeyStore
    from agent.device.logbuffer import LogBuffer
    from agent.device.sessions import SessionRegistry
    from agent.device.ssh_service import SshService


@dataclass(eq=False)
class CliDevice:
    """The device as the shell sees it (built once in ``main``; shared by every CLI session)."""

    stores: Stores
    keys: KeyStore
    sessions: SessionRegistry
    ssh: SshService
    log: LogBuffer
    session_ids: Callable[[], int] = field(default=lambda: 0)  # device-wide ids, shared with NETCONF sessions
    debug: set[str] = field(default_factory=set)  # "ssh", "scp", "snmp": device-wide, as IOS debugging is
    started: float = field(default_factory=time.time)

    @property
    def running(self) -> etree._Element:
        """The running configuration (live)."""
        return self.stores.running

    @property
    def hostname(self) -> str:
        """``hostname`` of running (``Router`` when unset)."""
        return self.running.findtext(f"{n('native')}/{n('hostname')}") or "Router"

    @property
    def domain(self) -> str | None:
        """``ip domain name`` of running."""
        return self.running.findtext(f"{n('native')}/{n('ip')}/{n('domain')}/{n('name')}")


#: Asks the user a question on the terminal: (prompt, echo) -> the answer without the line end.
Ask = Callable[[str, bool], Awaitable[str]]


@dataclass(eq=False)
class CliSession:
    """The state of one shell: privilege, mode stack, terminal settings, debug flags."""

    device: CliDevice
    info: SessionInfo
    ask: Ask
    length: int = 24
    width: int = 80
    monitor: bool = False
    modes: list[Any] = field(default_factory=list)  # config-mode contexts; empty = exec mode
    done: bool = False
    session_id: int = 0  # device-wide (locks, notifications): never equal to a NETCONF session's id

    def __post_init__(self) -> None:
        if not self.session_id:
            self.session_id = self.device.session_ids()

    @property
    def privilege(self) -> int:
        """Current exec level."""
        return self.info.privilege

    def origin(self) -> Origin:
        """Who changes configuration from this session (for transactions and notifications)."""
        return Origin(self.session_id, self.info.user, "cli", self.info.peer)

    def prompt(self) -> str:
        """``Router>``, ``Router#``, ``Router(config)#``, ``Router(config-line)#`` …"""
        host = self.device.hostname
        if self.modes:
            return f"{host[:20]}{self.modes[-1].prompt_suffix}#"
        return f"{host}{'#' if self.info.privilege > 1 else '>'}"
