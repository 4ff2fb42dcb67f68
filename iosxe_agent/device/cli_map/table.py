"""The one CLI table: every modelled IOS XE 17.12 configuration command, declared once with its YANG home.

The parser (:mod:`.parse`, for ``configure terminal`` and configuration files) and the renderer (:mod:`.render`,
for ``show running-config``) both read these declarations, so what one prints the other reads back into the same
tree. :mod:`.syntax` explains the notation; in short, ``seq("ip", "ssh", "time-out", Arg("time-out", Number(1,
120)))`` anchored at ``ip/ssh`` is ``ip ssh time-out <1-120>`` stored in ``/native/ip/ssh/time-out``.

Commands are listed per mode in running-config order; :data:`RENDER_PLAN` orders the global ones (with the ``!``
separator lines) as a 17.x box prints them (CLI reference §1.3-1.7).
"""

from __future__ import annotations

from collections.abc import Callable

from iosxe_agent.device import ssh_algorithms
from iosxe_agent.device.cli_map import archive_table, gnmi_table, interface_table, mgmt_table, system_table
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
    Pad,
    Rest,
    Seq,
    Word,
    seq,
)
from iosxe_agent.device.cli_map.syntax import (
    flag as _flag,
)
from iosxe_agent.device.cli_map.words import words
from iosxe_agent.device.names import AAA_NS, CRYPTO_NS, NATIVE_NS, PRIVATE_NS

# -- modes ----------------------------------------------------------------------------------------------------------
CONFIG = Mode("config", NATIVE_NS)
LINE = Mode("config-line", NATIVE_NS, " ")
PUBKEY = Mode("conf-ssh-pubkey", NATIVE_NS, "  ")
PUBKEY_USER = Mode("conf-ssh-pubkey-user", NATIVE_NS, "   ")
PUBKEY_SERVER = Mode("conf-ssh-pubkey-server", PRIVATE_NS, "   ")
PUBKEY_DATA = Mode("conf-ssh-pubkey-data", NATIVE_NS, data="ssh-key")
SG_TACACS = Mode("config-sg-tacacs+", AAA_NS, " ")
SG_RADIUS = Mode("config-sg-radius", AAA_NS, " ")
TACACS_SERVER = Mode("config-server-tacacs", AAA_NS, " ")
RADIUS_SERVER = Mode("config-radius-server", AAA_NS, " ")
PUBKEY_CHAIN = Mode("config-pubkey-chain", CRYPTO_NS, " ")
PUBKEY_KEY = Mode("config-pubkey-key", CRYPTO_NS, "  ")
CRYPTO_DATA = Mode("config-pubkey", CRYPTO_NS, "   ", data="crypto-key")

MODES: dict[str, Mode] = {
    m.name: m
    for m in (
        CONFIG, LINE, PUBKEY, PUBKEY_USER, PUBKEY_SERVER, PUBKEY_DATA, SG_TACACS, SG_RADIUS, TACACS_SERVER,
        RADIUS_SERVER, PUBKEY_CHAIN, PUBKEY_KEY, CRYPTO_DATA,
    )
}  # fmt: skip

#: Presence containers the table reaches (element paths from ``native``, list keys left out). The parser never
#: removes one of these just because a ``no`` form emptied it; every other container that a ``no`` form empties
#: is removed with it, so the datastore keeps no empty shells.
PRESENCE: frozenset[tuple[str, ...]] = frozenset(
    tuple(f"{{{ns}}}{name}" for ns, name in path)
    for path in (
        ((NATIVE_NS, "ip"), (NATIVE_NS, "ssh"), (NATIVE_NS, "bulk-mode")),
        ((NATIVE_NS, "line"), (NATIVE_NS, "vty"), (NATIVE_NS, "history")),
        ((NATIVE_NS, "line"), (NATIVE_NS, "console"), (NATIVE_NS, "history")),
        ((NATIVE_NS, "line"), (NATIVE_NS, "vty"), (NATIVE_NS, "logging"), (NATIVE_NS, "synchronous")),
        ((NATIVE_NS, "line"), (NATIVE_NS, "console"), (NATIVE_NS, "logging"), (NATIVE_NS, "synchronous")),
        ((NATIVE_NS, "line"), (NATIVE_NS, "vty"), (NATIVE_NS, "autocommand"), (NATIVE_NS, "no-suppress-linenumber")),
        (
            (NATIVE_NS, "line"),
            (NATIVE_NS, "console"),
            (NATIVE_NS, "autocommand"),
            (NATIVE_NS, "no-suppress-linenumber"),
        ),
        ((NATIVE_NS, "tacacs-server"), (AAA_NS, "directed-request")),
        ((NATIVE_NS, "login"), (NATIVE_NS, "on-failure")),
        ((NATIVE_NS, "login"), (NATIVE_NS, "on-failure"), (NATIVE_NS, "log")),
        ((NATIVE_NS, "login"), (NATIVE_NS, "on-success")),
        ((NATIVE_NS, "login"), (NATIVE_NS, "on-success"), (NATIVE_NS, "log")),
        (
            (NATIVE_NS, "snmp-server"),
            ("http://cisco.com/ns/yang/Cisco-IOS-XE-snmp", "enable"),
            ("http://cisco.com/ns/yang/Cisco-IOS-XE-snmp", "enable-choice"),
            ("http://cisco.com/ns/yang/Cisco-IOS-XE-snmp", "traps"),
        ),
    )
)

#: Leaves of ``snmp-server enable traps`` (one ``snmp-server enable traps X`` line each), in running-config order.
ENABLE_TRAPS = (
    "aaa_server", "pki", "local-auth", "authenticate-fail", "bfd", "bgp", "bstun", "casa", "cluster", "chassis",
    "cnpd", "config", "copy-config", "config-copy", "config-ctid", "dhcp", "dlsw", "ds1", "eigrp", "entity",
    "entity-sensor", "entity-state", "event-manager", "flowmon", "fru-ctrl", "hsrp", "ipmulticast", "ipsla", "isis",
    "module", "msdp", "mvpn", "pfr", "pppoe", "resource-policy", "rf", "rsvp", "sonet", "srp", "stun",
    "switch-over", "syslog", "tty", "voice", "vrrp", "vtp",
)  # fmt: skip
SNMP_TRAPS = ("authentication", "linkdown", "linkup", "coldstart", "warmstart")

