"""The system show commands automation probes before anything else: ``show hosts``, ``show inventory``,
``show install summary``, as a C8000V running IOS XE 17.12.1 prints them.

NAPALM's ``get_facts`` and Ansible's ``ios_facts`` read ``show hosts`` (the domain) and ``show inventory`` (the
chassis serial); unicon/pyATS runs ``show install summary`` when it connects to an IOS XE box; genie and
ntc-templates parse all three. Renderers are pure (the caller passes the serial and the views); the handlers at the
end only gather what they need from the device.

Sources:

* ``show hosts``: the IOS layout (``Default domain is …``, ``Name/address lookup uses domain service|static
  mappings``, ``Name servers are …`` — 255.255.255.255, the broadcast, when none is configured; the ``Codes`` legend
  and the host table head), as genie's ``ShowHosts`` and ntc-templates' ``show hosts summary`` read it; the column
  widths of the table head are our choice (UNVERIFIED on 17.12). Each global ``ip host`` name is a row as a 17.x
  box prints it (``r2                        None  (perm, OK)  0   IP    127.0.0.2``: no telnet port, permanent,
  age 0); a name with IPv4 and IPv6 addresses gets a row per family, and several addresses of one family share
  their row (our choice, UNVERIFIED). VRF entries are not listed (IOS lists them under ``show hosts vrf V``).
* ``show inventory``: the three rows every CSR1000v/C8000V lists (chassis, route processor, embedded services
  processor), each ``PID`` cell padded to 18 and ``VID`` to 5 columns as genie's golden outputs show; the chassis
  and RP carry ``V00``; the serial is the one ``show version`` prints (``Processor board ID``). The RP's own serial
  is our choice (the chassis serial; real boxes print another number).
* ``show install summary``: a real 17.12.01 capture (Cisco's VG400 guide: ``[ R0 ] Installed Package(s)
  Information:`` … ``IMG   C    17.12.01.0.186080`` … ``Auto abort timer: inactive``), the box booted in install
  mode from ``bootflash:packages.conf`` as ``show version`` says.
"""

from __future__ import annotations

from collections.abc import Sequence

from iosxe_agent.cli.context import CliSession
from iosxe_agent.cli.parser import Node, add
from iosxe_agent.device import views
from iosxe_agent.device.views import DnsView, HostEntry

# -- show hosts -----------------------------------------------------------------------------------------------------
BROADCAST = "255.255.255.255"  # where IOS sends DNS queries when no name server is configured

_HOSTS_LEGEND = (
    "Codes: UN - unknown, EX - expired, OK - OK, ?? - revalidate",
    "       temp - temporary, perm - permanent",
    "       NA - Not Applicable None - Not defined",
)
_HOSTS_HEAD = f"{'Host':<26}{'Port':<6}{'Flags':<11}{'Age':<4}{'Type':<7}Address(es)"


def _host_rows(entry: HostEntry) -> list[str]:
    """The table rows of one ``ip host`` name: one per address family it has (``IP``, then ``IPv6``)."""
    rows = []
    for kind, addresses in (
        ("IP", [a for a in entry.addresses if ":" not in a]),
        ("IPv6", [a for a in entry.addresses if ":" in a]),
    ):
        if addresses:
            port = "None" if entry.port is None else str(entry.port)
            rows.append(f"{entry.name:<25} {port:<5} {'(perm, OK)':<12}{'0':<4}{kind:<6}{' '.join(addresses)}")
    return rows


def show_hosts(domain: str | None, dns: DnsView) -> str:
    """``show hosts``: the resolver's settings, the legend, and the global ``ip host`` table."""
    lookup = "domain service" if dns.lookup else "static mappings"
    return "\n".join(
        [
            f"Default domain is {domain or 'not set'}",
            f"Name/address lookup uses {lookup}",
            f"Name servers are {', '.join(dns.name_servers) or BROADCAST}",
            "",
            *_HOSTS_LEGEND,
            "",
            _HOSTS_HEAD,
            *(row for entry in dns.hosts if entry.vrf is None for row in _host_rows(entry)),
        ]
    )


# -- show inventory -------------------------------------------------------------------------------------------------
PID = "C8000V"


def _inventory_row(name: str, descr: str, vid: str, serial: str) -> Sequence[str]:
    return (f'NAME: "{name}", DESCR: "{descr}"', f"PID: {PID:<18}, VID: {vid:<5}, SN: {serial}".rstrip(), "")


def show_inventory(serial: str) -> str:
    """``show inventory`` of a C8000V whose chassis serial is ``serial``."""
    return "\n".join(
        [
            *_inventory_row("Chassis", "Cisco C8000V Chassis", "V00", serial),
            *_inventory_row("module R0", "Cisco C8000V Route Processor", "V00", serial),
            *_inventory_row("module F0", "Cisco C8000V Embedded Services Processor", "", ""),
        ]
    )


# -- show install summary -------------------------------------------------------------------------------------------
INSTALLED_IMAGE = "17.12.01.0.186080"  # the IMG row of 17.12.01 (the capture named in the module docstring)
_RULE = "-" * 80


def show_install_summary() -> str:
    """``show install summary``: the one committed image of an install-mode box, no auto-abort timer running."""
    return "\n".join(
        [
            "[ R0 ] Installed Package(s) Information:",
            "State (St): I - Inactive, U - Activated & Uncommitted,",
            "            C - Activated & Committed, D - Deactivated & Uncommitted",
            _RULE,
            "Type  St   Filename/Version",
            _RULE,
            f"IMG   C    {INSTALLED_IMAGE}",
            "",
            _RULE,
            "Auto abort timer: inactive",
            _RULE,
        ]
    )


# -- the exec handlers ----------------------------------------------------------------------------------------------
async def _hosts(s: CliSession, args: tuple[str, ...]) -> str:
    running = s.device.running
    return show_hosts(views.identity(running).domain, views.dns(running))


async def _inventory(s: CliSession, args: tuple[str, ...]) -> str:
    return show_inventory(s.device.serial)


async def _install_summary(s: CliSession, args: tuple[str, ...]) -> str:
    return show_install_summary()


def register(root: Node) -> None:
    """Add the commands to the exec tree (``show hosts`` and ``show inventory`` at level 1, as on IOS)."""
    add(root, "show hosts", _hosts, "IP domain-name, lookup style, nameservers, and host table")
    add(root, "show inventory", _inventory, "Show the physical inventory")
    add(root, "show install summary", _install_summary, "Show install summary", 15)
