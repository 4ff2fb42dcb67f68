"""Configuration becomes behaviour here, and only here: one typed, immutable view per concern.

Each accessor reads one concern of a configuration tree into a frozen value; it is the only code that walks the
running tree to decide what the device *does* (rendering configuration back as text, the CLI table, is not
behaviour). Services use them in one of two ways, never both for one fact:

- a live service that must act when configuration changes (the SSH listener: rebind, host key, algorithms) is a
  commit subscriber that receives its view (:class:`iosxe_agent.device.reconciler.Reconciler` → ``views.ssh``);
- everything else asks for the view of the running tree at the moment of use (a login asks ``views.aaa``, a
  session end ``views.snmp``, an SCP transfer ``views.scp``, the prompt ``views.identity``, ``copy`` and
  ``delete`` ``views.files``).

Views are pure functions of the tree, memoised per tree object (a commit swaps in a new tree, so the memo can
never be stale): asking again on every login costs a dictionary look-up. A commit that changes none of the
nodes a view reads hands the view on to the new tree (:mod:`~iosxe_agent.device.views.carry`), so most commits
cost a view nothing.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from iosxe_agent.device.names import GNMI_CFG_NS, HTTP_NS, n, p
from iosxe_agent.device.views.aaa_view import AaaView, AccountingList, LocalUser, MethodList, read_aaa
from iosxe_agent.device.views.archive_view import ArchiveView, read_archive
from iosxe_agent.device.views.banner_view import Banners, read_banners
from iosxe_agent.device.views.clock_view import ClockZone, read_clock
from iosxe_agent.device.views.dns_view import DnsView, HostEntry, read_dns
from iosxe_agent.device.views.file_view import FilePrompt, FileView, read_file_prompt
from iosxe_agent.device.views.gnmi_view import GnmiView, read_gnmi
from iosxe_agent.device.views.identity_view import Identity, read_identity
from iosxe_agent.device.views.interface_view import InterfaceConfig, InterfacesView, read_interfaces
from iosxe_agent.device.views.logging_view import LoggingView, SyslogHost, read_logging
from iosxe_agent.device.views.login_view import LoginPolicy, read_login
from iosxe_agent.device.views.netconf_view import NetconfView, read_netconf
from iosxe_agent.device.views.restconf_view import RestconfView, read_restconf
from iosxe_agent.device.views.scp_view import ScpView, read_scp
from iosxe_agent.device.views.snmp_view import SnmpView, TrapTarget, read_snmp
from iosxe_agent.device.views.ssh_client_view import SshClientView, read_ssh_client
from iosxe_agent.device.views.ssh_view import RotaryPort, SshView, VtyLine, read_ssh_with, read_vty
from iosxe_agent.device.views.tree import TreeView, per_tree

# Each view with the paths its reader looks at (views/carry.py keeps a view across commits that change none of
# them, so a reader that starts to look somewhere new must name it here).
_N = n("native")
_IP = (_N, n("ip"))
_SSH = (*_IP, n("ssh"))

aaa = per_tree(
    read_aaa,
    *((_N, n(top)) for top in ("username", "enable", "aaa", "tacacs-server", "radius-server", "tacacs", "radius")),
)
archive = per_tree(read_archive, (_N, n("archive")))
banners = per_tree(read_banners, (_N, n("banner")))
clock = per_tree(read_clock, (_N, n("clock")))
dns = per_tree(read_dns, (*_IP, n("name-server")), (*_IP, n("domain")), (*_IP, n("host")))
files = per_tree(read_file_prompt, (_N, p("file")))
gnmi = per_tree(read_gnmi, (f"{{{GNMI_CFG_NS}}}gnmi-cfg-data",))
identity = per_tree(read_identity, (_N, n("hostname")), (*_IP, n("domain")))
interfaces = per_tree(read_interfaces, (_N, n("interface")), (_N, n("vrf")))
logging = per_tree(read_logging, (_N, n("logging")))
login = per_tree(read_login, (_N, n("login")))
netconf = per_tree(read_netconf, (_N, p("netconf-yang")))
restconf = per_tree(read_restconf, (*_IP, f"{{{HTTP_NS}}}http"), (_N, p("restconf")))
scp = per_tree(read_scp, (*_IP, n("scp")))
snmp = per_tree(read_snmp, (_N, n("snmp-server")))
_VTY = (_N, n("line"), n("vty"))
vty = per_tree(read_vty, _VTY)


def _read_ssh(tree: etree._Element) -> SshView:
    """:func:`~iosxe_agent.device.views.ssh_view.read_ssh` with the vty blocks from their own memo: a commit of
    ``ip ssh`` alone (every ``ip ssh time-out``) hands them on and reads ``ip ssh`` only."""
    return read_ssh_with(tree, vty(tree))


ssh = per_tree(_read_ssh, _VTY, _SSH)
ssh_client = per_tree(read_ssh_client, _SSH)

#: every view, for :class:`~iosxe_agent.device.views.carry.ViewCarrier`
ALL: tuple[TreeView[Any], ...] = (
    aaa, archive, banners, clock, dns, files, gnmi, identity, interfaces, logging, login, netconf, restconf, scp,
    snmp, ssh, ssh_client, vty,
)  # fmt: skip

__all__ = [
    "ALL",
    "AaaView",
    "AccountingList",
    "ArchiveView",
    "Banners",
    "ClockZone",
    "DnsView",
    "FilePrompt",
    "FileView",
    "GnmiView",
    "HostEntry",
    "Identity",
    "InterfaceConfig",
    "InterfacesView",
    "LocalUser",
    "LoggingView",
    "LoginPolicy",
    "MethodList",
    "NetconfView",
    "RestconfView",
    "RotaryPort",
    "ScpView",
    "SnmpView",
    "SshClientView",
    "SshView",
    "SyslogHost",
    "TrapTarget",
    "TreeView",
    "VtyLine",
    "aaa",
    "archive",
    "banners",
    "clock",
    "dns",
    "files",
    "gnmi",
    "identity",
    "interfaces",
    "logging",
    "login",
    "netconf",
    "restconf",
    "scp",
    "snmp",
    "ssh",
    "ssh_client",
    "vty",
]
