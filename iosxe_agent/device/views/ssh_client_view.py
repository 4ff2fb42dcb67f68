"""What the device's own SSH client must check: ``ip ssh stricthostkeycheck`` and the server keys.

Real 17.12 has no YANG node for either command: both live in the device-private module
(``iosxe-agent-private``, augmenting ``/native/ip/ssh``), which NETCONF never sees. The outgoing ``ssh`` command
asks this view at the moment it connects, so a server key added a second earlier is already trusted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lxml import etree

from iosxe_agent.device.names import n, p
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of


@dataclass(frozen=True, slots=True)
class SshClientView:
    """The host-key policy of the outgoing ``ssh`` command (IOS's default: no strict checking, no keys)."""

    strict_host_key_check: bool = False  # ip ssh stricthostkeycheck
    #: ``ip ssh pubkey-chain`` / ``server NAME`` / ``key-hash``: server name as typed -> upper-case hex MD5 hashes
    server_keys: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))


def read_ssh_client(tree: etree._Element) -> SshClientView:
    """The SSH client view of a configuration (pure; never fails on a schema-valid tree)."""
    native = native_of(tree)
    ssh = find_in(native, n("ip"), n("ssh"))
    if ssh is None:
        return SshClientView()
    keys: dict[str, frozenset[str]] = {}
    for server in ssh.iterfind(f"{n('pubkey-chain')}/{p('server')}"):
        hashes = {(h.findtext(p("key-hash-value")) or "").upper() for h in server.iterfind(p("key-hash"))}
        keys[server.findtext(p("name")) or ""] = frozenset(hashes)
    return SshClientView(
        strict_host_key_check=ssh.find(p("stricthostkeycheck")) is not None,
        server_keys=MappingProxyType(keys),
    )
