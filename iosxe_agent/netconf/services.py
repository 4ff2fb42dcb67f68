"""What the generic NETCONF layer needs from the device it serves, gathered in one value per device."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from iosxe_agent.datastore.store import Stores
from iosxe_agent.limits import Limits
from iosxe_agent.netconf.capabilities import TRAILING, module_capabilities, needs_candidate, protocol_capabilities
from iosxe_agent.netconf.monitoring import NetconfStatistics
from iosxe_agent.netconf.registry import Registry
from iosxe_agent.yang.schema import Schema

if TYPE_CHECKING:
    from iosxe_agent.netconf.session import NetconfSession


@dataclass(eq=False)
class SessionTable:
    """Live sessions by id. Ids are unique for the life of the device and never reused."""

    _next: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    sessions: dict[int, NetconfSession] = field(default_factory=dict)

    def allocate(self) -> int:
        """A new session id (also used by the CLI and other faces so ids stay unique device-wide)."""
        return next(self._next)

    def add(self, session: NetconfSession) -> None:
        """Register a session that finished its hello."""
        self.sessions[session.session_id] = session

    def remove(self, session_id: int) -> None:
        """Forget a closed session."""
        self.sessions.pop(session_id, None)

    def get(self, session_id: int) -> NetconfSession | None:
        """The live session with ``session_id``."""
        return self.sessions.get(session_id)


@dataclass(eq=False)
class NetconfServices:
    """A device as the NETCONF layer sees it."""

    schema: Schema
    stores: Stores
    limits: Limits
    registry: Registry
    extensions: bool = False
    sessions: SessionTable = field(default_factory=SessionTable)
    session_started_hooks: list[Callable[[NetconfSession], None]] = field(default_factory=list)
    #: Producers of state data (config false) that <get> returns beside running: each returns top-level
    #: elements (e.g. ietf-netconf-monitoring ``netconf-state``), built fresh on every call.
    state_providers: list[Callable[[], list[etree._Element]]] = field(default_factory=list)
    session_ended_hooks: list[Callable[[int], None]] = field(default_factory=list)
    #: A session for which one of these says True (by session id) is never idle: it is listening to a
    #: subscription, and a quiet stream must not cost the subscriber its session (``idle_timeout_s``).
    idle_exemptions: list[Callable[[int], bool]] = field(default_factory=list)
    #: server-wide RFC 6022 counters (netconf-state/statistics)
    statistics: NetconfStatistics = field(default_factory=NetconfStatistics)
    #: whether sessions opened now get the candidate datastore (``:candidate`` in their hello): the device's
    #: configuration decides, and a session keeps what its own hello said (RFC 6241 §8.3)
    candidate_enabled: Callable[[], bool] = lambda: True

    def capabilities(self) -> list[str]:
        """Every capability of our hello, protocol first, then registry extras, then modules (then the stray
        protocol capabilities 17.12 sends last)."""
        protocol = protocol_capabilities(self.registry.capabilities)
        if not self.candidate_enabled():
            protocol = [c for c in protocol if not needs_candidate(c)]
        first = [c for c in protocol if c not in TRAILING]
        return first + module_capabilities(self.schema) + [c for c in protocol if c in TRAILING]
