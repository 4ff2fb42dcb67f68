"""What a CLI session can reach: the device's services and the session's own terminal state."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.device import views
from iosxe_agent.device.debug import DebugFlags
from iosxe_agent.device.egress import Egress
from iosxe_agent.device.serial import new_serial
from iosxe_agent.device.sessions import SessionInfo

if TYPE_CHECKING:
    from iosxe_agent.datastore.store import Stores
    from iosxe_agent.device.cli_map.parse import ModeContext
    from iosxe_agent.device.keys import KeyStore
    from iosxe_agent.device.logbuffer import DeviceLog
    from iosxe_agent.device.sessions import SessionRegistry
    from iosxe_agent.device.ssh_service import SshService


@dataclass(eq=False)
class CliDevice:
    """The device as the shell sees it (built once per device in ``iosxe_agent.router``; shared by its CLI sessions)."""

    stores: Stores
    keys: KeyStore
    sessions: SessionRegistry
    ssh: SshService
    log: DeviceLog
    session_ids: Callable[[], int]  # device-wide ids, shared with NETCONF sessions; never the system's 0
    debug: DebugFlags = field(default_factory=DebugFlags)  # device-wide, as IOS debugging is
    egress: Egress = field(default_factory=Egress)  # where `ssh` and `copy scp://` may connect (default loopback)
    started: float = field(default_factory=time.time)
    #: ``Processor board ID``: the router sets the one stored in the device's state directory when it loads
    serial: str = field(default_factory=new_serial)

    @property
    def running(self) -> etree._Element:
        """The running configuration (live)."""
        return self.stores.running

    @property
    def hostname(self) -> str:
        """``hostname`` of running (``Router`` when unset)."""
        return views.identity(self.running).hostname

    @property
    def domain(self) -> str | None:
        """``ip domain name`` of running."""
        return views.identity(self.running).domain


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
    modes: list[ModeContext] = field(default_factory=list)  # the configuration mode; empty = exec mode
    done: bool = False
    #: device-wide (locks, notifications): never equal to another session's id, nor to the system's
    session_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.session_id = self.device.session_ids()

    @property
    def privilege(self) -> int:
        """Current exec level."""
        return self.info.privilege

    def origin(self) -> Origin:
        """Who changes configuration from this session (for transactions and notifications)."""
        return Origin(session_id=self.session_id, user=self.info.user, face=Face.CLI, source_host=self.info.peer)

    def prompt(self) -> str:
        """``Router>``, ``Router#``, ``Router(config)#``, ``Router(config-line)#`` …"""
        host = self.device.hostname
        if self.modes:
            return f"{host[:20]}{self.modes[-1].prompt_suffix}#"
        return f"{host}{'#' if self.info.privilege > 1 else '>'}"