#: Notification types of one ``snmp-server host`` (trap-enable leaves), in schema order.
HOST_TRAPS = (
    "aaa_server", "alarms", "atm", "bfd", "bgp", "bstun", "bulkstat", "call-home", "casa", "cef", "cnpd", "config",
    "config-copy", "config-ctid", "cpu", "dhcp", "dlsw", "ds1", "dsp", "dspu", "eigrp", "entity", "entity-diag",
    "entity-qfp", "entity-state", "ethernet-cfm", "evc", "event-manager", "firewall", "flash", "flowmon",
    "frame-relay", "fru-ctrl", "gdoi", "hsrp", "iplocalpool", "ipmulticast", "ipsec", "ipsla", "isakmp", "isg-mib",
    "isis", "l2tun-pseudowire-status", "l2tun-session", "license", "memory", "mpls-fast-reroute", "mpls-ldp",
    "mpls-traffic-eng", "mpls-vpn", "msdp", "mvpn", "nhrp", "ospf", "ospfv3", "pfr", "pim", "pw-vc",
    "resource-policy", "rf", "rsrb", "rsvp", "sdlc", "sdllc", "snmp", "sonet", "srp", "stun", "syslog",
    "trustsec-sxp", "tty", "voice", "vrfmib", "vrrp", "x25",
)  # fmt: skip

LINE_PROTOCOLS = ("acercon", "lapb-ta", "lat", "mop", "nasi", "pad", "rlogin", "ssh", "telnet", "udptn", "v120")
PREFERRED_PROTOCOLS = ("acercon", "lat", "mop", "nasi", "none", "pad", "rlogin", "ssh", "telnet", "udptn")
SERVER_GROUPS = ("tacacs+", "radius", "ldap")
#: ``ip ssh {server|client} algorithm X`` lines, in running-config order (mac before encryption before kex: §1.4).
SSH_ALGORITHM_LINES = ("mac", "encryption", "kex", "hostkey", "authentication", "publickey")

COMMANDS: list[Command] = []


def _add(cid: str, mode: Mode, syntax: Seq, **kw: object) -> None:
    COMMANDS.append(Command(cid, mode, syntax, **kw))  # type: ignore[arg-type]


def _group(path: str, groups: tuple[str, ...] = SERVER_GROUPS) -> Seq:
    """``group {tacacs+|radius|ldap|NAME}``; the group keywords must be spelled out, so that a group called
    ``TAC`` or ``rad`` reads back as itself."""
    return seq("group", Alt((Arg(path, Choice(groups, exact=True)), Arg(path, Word()))))


def _list_name(path: str) -> Alt:
    """``{default | LIST-NAME}`` (``default`` spelled out, for the same reason)."""
    return Alt((Arg(path, Choice(("default",), exact=True)), Arg(path, Word())))


def _chain(method: Callable[[str], Node], count: int = 4) -> Seq:
    """``M1 [M2 [M3 [M4]]]`` over containers a1..a4."""
    node: Node = Opt(method(f"a{count}"))
    for i in range(count - 1, 1, -1):
        node = Opt(Seq((method(f"a{i}"), node)))
    return Seq((method("a1"), node))


def _login_method(a: str) -> Alt:
    return Alt(
        (
            _flag("local", f"{a}/local"),
            _flag("local-case", f"{a}/local-case"),
            _flag("none", f"{a}/none"),
            _flag("line", f"{a}/line"),
            _flag("enable", f"{a}/enable"),
            _flag("krb5", f"{a}/krb5"),
            _flag("krb5-telnet", f"{a}/krb5-telnet"),
            _group(f"{a}/group"),
            seq("cache", Arg(f"{a}/cache", Word())),
        )
    )


def _exec_method(a: str) -> Alt:
    return Alt(
        (
            _group(f"{a}/group"),
            seq("cache", Arg(f"{a}/cache", Word())),
            _flag("local", f"{a}/local"),
            _flag("if-authenticated", f"{a}/if-authenticated"),
            _flag("none", f"{a}/none"),
            _flag("krb5-instance", f"{a}/krb5-instance"),
            _flag("radius", f"{a}/radius"),
            _flag("tacacs", f"{a}/tacacs"),
        )
    )


def _commands_method(a: str) -> Alt:
    return Alt(
        (
            _group(f"{a}/group", ("tacacs+",)),
            _flag("local", f"{a}/local"),
            _flag("if-authenticated", f"{a}/if-authenticated"),
            _flag("none", f"{a}/none"),
            _flag("radius", f"{a}/radius"),
            _flag("tacacs", f"{a}/tacacs"),
        )
    )


def _groups(prefix: str, groups: tuple[str, ...]) -> Opt:
    """``[group G1 [group G2 [group G3 [group G4]]]]`` over ``prefix/groupN/group``."""
    node: Node = Opt(_group(f"{prefix}group4/group", groups))
    for i in (3, 2):
        node = Opt(Seq((_group(f"{prefix}group{i}/group", groups), node)))
    return Opt(Seq((_group(f"{prefix}group1/group", groups), node)))


def _accounting(action: str) -> Seq:
    return Seq(
        (
            _flag(action, action),
            Opt(_flag("broadcast", f"{action}/broadcast")),
            Opt(_flag("logger", f"{action}/logger")),
            _groups(f"{action}/", ("tacacs+", "radius")),
        )
    )


def _key(path: str, types: tuple[str, ...], leaf: str = "key") -> tuple[Kw, Opt, Arg]:
    """``key [TYPE] LINE`` into ``path/encryption`` and ``path/<leaf>``; re-entering it replaces the key."""
    return (
        Kw("key", replace=(path,)),
        Opt(Arg(f"{path}/encryption", Choice(types))),
        Arg(f"{path}/{leaf}", Rest()),
    )


def _password(path: str, leaf: str, types: tuple[str, ...], other: str) -> Seq:
    """``password|secret [TYPE] LINE`` of a user: type 0 when none is typed; a user has one or the other, so the
    command clears ``other``."""
    return Seq(
        (
            Kw(path, clears=(other,), replace=(path,), defaults=((f"{path}/encryption", "0"),)),
            Opt(Arg(f"{path}/encryption", Choice(types))),
            Arg(f"{path}/{leaf}", Rest()),
        )
    )


