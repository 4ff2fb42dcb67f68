"""How the device resolves names: ``ip domain lookup``, ``ip name-server`` and the ``ip host`` table (``show hosts``
prints them; the device's own clients, ``ssh`` and ``copy scp://``, look names up in the table).

The default domain is a fact of :mod:`~iosxe_agent.device.views.identity_view` (read there once, as every fact is);
this view holds the rest of the resolver's configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import n, p
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of


@dataclass(frozen=True, slots=True)
class HostEntry:
    """One ``ip host [vrf V] NAME [PORT] A…`` line: the name, its addresses in the stored order, its VRF (None:
    global), the telnet port typed (None: not given; ``show hosts`` prints ``None``)."""

    name: str
    addresses: tuple[str, ...]
    vrf: str | None = None
    port: int | None = None


@dataclass(frozen=True, slots=True)
class DnsView:
    """``lookup``: DNS resolution on (IOS's default; ``no ip domain lookup`` turns it off); ``name_servers``: the
    global ``ip name-server`` list in the order typed (empty: none configured, IOS then broadcasts); ``hosts``: the
    static host table, the global names first, then each VRF's."""

    lookup: bool = True
    name_servers: tuple[str, ...] = ()
    hosts: tuple[HostEntry, ...] = ()

    def address_of(self, host: str, vrf: str | None = None) -> str:
        """Where the device's own clients connect for the word ``host`` typed in routing table ``vrf``: the first
        address of its ``ip host`` entry (names compare without case, as IOS's host table does), else the word
        itself, an address (or a name the egress gate refuses: the device sends no DNS query of its own)."""
        wanted = host.lower()
        for entry in self.hosts:
            if entry.vrf == vrf and entry.name.lower() == wanted and entry.addresses:
                return entry.addresses[0]
        return host


def _entry(entry: etree._Element, key: str, vrf: str | None) -> HostEntry:
    port = entry.findtext(p("port"))
    addresses = tuple(a.text or "" for a in entry.iterfind(n("ip-list")))
    return HostEntry(entry.findtext(n(key)) or "", addresses, vrf, int(port) if port else None)


def _entries(parent: etree._Element, list_tag: str, key: str, vrf: str | None) -> list[HostEntry]:
    return [_entry(entry, key, vrf) for entry in parent.iterfind(n(list_tag))]


def read_hosts(ip: etree._Element) -> tuple[HostEntry, ...]:
    """The ``ip host`` entries under ``/native/ip`` (pure): global ones, then those of each VRF."""
    table = ip.find(n("host"))
    if table is None:
        return ()
    hosts = _entries(table, "host-list", "name", None)
    for vrf in table.iterfind(n("vrf")):
        hosts += _entries(vrf, "host-name", "host-name", vrf.findtext(n("vrf-name")) or "")
    return tuple(hosts)


def read_dns(tree: etree._Element) -> DnsView:
    """The resolver configuration of a tree (pure)."""
    native = native_of(tree)
    ip = find_in(native, n("ip"))
    if ip is None:
        return DnsView()
    servers = ip.iterfind(f"{n('name-server')}/{n('no-vrf-ordered')}")
    return DnsView(
        lookup=ip.findtext(f"{n('domain')}/{n('lookup')}") != "false",
        name_servers=tuple(s.text or "" for s in servers),
        hosts=read_hosts(ip),
    )
