"""Management-plane services: part of the one CLI table (:mod:`.table` merges it).

``netconf-yang``, ``restconf``, ``ip http``, ``ntp``, ``clock``, ``ip host``, ``ip name-server``,
``ip forward-protocol``.
Same notation as :mod:`.table` (see :mod:`.syntax`); global commands are placed by :data:`.table.RENDER_PLAN`,
sub-mode commands print in the order they are declared here.

Where each lives (Cisco's 17.12.1 models): ``ip http`` in Cisco-IOS-XE-http under ``/native/ip``, ``ntp`` in
Cisco-IOS-XE-ntp under ``/native/ntp``, ``clock timezone``, ``ip forward-protocol``, ``ip host`` and
``ip name-server`` in the native module. ``netconf-yang`` and ``restconf`` have no node in any 17.12.1 model (the
NETCONF server is not configured through itself), so they are device-private (``priv:``), hidden from NETCONF like
``file prompt``.
"""

from __future__ import annotations

from iosxe_agent.device.cli_map.interface_table import IPV4
from iosxe_agent.device.cli_map.syntax import (
    Alt,
    Arg,
    Choice,
    Command,
    Interface,
    Kw,
    Mode,
    Number,
    Opt,
    Seq,
    Word,
    seq,
)
from iosxe_agent.device.names import NATIVE_NS, PRIVATE_NS

#: Global configuration mode (the same mode :data:`.table.CONFIG` declares; modes compare by value).
_CONFIG = Mode("config", NATIVE_NS)

#: Commands declared here, in running-config order within each mode.
COMMANDS: list[Command] = []
#: IOS's ``?`` texts of these commands, by mode (same keys as :data:`.help_text.HELP`, which merges them): the
#: descriptions of Cisco's 17.12.1 models, which are the CLI's help lines. ``netconf-yang`` and ``restconf``,
#: which no model has, fall back to our YANG descriptions.
HELP: dict[str, dict[str, str]] = {
    "config": {
        "clock": "Configure time-of-day clock",
        "clock timezone": "Configure time zone",
        "clock summer-time": "Configure summer (daylight savings) time",
        "clock summer-time recurring": "Configure recurring summer time",
        "ip forward-protocol": "Controls forwarding of physical and directed IP broadcasts",
        "ip host": "Add an entry to the ip hostname table",
        "ip host vrf": "Specify VRF",
        "ip http": "HTTP server configuration",
        "ip http server": "Enable http server",
        "ip http secure-server": "Enable HTTP secure server",
        "ip http authentication": "Set http server authentication method",
        "ip http authentication local": "Use local username and passwords",
        "ip http client": "Set http client parameters",
        "ip http client source-interface": "Specify interface for source address in all HTTP(S) client connections",
        "ntp": "Configure NTP",
        "ntp server": "Configure NTP server",
        "ntp server key": "Configure peer authentication key",
        "ntp server prefer": "Prefer this peer when possible",
        "ntp source": "Configure interface for source address",
        "line aux": "Auxiliary line",
    },
    "config-line": {"stopbits": "Set async line stop bits"},
}
#: Sub-modes declared here (merged into :data:`.table.MODES`).
MODES: tuple[Mode, ...] = ()
_AUX = (f"{{{NATIVE_NS}}}line", f"{{{NATIVE_NS}}}aux")
#: Presence containers these commands reach (same form as :data:`.table.PRESENCE`): ``no netconf-yang feature
#: candidate-datastore`` must leave ``netconf-yang`` itself configured; ``line aux 0`` takes the line sub-mode
#: (:data:`.table.LINE`), whose presence containers the console and the vty lines list there.
PRESENCE: frozenset[tuple[str, ...]] = frozenset(
    {
        (f"{{{PRIVATE_NS}}}netconf-yang",),
        (*_AUX, f"{{{NATIVE_NS}}}history"),
        (*_AUX, f"{{{NATIVE_NS}}}logging", f"{{{NATIVE_NS}}}synchronous"),
        (*_AUX, f"{{{NATIVE_NS}}}autocommand", f"{{{NATIVE_NS}}}no-suppress-linenumber"),
    }
)


def _add(cid: str, syntax: Seq, **kw: object) -> None:
    COMMANDS.append(Command(cid, _CONFIG, syntax, **kw))  # type: ignore[arg-type]


def _on_off(cid: str, words: tuple[str, ...], leaf: str, anchor: str) -> None:
    """A boolean service switch: ``WORDS`` stores true and prints so, ``no WORDS`` stores false and prints as
    ``no WORDS`` (what a hardened box shows: ``no ip http server``)."""
    *head, last = words
    _add(
        cid,
        seq(*head, Kw(last, set=((leaf, "true"),))),
        anchor=anchor,
        no="sets",
        no_sets=((leaf, "false"),),
    )


# -- clock timezone: printed after aaa session-id; IOS always prints the minutes ------------------------------------
_add(
    "clock-timezone",
    seq(
        "clock",
        Kw("timezone", defaults=(("minutes", "0"),)),
        Arg("zone", Word()),
        Arg("hours", Number(-23, 23)),
        Opt(Arg("minutes", Number(0, 59))),
    ),
    anchor="clock/timezone",
)