def _algorithm(path: str, enc: str, other: str | None) -> Seq:
    """``algorithm-type {scrypt|sha256|md5} secret LINE`` (input only): stored hashed as type 9, 8 or 5."""
    branches = []
    for word, kind, transform in (("scrypt", "9", "type9"), ("sha256", "8", "type8"), ("md5", "5", "type5")):
        branches.append(
            seq(
                word,
                Kw("secret", clears=(other,) if other else (), replace=(path,), defaults=((f"{path}/{enc}", kind),)),
                Arg(f"{path}/secret", Rest(transform=transform)),
            )
        )
    return Seq((Kw("algorithm-type"), Alt(tuple(branches))), parse_only=True)


# -- fixed lines and header -----------------------------------------------------------------------------------------
_add("version", CONFIG, seq("version", Arg(None, Rest())), noop=True, no="none")
_add("boot-start-marker", CONFIG, seq("boot-start-marker"), fixed=True, noop=True, no="none")
_add("boot-end-marker", CONFIG, seq("boot-end-marker"), fixed=True, noop=True, no="none")

# -- hostname, enable, username -------------------------------------------------------------------------------------
_add("hostname", CONFIG, seq("hostname", Arg("hostname", Word())))
_add(
    "enable-secret",
    CONFIG,
    seq(
        "enable",
        Kw("secret", replace=("secret",), defaults=(("secret/type", "0"),)),
        Opt(seq("level", Arg("secret/level", Number(1, 15)))),
        Opt(Arg("secret/type", Choice(("0", "4", "5", "8", "9")))),
        Arg("secret/secret", Rest()),
    ),
    anchor="enable",
)
_add(
    "enable-secret-algorithm",
    CONFIG,
    seq("enable", _algorithm("secret", "type", None)),
    anchor="enable",
    parse_only=True,
    no="none",
)
_add(
    "enable-password",
    CONFIG,
    seq(
        "enable",
        Kw("password", replace=("password",)),
        Opt(seq("level", Arg("password/level", Number(1, 15)))),
        Opt(Arg("password/type", Choice(("0", "6", "7")))),
        Arg("password/secret", Rest()),
    ),
    anchor="enable",
)
_add(
    "username",
    CONFIG,
    seq(
        "username",
        Arg("name", Word()),
        Opt(seq("privilege", Arg("privilege", Number(0, 15)))),
        Opt(_flag("one-time", "one-time")),
        Opt(
            Alt(
                (
                    _password("password", "password", ("0", "6", "7"), "secret"),
                    _password("secret", "secret", ("0", "5", "8", "9"), "password"),
                    _algorithm("secret", "encryption", "password"),
                )
            )
        ),
    ),
    anchor="username[name]",
)

# -- aaa ------------------------------------------------------------------------------------------------------------
_add(
    "aaa-new-model",
    CONFIG,
    seq("aaa", _flag("new-model", "aaa:new-model")),
    anchor="aaa",
    default_line="no aaa new-model",
)
_add(
    "aaa-group-tacacs",
    CONFIG,
    seq("aaa", "group", "server", "tacacs+", Arg("name", Word())),
    anchor="aaa/aaa:group/server/tacacsplus[name]",
    enters=SG_TACACS,
    block_end="!",
)
_add("sg-tacacs-server", SG_TACACS, seq("server", "name", Arg("name", Word())), anchor="server/name[name]")
_add("sg-tacacs-vrf", SG_TACACS, seq("ip", "vrf", "forwarding", Arg("ip/vrf/forwarding", Word())))
_add(
    "sg-tacacs-source",
    SG_TACACS,
    seq("ip", "tacacs", "source-interface", Arg("ip/tacacs/source-interface", Interface())),
)
_add("sg-tacacs-timeout", SG_TACACS, seq("timeout", Arg("timeout", Number(1, 1000))))
_add(
    "aaa-group-radius",
    CONFIG,
    seq("aaa", "group", "server", "radius", Arg("name", Word())),
    anchor="aaa/aaa:group/server/radius[name]",
    enters=SG_RADIUS,
    block_end="!",
)
_add("sg-radius-server", SG_RADIUS, seq("server", "name", Arg("name", Word())), anchor="server/name[name]")
_add("sg-radius-vrf", SG_RADIUS, seq("ip", "vrf", "forwarding", Arg("ip/vrf/forwarding", Word())))
_add(
    "sg-radius-source",
    SG_RADIUS,
    seq("ip", "radius", "source-interface", Arg("ip/radius/source-interface", Interface())),
)
_add("sg-radius-deadtime", SG_RADIUS, seq("deadtime", Arg("deadtime", Number(0, 1440))))
_add(
    "aaa-authentication-attempts",
    CONFIG,
    seq("aaa", "authentication", "attempts", "login", Arg("aaa:authentication/attempts/login", Number(1, 25))),
    anchor="aaa",
)
_add(
    "aaa-authentication-login",
    CONFIG,
    seq("aaa", "authentication", "login", _list_name("name"), _chain(_login_method)),
    anchor="aaa/aaa:authentication/login[name]",
    replace_anchor=True,
)
_add(
    "aaa-authentication-enable",
    CONFIG,
    seq(
        "aaa",
        "authentication",
        "enable",
        "default",
        Many(
            (
                _group("group"),
                _flag("enable", "enable"),
                _flag("line", "line"),
                _flag("none", "none"),
            )
        ),
    ),
    anchor="aaa/aaa:authentication/enable/default",
    replace_anchor=True,
)
_add(
    "aaa-authorization-console",
    CONFIG,
    seq("aaa", "authorization", _flag("console", "aaa:authorization/console")),
    anchor="aaa",
)
_add(
    "aaa-authorization-config-commands",
    CONFIG,
    seq("aaa", "authorization", _flag("config-commands", "aaa:authorization/config-commands")),
    anchor="aaa",
)
_add(
    "aaa-authorization-exec",
    CONFIG,
    seq("aaa", "authorization", "exec", _list_name("name"), _chain(_exec_method)),
    anchor="aaa/aaa:authorization/exec[name]",
    replace_anchor=True,
)
_add(
    "aaa-authorization-commands",
    CONFIG,
    seq(
        "aaa",
        "authorization",
        "commands",
        Arg("level", Number(0, 15)),
        _list_name("list-name"),
        _chain(_commands_method),
    ),
    anchor="aaa/aaa:authorization/commands[level list-name]",
    replace_anchor=True,
)
_add(
    "aaa-accounting-exec",
    CONFIG,
    seq(
        "aaa",
        "accounting",
        "exec",
        _list_name("name"),
        Alt(
            (
                _flag("none", "none"),
                _accounting("start-stop"),
                _accounting("stop-only"),
                _accounting("wait-start"),
            )
        ),
    ),
    anchor="aaa/aaa:accounting/exec[name]",
    replace_anchor=True,
)
_add(
    "aaa-accounting-commands",
    CONFIG,
    seq(
        "aaa",
        "accounting",
        "commands",
        Arg("level", Number(0, 15)),
        _list_name("list-name"),
        Alt(
            (
                _flag("none", "commands-config/none"),
                Seq(
                    (
                        Arg("commands-config/action-type", Choice(("start-stop", "stop-only"))),
                        Opt(_flag("broadcast", "commands-config/broadcast")),
                        _groups("commands-config/group-config/", ("tacacs+",)),
                    )
                ),
            )
        ),
    ),
    anchor="aaa/aaa:accounting/commands[level list-name]",
    replace_anchor=True,
)
_add(
    "aaa-session-id",
    CONFIG,
    seq("aaa", "session-id", Arg("aaa:session-id", Choice(("common", "unique")))),
    anchor="aaa",
)

