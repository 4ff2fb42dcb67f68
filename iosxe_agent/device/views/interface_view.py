"""The device's interfaces and VRFs as configured: what ``show interfaces``, ``show ip interface brief``, ``show
version`` (the count of Ethernet ports) and the ``ssh -vrf`` client read.

The interfaces are configuration only: the agent's listeners stay on the address they were started on. An
interface is up unless ``shutdown``; its MAC address is derived from the device's identity by the show command,
not stored here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import ETHERNET_NS, n
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of

#: Interface types a ``no interface`` may remove (virtual); every other modelled type is a port of the box.
VIRTUAL_TYPES = frozenset({"Loopback", "Port-channel", "Vlan", "Tunnel", "BDI", "VirtualPortGroup"})
DEFAULT_MTU = {"Loopback": 1514}  # IOS's MTU when none is configured: 1500 everywhere else
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class InterfaceConfig:
    """One ``interface`` block: its type and number (``GigabitEthernet``, ``1``) and what the show commands use."""

    kind: str
    number: str
    description: str | None = None
    shutdown: bool = False
    vrf: str | None = None
    address: tuple[str, str] | None = None  # primary (address, mask)
    secondaries: tuple[tuple[str, str], ...] = ()
    dhcp: bool = False
    ipv6: tuple[str, ...] = ()
    ipv6_enabled: bool = False
    mtu: int | None = None
    negotiation: bool | None = None
    dot1q: int | None = None  # ``encapsulation dot1Q N`` of a subinterface

    @property
    def parent(self) -> str:
        """The port a subinterface belongs to (``GigabitEthernet1`` for ``GigabitEthernet1.100``), else the name."""
        return self.name.partition(".")[0]

    @property
    def name(self) -> str:
        """The name IOS prints (``GigabitEthernet1``)."""
        return f"{self.kind}{self.number}"

    @property
    def physical(self) -> bool:
        """True for a port of the box (IOS refuses to remove one)."""
        return self.kind not in VIRTUAL_TYPES

    @property
    def effective_mtu(self) -> int:
        return self.mtu if self.mtu is not None else DEFAULT_MTU.get(self.kind, 1500)


@dataclass(frozen=True, slots=True)
class InterfacesView:
    """Every configured interface, ports first in the model's type order, numbers in numeric order; the names of
    the configured VRFs."""

    interfaces: tuple[InterfaceConfig, ...] = ()
    vrfs: frozenset[str] = frozenset()

    def find(self, name: str) -> InterfaceConfig | None:
        """The interface called ``name`` exactly (``GigabitEthernet1``), or None."""
        return next((i for i in self.interfaces if i.name == name), None)

    def count(self, kind: str) -> int:
        """How many ports of type ``kind`` are configured, subinterfaces left out (``show version``'s port lines)."""
        return sum(1 for i in self.interfaces if i.kind == kind and i.parent == i.name)


def _natural(number: str) -> tuple[int, ...]:
    """``1/0/10`` after ``1/0/9``: IOS orders interface numbers numerically, part by part."""
    return tuple(int(part) for part in _NUMBER.findall(number))


def _read_one(entry: etree._Element) -> InterfaceConfig:
    kind = etree.QName(entry).localname
    address = entry.find(f"{n('ip')}/{n('address')}")
    primary = None if address is None else address.find(n("primary"))
    secondaries: tuple[tuple[str, str], ...] = ()
    if address is not None:
        secondaries = tuple(
            (s.findtext(n("address")) or "", s.findtext(n("mask")) or "") for s in address.iterchildren(n("secondary"))
        )
    auto = entry.findtext(f"{{{ETHERNET_NS}}}negotiation/{{{ETHERNET_NS}}}auto")
    dot1q = entry.findtext(f"{n('encapsulation')}/{n('dot1Q')}/{n('vlan-id')}")
    mtu = entry.findtext(n("mtu"))
    return InterfaceConfig(
        kind=kind,
        number=entry.findtext(n("name")) or "",
        description=entry.findtext(n("description")),
        shutdown=entry.find(n("shutdown")) is not None,
        vrf=entry.findtext(f"{n('vrf')}/{n('forwarding')}"),
        address=None
        if primary is None or primary.find(n("address")) is None
        else (primary.findtext(n("address")) or "", primary.findtext(n("mask")) or ""),
        secondaries=secondaries,
        dhcp=address is not None and address.find(n("dhcp")) is not None,
        ipv6=tuple(
            p.text or "" for p in entry.iterfind(f"{n('ipv6')}/{n('address')}/{n('prefix-list')}/{n('prefix')}")
        ),
        ipv6_enabled=entry.find(f"{n('ipv6')}/{n('enable')}") is not None,
        mtu=int(mtu) if mtu else None,
        negotiation=None if auto is None else auto == "true",
        dot1q=int(dot1q) if dot1q else None,
    )


def read_interfaces(tree: etree._Element) -> InterfacesView:
    """The interfaces and VRFs of a configuration (pure)."""
    native = native_of(tree)
    if native is None:
        return InterfacesView()
    found: list[InterfaceConfig] = []
    container = find_in(native, n("interface"))
    if container is not None:
        by_kind: dict[str, list[InterfaceConfig]] = {}
        for entry in container:
            if isinstance(entry.tag, str):
                one = _read_one(entry)
                by_kind.setdefault(one.kind, []).append(one)
        ports = [k for k in by_kind if k not in VIRTUAL_TYPES] + [k for k in by_kind if k in VIRTUAL_TYPES]
        for kind in ports:
            found += sorted(by_kind[kind], key=lambda i: _natural(i.number))
    vrfs = frozenset(d.findtext(n("name")) or "" for d in native.iterfind(f"{n('vrf')}/{n('definition')}"))
    return InterfacesView(tuple(found), vrfs)
