"""Namespaced RPC name -> handler, the seam where operations (generic and device-specific) plug in.

Dispatch is keyed on the Clark name of the operation element, so same-named RPCs of different modules never
collide, and mypy can see every handler (no ``__getattr__`` magic).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from lxml import etree

if TYPE_CHECKING:
    from iosxe_agent.datastore.store import Stores
    from iosxe_agent.limits import Limits
    from iosxe_agent.netconf.session import NetconfSession
    from iosxe_agent.yang.schema import Schema

#: What a handler returns: None for ``<ok/>``, otherwise the children of ``<rpc-reply>`` — fresh elements the
#: reply may take over (never elements still inside a datastore).
Reply = Iterable[etree._Element] | None
Handler = Callable[["RpcContext", etree._Element], Awaitable[Reply]]


class SessionLookup(Protocol):
    """The device's live NETCONF sessions by id (``<kill-session>`` finds its victim here)."""

    def get(self, session_id: int) -> NetconfSession | None: ...


class RpcServices(Protocol):
    """What an RPC handler may use of the device it serves: its datastores, schema, bounds, sessions and state.

    The device's :class:`iosxe_agent.netconf.services.NetconfServices` provides it; a handler that needs more belongs
    to the device and is registered with what it needs bound in (see ``iosxe_agent/device/rpcs.py``).
    """

    @property
    def schema(self) -> Schema: ...
    @property
    def stores(self) -> Stores: ...
    @property
    def limits(self) -> Limits: ...
    @property
    def extensions(self) -> bool:
        """``--netconf-extensions``: serve ``:startup`` and ``:confirmed-commit`` beyond what IOS XE offers."""
        ...

    @property
    def sessions(self) -> SessionLookup: ...
    @property
    def state_providers(self) -> Sequence[Callable[[], list[etree._Element]]]:
        """Producers of state data (config false) returned beside running by ``<get>`` and ``<get-data>``."""
        ...


@dataclass(slots=True)
class RpcContext:
    """What a handler may use: the calling session and the device services it was registered with."""

    session: NetconfSession
    services: RpcServices
    rpc: etree._Element


@dataclass(slots=True)
class Registry:
    """The table of RPC handlers and the capabilities they add to ``<hello>``."""

    handlers: dict[str, Handler] = field(default_factory=dict)
    capabilities: list[str] = field(default_factory=list)

    def register(self, tag: str, handler: Handler) -> None:
        """Serve RPC ``tag`` (Clark notation) with ``handler``; a second registration replaces the first."""
        self.handlers[tag] = handler

    def lookup(self, tag: str) -> Handler | None:
        """The handler for ``tag``, or None if the RPC is not served."""
        return self.handlers.get(tag)