# -- ip domain ------------------------------------------------------------------------------------------------------
_add(
    "ip-domain-name",
    CONFIG,
    Seq(
        (
            Kw("ip"),
            Alt((seq("domain", "name"), Kw("domain-name", hidden=True, parse_only=True))),
            Arg("domain/name", Word()),
        )
    ),
    anchor="ip",
)
_add(
    "ip-domain-lookup",
    CONFIG,
    Seq(
        (
            Kw("ip"),
            Alt(
                (
                    seq("domain", Kw("lookup", set=(("domain/lookup", "true"),))),
                    Kw("domain-lookup", set=(("domain/lookup", "true"),), hidden=True, parse_only=True),
                )
            ),
        )
    ),
    anchor="ip",
    no="sets",
    no_sets=(("domain/lookup", "false"),),
)
_add("ip-domain-timeout", CONFIG, seq("ip", "domain", "timeout", Arg("domain/timeout", Number(1, 3600))), anchor="ip")

# -- file prompt (how much copy/delete ask; views.files); CLI-only on 17.12: device-private ---------------------------
_add("file-prompt", CONFIG, seq("file", "prompt", Arg("priv:file/prompt", Choice(("alert", "noisy", "quiet")))))

# -- login (quiet mode: Cisco IOS Login Enhancements) ---------------------------------------------------------------
_add(
    "login-block-for",
    CONFIG,
    seq(
        "login",
        "block-for",
        Arg("block-config/block-for", Number(1, 65535)),
        "attempts",
        Arg("block-config/attempts", Number(1, 65535)),
        "within",
        Arg("block-config/within", Number(1, 65535)),
    ),
    anchor="login",
)
_add("login-delay", CONFIG, seq("login", "delay", Arg("delay", Number(1, 10))), anchor="login")
for _event in ("on-failure", "on-success"):
    _add(
        f"login-{_event}",
        CONFIG,
        seq(
            "login",
            Kw(_event, set=((_event, None),), replace=(_event,)),
            Kw("log", set=((f"{_event}/log", None),)),
            Opt(seq("every", Arg(f"{_event}/log/every", Number(1, 65535)))),
        ),
        anchor="login",
    )

# -- crypto key pubkey-chain rsa ------------------------------------------------------------------------------------
_add(
    "crypto-pubkey-chain",
    CONFIG,
    seq("crypto", "key", "pubkey-chain", "rsa"),
    anchor="crypto/crypto:key/pubkey-chain/rsa",
    enters=PUBKEY_CHAIN,
    block_end="!",
)
_USE = Opt(Arg("use", Choice(("encryption", "signature"))))
_add(
    "pubkey-addressed-key",
    PUBKEY_CHAIN,
    seq("addressed-key", Arg("ip", Word()), _USE),
    anchor="addressed-key[ip]",
    enters=PUBKEY_KEY,
)
_add(
    "pubkey-named-key",
    PUBKEY_CHAIN,
    seq("named-key", Arg("name", Word()), _USE),
    anchor="named-key[name]",
    enters=PUBKEY_KEY,
)
_add("pubkey-key-address", PUBKEY_KEY, seq("address", Arg("address", Word())))
_add("pubkey-key-serial", PUBKEY_KEY, seq("serial-number", Arg("serial-number", Word())))
_add(
    "pubkey-key-string",
    PUBKEY_KEY,
    seq("key-string"),
    anchor="key-string",
    collect="crypto-key",
    render_as="crypto-key",
)

# -- crypto key generate|zeroize rsa: actions on the key store, not configuration (parse.Action) ------------------
# The names in the syntax are the action's parameters (iosxe_agent.device.key_actions), not YANG paths. 17.x takes
# no modulus below 2048 on the command line (a caret under the number, CLI reference §1.4).
_add(
    "crypto-key-generate-rsa",
    CONFIG,
    seq(
        "crypto",
        "key",
        "generate",
        "rsa",
        Many(
            (
                Alt((Kw("general-keys"), Kw("usage-keys", set=(("usage-keys", None),)))),
                seq("label", Arg("label", Word())),
                seq("modulus", Arg("modulus", Number(2048, 4096))),
                Kw("exportable", set=(("exportable", None),)),
            ),
            min=0,
        ),
    ),
    action=True,
    noop=True,
    no="none",
)
_add(
    "crypto-key-zeroize-rsa",
    CONFIG,
    seq("crypto", "key", "zeroize", "rsa", Opt(Arg("label", Word()))),
    action=True,
    noop=True,
    no="none",
)

# -- banners: the text between two delimiters, possibly over several lines (see parse.py) -------------------------
BANNERS = ("exec", "login", "motd", "prompt-timeout")
#: The delimiter ``show running-config`` prints around banners (two characters); a banner cannot contain it.
BANNER_DELIMITER = "^C"
for _kind in BANNERS:
    _add(
        f"banner-{_kind}",
        CONFIG,
        seq("banner", _kind, Arg("banner", Rest(verbatim=True))),
        anchor=f"banner/{_kind}",
        collect="banner",
        render_as="banner",
    )

