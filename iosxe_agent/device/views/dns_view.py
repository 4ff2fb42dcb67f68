"""How the device resolves names: ``ip domain lookup`` and ``ip name-server`` (``show hosts`` prints them).

The default domain is a fact of :mod:`~iosxe_agent.device.views.identity_view` (read there once, as every fact is);
this view holds the rest of the resolver's configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import n
from iosxe_agent.device.views.tree import native_of


@dataclass(frozen=True, slots=True)
class DnsView:
    """``lookup``: DNS resolution on (IOS's default; ``no ip domain lookup`` turns it off); ``name_servers``: the
    global ``ip name-server`` list in the order typed (empty: none configured, IOS then broadcasts)."""

    lookup: bool = True
    name_servers: tuple[str, ...] = ()


def read_dns(tree: etree._Element) -> DnsView:
    """The resolver configuration of a tree (pure)."""
    native = native_of(tree)
    ip = native.find(n("ip")) if native is not None else None
    if ip is None:
        return DnsView()
    servers = ip.iterfind(f"{n('name-server')}/{n('no-vrf-ordered')}")
    return DnsView(
        lookup=ip.findtext(f"{n('domain')}/{n('lookup')}") != "false",
        name_servers=tuple(s.text or "" for s in servers),
    )
