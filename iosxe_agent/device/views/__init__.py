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
never be stale): asking again on every login costs a dictionary look-up.
"""

from __future__ import annotations

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
from iosxe_agent.device.views.ssh_view import RotaryPort, SshView, VtyLine, read_ssh
from iosxe_agent.device.views.tree import per_tree

aaa = per_tree(read_aaa)
archive = per_tree(read_archive)
banners = per_tree(read_banners)
clock = per_tree(read_clock)
dns = per_tree(read_dns)
files = per_tree(read_file_prompt)
gnmi = per_tree(read_gnmi)
identity = per_tree(read_identity)
interfaces = per_tree(read_interfaces)
logging = per_tree(read_logging)
login = per_tree(read_login)
netconf = per_tree(read_netconf)
restconf = per_tree(read_restconf)
scp = per_tree(read_scp)
snmp = per_tree(read_snmp)
ssh = per_tree(read_ssh)
ssh_client = per_tree(read_ssh_client)

__all__ = [
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
]