# -- global tacacs / radius source interfaces, ip ssh, ip scp --------------------------------------------------------
_add(
    "ip-tacacs-source",
    CONFIG,
    seq(
        "ip",
        "tacacs",
        "source-interface",
        Arg("aaa:tacacs/source-interface", Interface()),
        Opt(seq("vrf", Arg("aaa:tacacs/source-interface/vrf", Word()))),
    ),
    anchor="ip",
)
_add(
    "ip-radius-source",
    CONFIG,
    seq(
        "ip",
        "radius",
        "source-interface",
        Arg("aaa:radius/source-interface", Interface()),
        Opt(seq("vrf", Arg("aaa:radius/source-interface/vrf", Word()))),
    ),
    anchor="ip",
)
_SSH = "ip/ssh"
_add(
    "ip-ssh-bulk-mode",
    CONFIG,
    seq(
        "ip",
        "ssh",
        Kw("bulk-mode", set=(("bulk-mode", None),), replace=("bulk-mode",)),
        Opt(Arg("bulk-mode/window-size", Number(131072, 1073741824))),
    ),
    anchor=_SSH,
)
_add("ip-ssh-time-out", CONFIG, seq("ip", "ssh", "time-out", Arg("time-out", Number(1, 120))), anchor=_SSH)
_add(
    "ip-ssh-authentication-retries",
    CONFIG,
    seq("ip", "ssh", "authentication-retries", Arg("authentication-retries", Number(0, 5))),
    anchor=_SSH,
)
_add("ip-ssh-maxstartups", CONFIG, seq("ip", "ssh", "maxstartups", Arg("maxstartups", Number(2, 128))), anchor=_SSH)
_add(
    "ip-ssh-source-interface",
    CONFIG,
    seq("ip", "ssh", "source-interface", Arg("source-interface-config", Interface())),
    anchor=_SSH,
)
_add("ip-ssh-rsa", CONFIG, seq("ip", "ssh", "rsa", "keypair-name", Arg("rsa/keypair-name", Word())), anchor=_SSH)
_add(
    "ip-ssh-port",
    CONFIG,
    seq(
        "ip",
        "ssh",
        "port",
        Arg("port-no", Number(2000, 10000)),
        "rotary",
        Arg("low-rotary", Number(1, 127)),
        Opt(Arg("high-rotary", Number(1, 127))),
    ),
    anchor="ip/ssh/port[port-no]",
    replace_anchor=True,
)
_add(
    "ip-ssh-version",
    CONFIG,
    seq(
        "ip",
        "ssh",
        "version",
        # 17.12 knows only version 2; the deprecated integer leaf (16.x payloads) is shown the same way
        Alt((Arg("ssh-version", Choice(("2",))), Arg("version", Choice(("1", "2")), render_only=True))),
    ),
    anchor=_SSH,
)
_add(
    "ip-ssh-dh",
    CONFIG,
    seq("ip", "ssh", "dh", "min", "size", Arg("dh/min/size", Choice(("2048", "4096")))),
    anchor=_SSH,
)
_add(
    "ip-ssh-logging",
    CONFIG,
    seq("ip", "ssh", "logging", Kw("events", set=(("logging/events-enable", "true"),))),
    anchor=_SSH,
    no="sets",
    no_sets=(("logging/events-enable", "false"),),
)
_add("ip-ssh-dscp", CONFIG, seq("ip", "ssh", "dscp", Arg("dscp", Number(0, 63))), anchor=_SSH)
_add("ip-ssh-precedence", CONFIG, seq("ip", "ssh", "precedence", Arg("precedence", Number(0, 7))), anchor=_SSH)
# the device's own ssh client (views.ssh_client); CLI-only on 17.12: device-private
_add(
    "ip-ssh-stricthostkeycheck",
    CONFIG,
    seq("ip", "ssh", _flag("stricthostkeycheck", "priv:stricthostkeycheck")),
    anchor=_SSH,
)
_add("ip-ssh-pubkey-chain", CONFIG, seq("ip", "ssh", "pubkey-chain"), anchor="ip/ssh/pubkey-chain", enters=PUBKEY)
_add("pubkey-user", PUBKEY, seq("username", Arg("name", Word())), anchor="username[name]", enters=PUBKEY_USER)
_add(
    "pubkey-user-key-hash",
    PUBKEY_USER,
    seq(
        "key-hash",
        Arg("key-type", Choice(("ssh-rsa",))),
        Arg("key-hash-value", Word(hex_upper=True)),
        Opt(Arg("priv:comment", Rest())),  # the key's comment, kept as typed (device-private)
        Pad(),
    ),
    anchor="key-hash[key-type key-hash-value]",
)
_add("pubkey-user-key-string", PUBKEY_USER, seq("key-string"), collect="ssh-key", parse_only=True, no="none")
# 'server NAME' host keys of the device's own ssh client (views.ssh_client): IOS XE 17.12 has no YANG node for
# them, so they are device-private, shaped like the username branch
_add("pubkey-server", PUBKEY, seq("server", Arg("name", Word())), anchor="priv:server[name]", enters=PUBKEY_SERVER)
_add(
    "pubkey-server-key-hash",
    PUBKEY_SERVER,
    seq(
        "key-hash",
        Arg("key-type", Choice(("ssh-rsa",))),
        Arg("key-hash-value", Word(hex_upper=True)),
        Opt(Arg("priv:comment", Rest())),  # the key's comment, kept as typed (device-private)
        Pad(),
    ),
    anchor="key-hash[key-type key-hash-value]",
)
_add("pubkey-server-key-string", PUBKEY_SERVER, seq("key-string"), collect="ssh-server-key", parse_only=True, no="none")
_add(
    "ip-ssh-server-peruser",
    CONFIG,
    seq("ip", "ssh", "server", "peruser", "session", "limit", Arg("server/peruser/session/limit", Number(1, 16))),
    anchor=_SSH,
)
# `ip ssh {server|client} algorithm LIST...`: each list kept as typed (device-private leaf-lists; Cisco's 17.12.1 model
# has only the aes*-ctr leaves of encryption, set beside the typed list so that NETCONF sees them).
for _side in ("server", "client"):
    _algo = f"{_side}/algorithm"
    _add(
        f"ip-ssh-{_side}-encryption",
        CONFIG,
        seq(
            "ip",
            "ssh",
            _side,
            "algorithm",
            Kw("encryption", replace=(f"{_algo}/encryption",)),
            Arg(
                f"{_algo}/encryption/priv:encrypt-options",
                Choice(ssh_algorithms.ENCRYPTION),
                leaflist=True,
                flags=ssh_algorithms.CTR_LEAVES,
            ),
        ),
        anchor=_SSH,
        no_remove=(f"{_algo}/encryption",),
    )
    for _word, _names in (
        ("mac", ssh_algorithms.MAC),
        ("kex", ssh_algorithms.KEX),
        ("hostkey", ssh_algorithms.HOSTKEY),
        ("authentication", ssh_algorithms.AUTHENTICATION),
        ("publickey", ssh_algorithms.PUBLICKEY),
    ):
        _list = f"{_algo}/priv:{_word}"
        _add(
            f"ip-ssh-{_side}-{_word}",
            CONFIG,
            seq(
                "ip",
                "ssh",
                _side,
                "algorithm",
                Kw(_word, replace=(_list,)),
                Arg(f"{_list}/{_word}-options", Choice(_names), leaflist=True),
            ),
            anchor=_SSH,
        )