# -- clock summer-time ZONE recurring [...]: stored only (show clock keeps the standard zone) ------------------------
_WEEK = ("1", "2", "3", "4", "first", "last")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
)  # fmt: skip


def _named(path: str, names: tuple[str, ...]) -> Alt:
    """A day or month: IOS prints its three-letter form (the model's value) and also takes the full name."""
    short = tuple(name[:3] for name in names)
    return Alt((Arg(path, Choice(short)), Arg(path, Choice(names, short))))


def _when(edge: str) -> Seq:
    """``WEEK DAY MONTH HH:MM`` where summer time starts or ends."""
    return seq(
        Arg(f"recurring-{edge}", Choice(_WEEK)),
        _named(f"recurring-{edge}-day", _DAYS),
        _named(f"recurring-{edge}-month", _MONTHS),
        Arg(f"recurring-{edge}-time", Word()),
    )


_add(
    "clock-summer-time",
    seq(
        "clock",
        "summer-time",
        Arg("zone", Word()),
        Kw("recurring", set=(("recurring", None),)),
        Opt(Seq((_when("start"), _when("end"), Opt(Arg("recurring-offset", Number(1, 1440)))))),
    ),
    anchor="clock/summer-time",
    replace_anchor=True,
)

# -- ip host [vrf V] NAME [PORT] A...: after the domain lines (IOS 15's order; UNVERIFIED on 17.12) ----------------
# Typing a name again adds the new addresses to its entry, as name servers accumulate (UNVERIFIED on 17.12).
#: a host's address, IPv4 or IPv6 (``inet:ip-address``): a word that is neither is the caret's, so that ``ip host vrf
#: V NAME A`` never reads as the host ``vrf`` at the addresses ``V NAME A``
_HOST_ADDRESS = Word("A.B.C.D", pattern=rf"{IPV4.pattern}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")
#: the optional telnet port (no 17.12.1 model has it: device-private), then the addresses
_HOST_TAIL = (Opt(Arg("priv:port", Number(0, 65535))), Arg("ip-list", _HOST_ADDRESS, leaflist=True))
_add("ip-host", seq("ip", "host", Arg("name", Word()), *_HOST_TAIL), anchor="ip/host/host-list[name]")
_add(
    "ip-host-vrf",
    seq("ip", "host", "vrf", Arg("vrf-name", Word()), Arg("host-name", Word()), *_HOST_TAIL),
    anchor="ip/host/vrf[vrf-name]/host-name[host-name]",
    no_prune=1,  # the VRF's entry too, when its last name goes
)

# -- ip name-server [vrf V] A...: up to six servers each, kept in the order typed ------------------------------------
_add("ip-name-server", seq("ip", "name-server", Arg("no-vrf-ordered", Word(), leaflist=True)), anchor="ip/name-server")
_add(
    "ip-name-server-vrf",
    seq("ip", "name-server", "vrf", Arg("word", Word()), Arg("server-ip-list-ordered", Word(), leaflist=True)),
    anchor="ip/name-server/vrf[word]",
)

# -- ip forward-protocol nd, ip http ... (after the interfaces, before ip route) -------------------------------------
_add(
    "ip-forward-protocol",
    seq("ip", "forward-protocol", Arg("protocol", Choice(("nd", "sdns", "turbo-flood")))),
    anchor="ip/forward-protocol",
)
_on_off("ip-http-server", ("ip", "http", "server"), "http:http/server", "ip")
_add(
    "ip-http-authentication",
    seq("ip", "http", "authentication", Kw("local", set=(("http:http/authentication/local", None),))),
    anchor="ip",
)
_on_off("ip-http-secure-server", ("ip", "http", "secure-server"), "http:http/secure-server", "ip")
_add(
    "ip-http-client-source-interface",
    seq("ip", "http", "client", "source-interface", Arg("http:http/client/source-interface", Word())),
    anchor="ip",
)

# -- ntp: after the line blocks -------------------------------------------------------------------------------------
_add("ntp-source", seq("ntp", "source", Arg("ntp:source", Interface())), anchor="ntp")
_SERVER_OPTIONS = (
    Opt(seq("key", Arg("key", Number(1, 4294967295)))),
    Opt(Kw("prefer", set=(("prefer", None),))),
)
_add(
    "ntp-server",
    seq("ntp", "server", Arg("ip-address", Word()), *_SERVER_OPTIONS),
    anchor="ntp/ntp:server/server-list[ip-address]",
    replace_anchor=True,
)

# -- netconf-yang, restconf: the last lines before end (device-private, see the module docstring) --------------------
_add("netconf-yang", seq(Kw("netconf-yang", set=(("priv:netconf-yang", None),))))
_add(
    "netconf-yang-candidate",
    seq(
        "netconf-yang",
        "feature",
        Kw("candidate-datastore", set=(("priv:netconf-yang/feature/candidate-datastore", None),)),
    ),
)
_add("restconf", seq(Kw("restconf", set=(("priv:restconf", None),))))
