"""Which hosts get a tty trap when a session ends: ``snmp-server host …`` + ``snmp-server enable traps`` (pure).

``snmp-server enable traps`` without a keyword enables every notification type the device has, tty included
(Cisco IOS command reference, ``snmp-server enable traps``: "If no type is specified, all notifications available
on your device are enabled"); in the model that is a ``traps`` presence container with no child.

A host that names ``tty`` (``snmp-server host A public tty``) receives the tty trap on every session end even
without ``snmp-server enable traps``: the tty notification is one of those ``snmp-server enable`` does not gate.
Sources: Cisco's SSH configuration guide for IOS XE 17 ("Example: Setting an SNMP Trap", the guide this agent
follows: the two lines ``snmp-server`` and ``snmp-server host a.b.c.d public tty`` alone, "the trap notification is
generated automatically when the SSH session terminates",
https://www.cisco.com/c/en/us/td/docs/ios-xml/ios/sec_usr_ssh/configuration/xe-17/sec-usr-ssh-xe-17-book/sec-secure-shell-v2.html)
and the ``snmp-server host`` usage guidelines of Cisco's SNMP command reference and of "Cisco IOS SNMP Traps
Supported and How to Configure Them" (https://www.cisco.com/c/en/us/support/docs/ip/simple-network-management-protocol-snmp/13506-snmp-traps.html):
"some notification types cannot be controlled with the snmp-server enable command ... These notification types do
not require an snmp-server enable command". No capture of a 17.x box shows it either way; a host without trap
keywords (every type) still needs ``snmp-server enable traps`` [tty], as the command reference says for most types.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from iosxe_agent.device.names import n, s
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of

log = logging.getLogger(__name__)

DEFAULT_TRAP_PORT = 162

Version = Literal["1", "2c"]


@dataclass(frozen=True, slots=True)
class TrapTarget:
    """One ``snmp-server host`` entry that receives tty traps."""

    address: str
    port: int = DEFAULT_TRAP_PORT
    community: str = field(default="", repr=False)  # secret-ish: never logged, never in repr
    version: Version = "1"
    inform: bool = False  # ``informs`` hosts (v2c): InformRequest, acknowledged


@dataclass(frozen=True, slots=True)
class SnmpView:
    """``tty_traps``: tty notifications are enabled; ``hosts``: the v1/v2c hosts that take them; ``tty_named``:
    those of them whose ``snmp-server host`` line names ``tty`` (they take it whether enabled or not)."""

    tty_traps: bool = False
    hosts: tuple[TrapTarget, ...] = ()
    tty_named: tuple[TrapTarget, ...] = ()

    @property
    def tty_targets(self) -> tuple[TrapTarget, ...]:
        """Where a session end sends its trap: every host when tty traps are enabled, else the hosts naming tty."""
        return self.hosts if self.tty_traps else self.tty_named


def _tty_traps(snmp: etree._Element) -> bool:
    traps = snmp.find(f"{s('enable')}/{s('enable-choice')}/{s('traps')}")
    if traps is None:
        return False
    return traps.find(s("tty")) is not None or len(traps) == 0  # bare `snmp-server enable traps`: all of them


def _text(entry: etree._Element, name: str) -> str | None:
    child = entry.find(s(name))
    return None if child is None or child.text is None else child.text.strip()


def _names_tty(entry: etree._Element) -> bool:
    trap_enable = entry.find(s("trap-enable"))
    return trap_enable is not None and trap_enable.find(s("tty")) is not None


def _target(entry: etree._Element) -> TrapTarget | None:
    address = _text(entry, "ip-address")
    community = _text(entry, "community-or-user")
    if not address or community is None:
        return None
    version = _text(entry, "version") or "1"
    if version not in ("1", "2c"):
        log.debug("snmp-server host %s: SNMP version %s not supported for traps, skipped", address, version)
        return None
    trap_enable = entry.find(s("trap-enable"))
    if trap_enable is not None and len(trap_enable) and trap_enable.find(s("tty")) is None:
        return None  # trap keywords given, tty not among them
    inform = entry.find(s("informs")) is not None
    if inform and version == "1":
        log.debug("snmp-server host %s: SNMPv1 has no informs, skipped", address)
        return None
    port_text = _text(entry, "udp-port")
    port = int(port_text) if port_text else DEFAULT_TRAP_PORT
    return TrapTarget(address=address, port=port, community=community, version=version, inform=inform)  # type: ignore[arg-type]


def _hosts(snmp: etree._Element) -> tuple[tuple[TrapTarget, etree._Element], ...]:
    """``/native/snmp-server/ios-snmp:host-config/{ip-community, ip-community-port}`` in configuration order, each
    target with the entry it was read from.

    A host receives tty traps when its ``trap-enable`` lists ``tty`` or lists nothing (IOS: a host without trap
    keywords receives every notification type). ``version`` defaults to 1, the UDP port to 162. v3 hosts, v1
    ``informs`` hosts and the VRF lists (this device has no VRFs) are skipped with a debug log.
    """
    host_config = snmp.find(s("host-config"))
    if host_config is None:
        return ()
    targets: list[tuple[TrapTarget, etree._Element]] = []
    for entry in host_config:
        if not isinstance(entry.tag, str):
            continue
        kind = etree.QName(entry).localname
        if kind in ("ip-vrf-community", "ip-vrf-community-port"):
            log.debug("snmp-server host in a VRF ignored (no VRFs on this device): %s", _text(entry, "ip-address"))
            continue
        if kind in ("ip-community", "ip-community-port") and (target := _target(entry)) is not None:
            targets.append((target, entry))
    return tuple(targets)


def read_snmp(tree: etree._Element) -> SnmpView:
    """The tty-trap view of a configuration (pure)."""
    native = native_of(tree)
    snmp = find_in(native, n("snmp-server"))
    if snmp is None:
        return SnmpView()
    hosts = _hosts(snmp)
    named = tuple(target for target, entry in hosts if _names_tty(entry))
    return SnmpView(tty_traps=_tty_traps(snmp), hosts=tuple(target for target, _ in hosts), tty_named=named)
