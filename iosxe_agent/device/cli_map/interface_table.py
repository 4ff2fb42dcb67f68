"""Interfaces, VRFs and static routes: part of the one CLI table (:mod:`.table` merges it).

``interface GigabitEthernet1`` and its sub-mode, ``vrf definition`` with address families, ``ip route``.
Same notation as :mod:`.table` (see :mod:`.syntax`); global commands are placed by :data:`.table.RENDER_PLAN`,
sub-mode commands print in the order they are declared here.

Choices made where no capture settles the order: inside an interface block ``description``, ``encapsulation
dot1Q`` (subinterfaces), ``mtu``, ``vrf forwarding``, the ``ip address`` lines (secondaries first, as IOS prints
them, then the primary, ``ip address dhcp`` or ``no ip address``), ``shutdown``, ``speed``, ``duplex``,
``negotiation auto``, the ``ipv6`` lines, ``mop`` (a c8000v's Ethernet ports print ``no mop enabled`` / ``no mop
sysid``); an ``ip route`` prints ``[distance] [name N] [permanent] [tag T]`` after its next hop, the order of IOS's
syntax.
"""

from __future__ import annotations

from iosxe_agent.device.cli_map.syntax import (
    Alt,
    Arg,
    Choice,
    Command,
    Interface,
    Kw,
    Many,
    Mode,
    Node,
    Number,
    Opt,
    Rest,
    Seq,
    Word,
    seq,
)
from iosxe_agent.device.cli_map.syntax import (
    flag as _flag,
)
from iosxe_agent.device.cli_map.syntax import (
    switch as _switch,
)
from iosxe_agent.device.names import NATIVE_NS