_add("ip-scp", CONFIG, seq("ip", "scp", "server", _flag("enable", "scp/server/enable")), anchor="ip")

# -- snmp-server ----------------------------------------------------------------------------------------------------
# a bare `snmp-server` (the guide's SNMP trap example) enables the SNMP agent, which every snmp-server line does:
# running-config keeps no line for it, so it stores nothing (`no snmp-server` exists only as an exec-like negation)
_add("snmp-server", CONFIG, seq("snmp-server"), noop=True, no="none")
_add(
    "snmp-community",
    CONFIG,
    seq(
        "snmp-server",
        "community",
        Arg("name", Word()),
        Opt(seq("view", Arg("view", Word()))),
        Opt(Arg("permission", Choice(("RO", "RW"), ("ro", "rw")))),
        Opt(seq("ipv6", Arg("ipv6", Word()))),
        Opt(Arg("access-list-name", Word())),
    ),
    anchor="snmp-server/snmp:community-config[name]",
    replace_anchor=True,
)
_add(
    "snmp-trap-source",
    CONFIG,
    seq("snmp-server", "trap-source", Arg("snmp:trap-source", Interface())),
    anchor="snmp-server",
)
_add("snmp-location", CONFIG, seq("snmp-server", "location", Arg("snmp:location", Rest())), anchor="snmp-server")
_add("snmp-contact", CONFIG, seq("snmp-server", "contact", Arg("snmp:contact", Rest())), anchor="snmp-server")
_add("snmp-chassis-id", CONFIG, seq("snmp-server", "chassis-id", Arg("snmp:chassis-id", Rest())), anchor="snmp-server")
_add(
    "snmp-trap-timeout",
    CONFIG,
    seq("snmp-server", "trap", "timeout", Arg("snmp:trap/timeout", Number(1, 1000))),
    anchor="snmp-server",
)
_TRAPS = "snmp-server/snmp:enable/enable-choice/traps"
_add("snmp-enable-traps", CONFIG, seq("snmp-server", "enable", "traps"), anchor=_TRAPS, bare=True)
_add(
    "snmp-enable-traps-snmp",
    CONFIG,
    seq("snmp-server", "enable", "traps", "snmp", Many(tuple(_flag(t, f"snmp/{t}") for t in SNMP_TRAPS))),
    anchor=_TRAPS,
)
_add(
    "snmp-enable-traps-snmp-all",
    CONFIG,
    seq("snmp-server", "enable", "traps", Kw("snmp", set=tuple((f"snmp/{t}", None) for t in SNMP_TRAPS))),
    anchor=_TRAPS,
    parse_only=True,
    no="none",
)
for _trap in ENABLE_TRAPS:
    _add(
        f"snmp-enable-traps-{_trap}", CONFIG, seq("snmp-server", "enable", "traps", _flag(_trap, _trap)), anchor=_TRAPS
    )
_add(
    "snmp-enable-informs",
    CONFIG,
    seq("snmp-server", "enable", _flag("informs", "informs")),
    anchor="snmp-server/snmp:enable/enable-choice",
)
for _vrf in (False, True):
    for _port in (False, True):
        _items: list[Node] = [Kw("snmp-server"), Kw("host"), Arg("ip-address", Word())]
        if _vrf:
            _items.append(seq("vrf", Arg("vrf", Word())))
        _items += [
            Opt(Alt((_flag("informs", "informs"), _flag("traps", "traps")))),
            Opt(
                seq(
                    "version",
                    Alt(
                        (
                            Arg("version", Choice(("1", "2c"))),
                            Seq(
                                (
                                    Arg("version", Choice(("3",))),
                                    Arg("security-level", Choice(("auth", "noauth", "priv"))),
                                )
                            ),
                        )
                    ),
                )
            ),
            Arg("community-or-user", Word()),
        ]
        if _port:
            _items.append(seq("udp-port", Arg("udp-port", Number(0, 65535))))
        _items += [Pad(), Many(tuple(_flag(t, f"trap-enable/{t}") for t in HOST_TRAPS), min=0)]
        _list = "ip-" + ("vrf-" if _vrf else "") + "community" + ("-port" if _port else "")
        _keys = "ip-address" + (" vrf" if _vrf else "") + " community-or-user" + (" udp-port" if _port else "")
        _add(
            f"snmp-host-{_list}",
            CONFIG,
            Seq(tuple(_items)),
            anchor=f"snmp-server/snmp:host-config/{_list}[{_keys}]",
            replace_anchor=True,
        )

