"""Namespaced RPC name -> handler, the seam where operations (generic and device-specific) plug in.

Dispatch is keyed on the Clark name of the operation element, so same-named RPCs of different modules never
collide, and mypy can see every handler (no ``__getattr__`` magic).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

if TYPE_CHECKING:
    from agent.netconf.session import NetconfSession

#: What a handler returns: None for ``<ok/>``, otherwise the children of ``<rpc-reply>`` — fresh elements the
#: reply may take over (never elements still inside a datastore).
Reply = Iterable[etree._Element] | None
Handler = Callable[["RpcContext", etree._Element], Awaitable[Reply]]


@dataclass(slots=True)
class RpcContext:
    """What a handler may use: the calling session and the device services it was registered with."""

    session: NetconfSession
    services: Any
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