#: ``A.B.C.D``: a dotted IPv4 address (a mask too), so that a bad one gets the caret where IOS puts it.
IPV4 = Word("A.B.C.D", pattern=r"((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)")
#: ``X:X:X:X::X/<0-128>``: an IPv6 address with its prefix length.
IPV6_PREFIX = Word("X:X:X:X::X/<0-128>", pattern=r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/(12[0-8]|1[01]\d|\d?\d)")

CONFIG = Mode("config", NATIVE_NS)  # the same mode as table.CONFIG (modes compare by value)
IF = Mode("config-if", NATIVE_NS, " ")
VRF = Mode("config-vrf", NATIVE_NS, " ")
VRF_AF = Mode("config-vrf-af", NATIVE_NS, "  ")

#: Interface types with a list of their own, in the order IOS prints their blocks (virtual interfaces first,
#: then the Ethernet ports by speed, the application-hosting port, the VLAN interfaces), and whether a ``no
#: interface`` may remove one (virtual interfaces only, as on IOS).
INTERFACE_LISTS: tuple[tuple[str, bool], ...] = (
    ("Loopback", True),
    ("Port-channel", True),
    ("GigabitEthernet", False),
    ("TwoGigabitEthernet", False),
    ("FiveGigabitEthernet", False),
    ("TenGigabitEthernet", False),
    ("TwentyFiveGigE", False),
    ("FortyGigabitEthernet", False),
    ("HundredGigE", False),
    ("AppGigabitEthernet", False),
    ("Vlan", True),
)
#: Types the Cisco-IOS-XE-ethernet module augments with speed, duplex and negotiation.
ETHERNET_LISTS = frozenset(name for name, _ in INTERFACE_LISTS) - {"Loopback"}
#: Interfaces that always route, and those that may be switchports (``no ip address`` only when routed).
ROUTED_LISTS = frozenset({"Loopback", "Vlan"})
PORT_LISTS = frozenset(name for name, _ in INTERFACE_LISTS) - ROUTED_LISTS
#: IOS's answer to ``no interface GigabitEthernet1``.
PHYSICAL_REMOVAL = "% Removal of physical interfaces is not permitted"
#: ``speed`` words and the leaves of the speed choice they set.
SPEEDS = (
    ("auto", "auto"), ("10", "value-10"), ("100", "value-100"), ("1000", "value-1000"), ("2500", "value-2500"),
    ("5000", "value-5000"), ("10000", "value-10000"), ("25000", "value-25000"), ("40000", "value-40000"),
    ("100000", "value-100000"), ("nonegotiate", "nonegotiate"),
)  # fmt: skip

COMMANDS: list[Command] = []


def _add(cid: str, mode: Mode, syntax: Seq, **kw: object) -> None:
    COMMANDS.append(Command(cid, mode, syntax, **kw))  # type: ignore[arg-type]


# -- vrf definition -------------------------------------------------------------------------------------------------
_add(
    "vrf-definition",
    CONFIG,
    seq("vrf", "definition", Arg("name", Word())),
    anchor="vrf/definition[name]",
    enters=VRF,
    block_end="!",
)
_add("vrf-description", VRF, seq("description", Arg("description", Rest())))
_add("vrf-rd", VRF, seq("rd", Arg("rd", Word("ASN:nn", pattern=r"[0-9.]+:[0-9]+"))))
for _af in ("ipv4", "ipv6"):
    _add(
        f"vrf-address-family-{_af}",
        VRF,
        seq("address-family", _flag(_af, f"address-family/{_af}")),
        enters=VRF_AF,
        block_start="!",
        block_end="exit-address-family",
    )
_add("vrf-exit-address-family", VRF_AF, seq("exit-address-family"), noop=True, no="none")

# -- interface ------------------------------------------------------------------------------------------------------
for _kind, _virtual in INTERFACE_LISTS:
    _add(
        f"interface-{_kind}",
        CONFIG,
        seq("interface", Arg("name", Interface(only=_kind))),
        anchor=f"interface/{_kind}[name]",
        enters=IF,
        block_end="!",
        no_refused=None if _virtual else PHYSICAL_REMOVAL,
        natural_order=True,
    )
_add("if-description", IF, seq("description", Arg("description", Rest())))
_add(
    "if-encapsulation-dot1q",
    IF,
    seq(
        "encapsulation",
        Kw("dot1Q", replace=("encapsulation",)),
        Arg("encapsulation/dot1Q/vlan-id", Number(1, 4094)),
        Opt(_flag("native", "encapsulation/dot1Q/native")),
    ),
    contexts=tuple(sorted(PORT_LISTS)),
)
_add("if-mtu", IF, seq("mtu", Arg("mtu", Number(64, 18000))))
_add("if-vrf-forwarding", IF, seq("vrf", "forwarding", Arg("vrf/forwarding", Word())))
_add(
    "if-ip-address-secondary",
    IF,
    seq("ip", "address", Arg("address", IPV4), Arg("mask", IPV4), _flag("secondary", "secondary")),
    anchor="ip/address/secondary[address]",
)
_IP_ADDRESS = seq(
    "ip",
    Kw("address", clears=("ip/address/dhcp",)),
    Alt(
        (
            Seq((Arg("ip/address/primary/address", IPV4), Arg("ip/address/primary/mask", IPV4))),
            Kw("dhcp", set=(("ip/address/dhcp", None),), clears=("ip/address/primary", "ip/address/secondary")),
        )
    ),
)
# ``no ip address`` is printed for a routed interface without one: loopbacks and VLAN interfaces always; a port (or
# a port-channel) only when it shows it routes (a router's ports carry ``negotiation`` / ``mop``, a management
# port its VRF): a Catalyst's switchports print no such line.
_add(
    "if-ip-address",
    IF,
    _IP_ADDRESS,
    no_remove=("ip/address",),
    default_line="no ip address",
    contexts=tuple(sorted(ROUTED_LISTS)),
)
_add(
    "if-ip-address-port",
    IF,
    _IP_ADDRESS,
    no_remove=("ip/address",),
    default_line="no ip address",
    default_if=("eth:negotiation", "mop", "vrf"),
    contexts=tuple(sorted(PORT_LISTS)),
)
_add("if-shutdown", IF, seq(_flag("shutdown", "shutdown")))
_add(
    "if-speed",
    IF,
    seq(Kw("speed", replace=("eth:speed",)), Alt(tuple(_flag(word, f"eth:speed/{leaf}") for word, leaf in SPEEDS))),
    contexts=tuple(ETHERNET_LISTS),
    no_len=1,
)
_add(
    "if-duplex", IF, seq("duplex", Arg("eth:duplex", Choice(("auto", "full", "half")))), contexts=tuple(ETHERNET_LISTS)
)
_add(
    "if-negotiation",
    IF,
    seq("negotiation", _switch("auto", "eth:negotiation/auto")),
    no="sets",
    no_sets=(("eth:negotiation/auto", "false"),),
    contexts=tuple(ETHERNET_LISTS),
)
_add(
    "if-ipv6-address", IF, seq("ipv6", "address", Arg("prefix", IPV6_PREFIX)), anchor="ipv6/address/prefix-list[prefix]"
)
_add("if-ipv6-enable", IF, seq("ipv6", _flag("enable", "ipv6/enable")))
for _leaf in ("enabled", "sysid"):
    _add(
        f"if-mop-{_leaf}",
        IF,
        seq("mop", _switch(_leaf, f"mop/{_leaf}")),
        no="sets",
        no_sets=((f"mop/{_leaf}", "false"),),
    )


# -- ip route -------------------------------------------------------------------------------------------------------
def _route(vrf: bool, via_interface: bool) -> tuple[Seq, str]:
    """``ip route [vrf V] P M NEXTHOP [options]`` (NEXTHOP: an address, an interface or Null0) or, with
    ``via_interface``, ``ip route [vrf V] P M INTERFACE ADDRESS [options]``, and the anchor of the entry it makes.
    A VRF's route takes no ``name``: the VRF's key would share its path."""
    options = ("permanent", "tag") if vrf else ("name", "permanent", "tag")
    head: list[Node] = [Kw("ip"), Kw("route", clears=("metric", *options))]
    anchor = "ip/route/"
    if vrf:
        head += [Kw("vrf"), Arg("name", Word())]
        anchor += "vrf[name]/"
    head += [Arg("prefix", IPV4), Arg("mask", IPV4)]
    anchor += "ip-route-interface-forwarding-list[prefix mask]/fwd-list[fwd]"
    if via_interface:
        head += [Arg("fwd", Interface(joined=True)), Arg("ip-address", IPV4)]
        anchor += "/interface-next-hop[ip-address]"
    else:
        head.append(Alt((Arg("fwd", Choice(("Null0",))), Arg("fwd", Interface(joined=True)), Arg("fwd", IPV4))))
    syntax: dict[str, Node] = {
        "name": seq("name", Arg("name", Word())),
        "permanent": _flag("permanent", "permanent"),
        "tag": seq("tag", Arg("tag", Number(1, 4294967295))),
    }
    tail = (Opt(Arg("metric", Number(1, 255))), Many(tuple(syntax[o] for o in options), min=0))
    return Seq((*head, *tail)), anchor


for _vrf in (False, True):
    for _via in (False, True):
        _syntax, _anchor = _route(_vrf, _via)
        _add(
            "ip-route" + ("-vrf" if _vrf else "") + ("-interface-next-hop" if _via else ""),
            CONFIG,
            _syntax,
            anchor=_anchor,
            # an interface with a gateway is printed by the next-hop command, not as a route of its own
            skip_if=() if _via else ("interface-next-hop",),
            natural_order=True,
            no_prune=3,  # the next hop's, the prefix's and the VRF's entries, when nothing else is left in them
        )

#: Sub-modes declared here (merged into :data:`.table.MODES`).
MODES: tuple[Mode, ...] = (IF, VRF, VRF_AF)
#: Presence containers these commands reach (same form as :data:`.table.PRESENCE`).
PRESENCE: frozenset[tuple[str, ...]] = frozenset(
    {tuple(f"{{{NATIVE_NS}}}{step}" for step in ("vrf", "definition", "address-family", af)) for af in ("ipv4", "ipv6")}
    | {
        tuple(f"{{{NATIVE_NS}}}{step}" for step in ("interface", kind, "ip", "address", "dhcp"))
        for kind, _ in INTERFACE_LISTS
    }
)

_INTERFACE_HELP = {
    "GigabitEthernet": "GigabitEthernet IEEE 802.3z",
    "TwoGigabitEthernet": "Two GigabitEthernet ",
    "FiveGigabitEthernet": "Five GigabitEthernet ",
    "TenGigabitEthernet": "Ten Gigabit Ethernet",
    "TwentyFiveGigE": "Twenty Five GigabitEthernet ",
    "FortyGigabitEthernet": "Forty GigabitEthernet ",
    "HundredGigE": "Hundred GigabitEthernet",
    "AppGigabitEthernet": "Application Gigabit Ethernet",
    "Loopback": "Loopback interface",
    "Port-channel": "Ethernet Channel of interfaces",
    "Vlan": "Catalyst Vlans",
}
_ROUTE_HELP = {
    "ip route": "Establish static routes",
    "ip route vrf": "Configure static route for a VPN Routing/Forwarding instance",
    "ip route A.B.C.D": "Destination prefix",
    "ip route A.B.C.D A.B.C.D": "Destination prefix mask",
    "ip route A.B.C.D A.B.C.D A.B.C.D": "Forwarding router's address",
    "ip route A.B.C.D A.B.C.D Null0": "Null interface",
    "ip route <1-255>": "Distance metric for this route",
    "ip route name": "Specify name of the next hop",
    "ip route name WORD": "Name of the next hop",
    "ip route permanent": "permanent route",
    "ip route tag": "Set tag for this route",
    "ip route tag <1-4294967295>": "Tag value",
}
#: IOS's ``?`` texts of these commands, by mode (same keys as :data:`.help_text.HELP`, which merges them).
HELP: dict[str, dict[str, str]] = {
    "config": {
        "interface": "Select an interface to configure",
        **{f"interface {kind}": text for kind, text in _INTERFACE_HELP.items()},
        **{f"ip route {kind}": text for kind, text in _INTERFACE_HELP.items()},
        **_ROUTE_HELP,
        "vrf": "Configure VRF parameters",
        "vrf definition": "VRF definition",
        "vrf definition WORD": "VRF name",
    },
    "config-if": {
        "description": "Interface specific description",
        "description LINE": "Up to 200 characters describing this interface",
        "duplex": "Configure duplex operation.",
        "duplex auto": "Enable AUTO duplex configuration",
        "duplex full": "Force full duplex operation",
        "duplex half": "Force half-duplex operation",
        "exit": "Exit from interface configuration mode",
        "ip": "Interface Internet Protocol config commands",
        "ip address": "Set the IP address of an interface",
        "ip address A.B.C.D": "IP address",
        "ip address A.B.C.D A.B.C.D": "IP subnet mask",
        "ip address dhcp": "IP Address negotiated via DHCP",
        "ip address secondary": "Make this IP address a secondary address",
        "ipv6": "IPv6 interface subcommands",
        "ipv6 address": "Configure IPv6 address on interface",
        "ipv6 enable": "Enable IPv6 on interface",
        "mop": "DEC MOP server commands",
        "mop enabled": "Enable MOP for interface",
        "mop sysid": "Send out MOP periodic system ID messages",
        "mtu": "Set the interface Maximum Transmission Unit (MTU)",
        "negotiation": "Select Autonegotiation mode",
        "negotiation auto": "Enable link autonegotiation",
        "shutdown": "Shutdown the selected interface",
        "speed": "Configure speed operation.",
        "speed auto": "Enable AUTO speed configuration",
        "speed nonegotiate": "Do not negotiate speed",
        "vrf": "Configure forwarding table",
        "vrf forwarding": "Configure forwarding table",
    },
    "config-vrf": {
        "address-family": "Enter Address Family command mode",
        "address-family ipv4": "Address family",
        "address-family ipv6": "Address family",
        "description": "VRF specific description",
        "exit": "Exit from VRF configuration mode",
        "rd": "Specify Route Distinguisher",
    },
    "config-vrf-af": {
        "exit": "Exit from Address Family configuration mode",
        "exit-address-family": "Exit from Address Family configuration mode",
    },
}