# -- tacacs / radius servers ----------------------------------------------------------------------------------------
_add(
    "tacacs-server-timeout",
    CONFIG,
    seq("tacacs-server", "timeout", Arg("aaa:timeout", Number(1, 1000))),
    anchor="tacacs-server",
)
_add(
    "tacacs-server-directed-request",
    CONFIG,
    seq(
        "tacacs-server",
        Kw("directed-request", set=(("aaa:directed-request", None),), replace=("aaa:directed-request",)),
        Opt(_flag("restricted", "aaa:directed-request/restricted")),
        Opt(_flag("no-truncate", "aaa:directed-request/no-truncate")),
    ),
    anchor="tacacs-server",
)
_add("tacacs-server-key", CONFIG, seq("tacacs-server", *_key("aaa:key", ("0", "6", "7"))), anchor="tacacs-server")
_add(
    "tacacs-server",
    CONFIG,
    seq("tacacs", "server", Arg("name", Word())),
    anchor="tacacs/aaa:server[name]",
    enters=TACACS_SERVER,
    block_end="!",
)
_ADDRESS = Alt(
    (
        seq("ipv4", Arg("address/ipv4", Word())),
        seq("ipv6", Arg("address/ipv6", Word())),
        seq("fqdn", Arg("address/fqdn", Word())),
    )
)
_add("tacacs-address", TACACS_SERVER, seq("address", _ADDRESS))
_add("tacacs-key", TACACS_SERVER, seq(*_key("key", ("0", "6", "7"))))
_add("tacacs-port", TACACS_SERVER, seq("port", Arg("port", Number(1, 65535))))
_add("tacacs-timeout", TACACS_SERVER, seq("timeout", Arg("timeout", Number(1, 1000))))
_add(
    "radius-server-dead-criteria",
    CONFIG,
    seq(
        "radius-server",
        Kw("dead-criteria", replace=("aaa:dead-criteria",)),
        Many(
            (
                seq("time", Arg("aaa:dead-criteria/time", Number(1, 120))),
                seq("tries", Arg("aaa:dead-criteria/tries", Number(1, 100))),
            )
        ),
    ),
    anchor="radius-server",
)
_add(
    "radius-server-deadtime",
    CONFIG,
    seq("radius-server", "deadtime", Arg("aaa:deadtime", Number(1, 1440))),
    anchor="radius-server",
)
_add(
    "radius-server-key",
    CONFIG,
    seq("radius-server", *_key("aaa:key", ("0", "6", "7"), "clear-key")),
    anchor="radius-server",
)
_add(
    "radius-server-retransmit",
    CONFIG,
    seq("radius-server", "retransmit", Arg("aaa:retransmit", Number(1, 100))),
    anchor="radius-server",
)
_add(
    "radius-server-timeout",
    CONFIG,
    seq("radius-server", "timeout", Arg("aaa:timeout", Number(1, 1000))),
    anchor="radius-server",
)
_add(
    "radius-server",
    CONFIG,
    seq("radius", "server", Arg("id", Word())),
    anchor="radius/aaa:server[id]",
    enters=RADIUS_SERVER,
    block_end="!",
)
_add(
    "radius-address",
    RADIUS_SERVER,
    seq(
        Kw("address", replace=("address",)),
        _ADDRESS,
        Opt(seq("auth-port", Arg("address/auth-port", Number(0, 65534)))),
        Opt(seq("acct-port", Arg("address/acct-port", Number(0, 65534)))),
    ),
)
_add("radius-timeout", RADIUS_SERVER, seq("timeout", Arg("timeout", Number(1, 1000))))
_add("radius-retransmit", RADIUS_SERVER, seq("retransmit", Arg("retransmit", Number(0, 100))))
_add("radius-key", RADIUS_SERVER, seq(*_key("key", ("0", "5", "6", "7"))))

# -- line con 0 / line vty ------------------------------------------------------------------------------------------
_add(
    "line-console",
    CONFIG,
    seq("line", Kw("console", display="con"), Arg("first", Choice(("0",)))),
    anchor="line/console[first]",
    enters=LINE,
)
_add(
    "line-aux",
    CONFIG,
    seq("line", "aux", Arg("first", Choice(("0",)))),
    anchor="line/aux[first]",
    enters=LINE,
)
_add(
    "line-vty",
    CONFIG,
    seq("line", "vty", Arg("first", Number(0, 1869)), Opt(Arg("last", Number(1, 1869)))),
    anchor="line/vty[first]",
    enters=LINE,
)
_add(
    "line-access-class",
    LINE,
    seq(
        "access-class",
        Arg("access-list", Word()),
        Arg("direction", Choice(("in", "out"))),
        Opt(_flag("vrf-also", "vrf-also")),
        Opt(seq("vrfname", Arg("vrfname", Word()))),
    ),
    anchor="access-class/acccess-list[direction]",
    replace_anchor=True,
)
_add(
    "line-session-timeout",
    LINE,
    seq(
        Kw("session-timeout", replace=("session-timeout",)),
        Arg("session-timeout/session-timeout-value", Number(0, 35791)),
        Opt(_flag("output", "session-timeout/output")),
    ),
)
_add(
    "line-exec-timeout",
    LINE,
    seq(
        Kw("exec-timeout", replace=("exec-timeout",)),
        Arg("exec-timeout/minutes", Number(0, 35791)),
        Opt(Arg("exec-timeout/seconds", Number(0, 2147483))),
    ),
)
_add("line-privilege", LINE, seq("privilege", "level", Arg("privilege/level/number", Number(0, 15))))
_add(
    "line-password",
    LINE,
    seq(
        Kw("password", replace=("password",)),
        Opt(Arg("password/type", Choice(("0", "6", "7")))),
        Arg("password/secret", Rest()),
    ),
)
_add(
    "line-authorization-commands",
    LINE,
    seq("authorization", "commands", Arg("enable-level", Number(0, 15)), Arg("auth-name", Word())),
    anchor="authorization/commands[enable-level auth-name]",
)
_add(
    "line-authorization-exec",
    LINE,
    seq(
        "authorization",
        Kw("exec", replace=("authorization/exec",)),
        Alt((_flag("default", "authorization/exec/default"), Arg("authorization/exec/authorization-name", Word()))),
    ),
)
_add("line-logging-synchronous", LINE, seq("logging", _flag("synchronous", "logging/synchronous")))
_add("line-login-authentication", LINE, seq("login", "authentication", Arg("login/authentication", Word())))
_add("line-login-local", LINE, seq("login", _flag("local", "login/local")))
_add("line-rotary", LINE, seq("rotary", Arg("rotary", Number(1, 99))))
_add(
    "line-autocommand",
    LINE,
    seq(
        Kw("autocommand", replace=("autocommand",)),
        Alt(
            (
                Seq(
                    (
                        _flag("no-suppress-linenumber", "autocommand/no-suppress-linenumber"),
                        Opt(Arg("autocommand/no-suppress-linenumber/line", Rest())),
                    )
                ),
                Arg("autocommand/line", Rest()),
            )
        ),
    ),
)
_add(
    "line-history",
    LINE,
    seq(
        Kw("history", set=(("history", None),), replace=("history",)),
        Opt(seq("size", Arg("history/size", Number(0, 256)))),
    ),
)
_add("line-length", LINE, seq("length", Arg("length", Number(0, 512))))
_add("line-width", LINE, seq("width", Arg("width", Number(0, 512))))
_add("line-location", LINE, seq("location", Arg("location", Rest())))
_add("line-session-limit", LINE, seq("session-limit", Arg("session-limit", Number(0, 4294967295))))
_add("line-stopbits", LINE, seq("stopbits", Arg("stopbits", Choice(("1", "1.5", "2")))))
_add("line-terminal-type", LINE, seq("terminal-type", Arg("terminal-type", Word())))
_add(
    "line-transport-preferred",
    LINE,
    seq("transport", "preferred", Arg("transport/preferred/protocol", Choice(PREFERRED_PROTOCOLS))),
)
for _dir in ("input", "output"):
    _add(
        f"line-transport-{_dir}",
        LINE,
        seq(
            "transport",
            Kw(_dir, replace=(f"transport/{_dir}",)),
            Alt(
                (
                    _flag("all", f"transport/{_dir}/all"),
                    _flag("none", f"transport/{_dir}/none"),
                    Arg(f"transport/{_dir}/{_dir}", Choice(LINE_PROTOCOLS), leaflist=True),
                )
            ),
        ),
        no_remove=(f"transport/{_dir}",),
        # on the console the incoming transport is fixed (obsolete in the model)
        contexts=("vty", "aux") if _dir == "input" else (),
    )

