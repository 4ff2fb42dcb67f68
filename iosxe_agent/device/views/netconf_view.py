"""What the NETCONF face offers: ``netconf-yang`` and ``netconf-yang feature candidate-datastore``.

On IOS XE 17.12 the candidate datastore exists only while ``netconf-yang feature candidate-datastore`` is
configured (a factory box has ``netconf-yang`` without it): the hello of a session opened then carries the
``:candidate`` capability, and a session opened before or after keeps what its own hello said. Both commands
are CLI-only on 17.12 (no node in Cisco's models), so they live in the device-private module.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import p
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of


@dataclass(frozen=True, slots=True)
class NetconfView:
    """The NETCONF server's configuration: whether ``netconf-yang`` is on (the listener follows it:
    ``device/netconf_switch.py``) and whether new sessions get the candidate datastore."""

    enabled: bool = False
    candidate_datastore: bool = False


def read_netconf(tree: etree._Element) -> NetconfView:
    """The ``netconf-yang`` settings of a configuration (pure; both off when unset, as ``no netconf-yang``)."""
    native = native_of(tree)
    server = find_in(native, p("netconf-yang"))
    if server is None:
        return NetconfView()
    feature = server.find(f"{p('feature')}/{p('candidate-datastore')}")
    return NetconfView(enabled=True, candidate_datastore=feature is not None)