#: First words of real IOS XE 17.12 global configuration commands (Cisco's 17.12.1 native model, :mod:`.vocabulary`)
#: this table does not model. They take part in abbreviation and ambiguity (``a`` is ambiguous on a real box: aaa,
#: access-list, alias, archive …); a typed line starting with one is kept as text when it is a real command.
UNMODELLED: dict[str, tuple[str, ...]] = {
    "config": tuple(w for w in words("") if w not in {c.syntax.items[0].word for c in COMMANDS})  # type: ignore[union-attr]
}

# -- built-ins of every mode ----------------------------------------------------------------------------------------
EXIT = Command("exit", CONFIG, seq("exit"), no="none", noop=True)
END = Command("end", CONFIG, seq("end"), no="none", noop=True)

# -- the areas declared in modules of their own -----------------------------------------------------------------------
for _area in (interface_table, system_table, mgmt_table, archive_table, gnmi_table):
    COMMANDS.extend(_area.COMMANDS)
    MODES.update({m.name: m for m in _area.MODES})
    PRESENCE |= _area.PRESENCE

# -- lookups --------------------------------------------------------------------------------------------------------
BY_ID: dict[str, Command] = {c.id: c for c in COMMANDS}
assert len(BY_ID) == len(COMMANDS), "duplicate command id"

#: Commands of each mode, in declaration (= running-config) order.
BY_MODE: dict[str, tuple[Command, ...]] = {name: tuple(c for c in COMMANDS if c.mode.name == name) for name in MODES}

#: Global configuration as 17.x prints it: command ids and literal separator lines.
RENDER_PLAN: tuple[str, ...] = (
    *system_table.HEAD,
    "!",
    "hostname",
    "!",
    "boot-start-marker",
    "boot-system",
    "boot-system-flash",
    "boot-end-marker",
    "!",
    "vrf-definition",
    "!",
    "logging-buffered",
    "logging-console",
    "logging-monitor",
    "aaa-new-model",
    "!",
    "!",
    "aaa-group-tacacs",
    "aaa-group-radius",
    "aaa-authentication-attempts",
    "aaa-authentication-login",
    "aaa-authentication-enable",
    "aaa-authorization-console",
    "aaa-authorization-config-commands",
    "aaa-authorization-exec",
    "aaa-authorization-commands",
    "aaa-accounting-exec",
    "aaa-accounting-commands",
    "!",
    "!",
    "aaa-session-id",
    "clock-timezone",
    "clock-summer-time",
    "!",
    "ip-domain-name",
    "ip-domain-lookup",
    "ip-domain-timeout",
    "ip-host",
    "ip-host-vrf",
    "ip-name-server",
    "ip-name-server-vrf",
    "!",
    "login-block-for",
    "login-delay",
    "login-on-failure",
    "login-on-success",
    "!",
    "subscriber-templating",
    "multilink-bundle-name",
    "crypto-pubkey-chain",
    "!",
    "archive",
    "file-prompt",
    *system_table.LICENSE_TO_DIAGNOSTIC,
    "enable-secret",
    "enable-password",
    "!",
    "username",
    "!",
    "redundancy",
    *(f"interface-{kind}" for kind, _ in interface_table.INTERFACE_LISTS),
    "ip-forward-protocol",
    "!",
    "ip-http-server",
    "ip-http-authentication",
    "ip-http-secure-server",
    "ip-http-client-source-interface",
    "ip-route",
    "ip-route-interface-next-hop",
    "ip-route-vrf",
    "ip-route-vrf-interface-next-hop",
    "ip-tacacs-source",
    "ip-radius-source",
    "ip-ssh-bulk-mode",
    "ip-ssh-time-out",
    "ip-ssh-authentication-retries",
    "ip-ssh-maxstartups",
    "ip-ssh-source-interface",
    "ip-ssh-rsa",
    "ip-ssh-port",
    "ip-ssh-version",
    "ip-ssh-dh",
    "ip-ssh-logging",
    "ip-ssh-dscp",
    "ip-ssh-precedence",
    "ip-ssh-stricthostkeycheck",
    "ip-ssh-pubkey-chain",
    "ip-ssh-server-peruser",
    *(f"ip-ssh-{side}-{word}" for side in ("server", "client") for word in SSH_ALGORITHM_LINES),
    "ip-scp",
    "!",
    *system_table.LOGGING_HOSTS,
    "snmp-community",
    "snmp-trap-source",
    "snmp-location",
    "snmp-contact",
    "snmp-chassis-id",
    "snmp-trap-timeout",
    "snmp-enable-traps",
    "snmp-enable-traps-snmp",
    *(f"snmp-enable-traps-{t}" for t in ENABLE_TRAPS),
    "snmp-enable-informs",
    "snmp-host-ip-community",
    "snmp-host-ip-community-port",
    "snmp-host-ip-vrf-community",
    "snmp-host-ip-vrf-community-port",
    "!",
    "tacacs-server-directed-request",
    "tacacs-server-key",
    "tacacs-server-timeout",
    "tacacs-server",
    "radius-server-dead-criteria",
    "radius-server-deadtime",
    "radius-server-key",
    "radius-server-retransmit",
    "radius-server-timeout",
    "radius-server",
    "!",
    "control-plane",
    *(f"banner-{kind}" for kind in BANNERS),
    "line-console",
    "line-aux",
    "line-vty",
    "!",
    "call-home",
    "ntp-source",
    "ntp-server",
    "!",
    *gnmi_table.PLAN,
    "netconf-yang",
    "netconf-yang-candidate",
    "restconf",
)
