"""System lines every 17.12 box prints: part of the one CLI table (:mod:`.table` merges it).

``boot system``, ``service``, ``platform``, ``license``, ``memory``, ``logging``, ``call-home``, ``control-plane``,
``redundancy``, ``diagnostic``, ``subscriber templating`` and ``multilink bundle-name``: the global lines of a factory
configuration (CLI reference §1.2/§1.3), at their homes in Cisco's 17.12.1 models (the native module with its
logging and license submodules; the platform, call-home, diagnostics and ppp modules augment it). Most of them
are stored and shown only: the emulated box has no data plane, console port or licence server. What they do
elsewhere: ``service password-encryption`` (:mod:`iosxe_agent.device.secrets`), ``logging buffered`` and the
levels ``show logging`` reports (:func:`iosxe_agent.device.views.logging`, :mod:`iosxe_agent.device.logbuffer`).

Same notation as :mod:`.table` (see :mod:`.syntax`); global commands are placed by :data:`.table.RENDER_PLAN`,
sub-mode commands print in the order they are declared here.
"""

from __future__ import annotations

from iosxe_agent.device.cli_map.syntax import Alt, Arg, Choice, Command, Kw, Many, Mode, Number, Opt, Seq, Word, seq
from iosxe_agent.device.cli_map.syntax import flag as _flag
from iosxe_agent.device.cli_map.syntax import switch as _switch
from iosxe_agent.device.names import CALL_HOME_NS, NATIVE_NS, PLATFORM_NS

#: Global configuration mode (the same value as :data:`.table.CONFIG`, which this module cannot import).
_CONFIG = Mode("config", NATIVE_NS)
#: Sub-modes with IOS's prompt names.
CONTROL_PLANE = Mode("config-cp", NATIVE_NS, " ")
REDUNDANCY = Mode("config-red", NATIVE_NS, " ")
CALL_HOME = Mode("cfg-call-home", NATIVE_NS, " ")
CALL_HOME_PROFILE = Mode("cfg-call-home-profile", CALL_HOME_NS, "  ")

#: Syslog severities by name, in IOS's order; a number 0-7 typed instead is stored (and printed) as its name.
SEVERITIES = ("emergencies", "alerts", "critical", "errors", "warnings", "notifications", "informational", "debugging")
_LEVEL = Choice(SEVERITIES + tuple(str(i) for i in range(8)), SEVERITIES + SEVERITIES)
FACILITIES = (
    "auth", "cron", "daemon", "kern", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    "lpr", "mail", "news", "sys10", "sys11", "sys12", "sys13", "sys14", "sys9", "syslog", "user", "uucp",
)  # fmt: skip
#: The two comment lines 17.x prints above ``contact-email-addr`` in the call-home block (printed, never stored).
CALL_HOME_COMMENTS = (
    "! If contact email address in call-home is configured as sch-smart-licensing@cisco.com",
    "! the email address configured in Cisco Smart License Portal will be used as contact email address to send "
    "SCH notifications.",
)

COMMANDS: list[Command] = []


def _add(cid: str, mode: Mode, syntax: Seq, **kw: object) -> None:
    COMMANDS.append(Command(cid, mode, syntax, **kw))  # type: ignore[arg-type]


# -- boot system (printed between boot-start-marker and boot-end-marker) ------------------------------------------
_add(
    "boot-system",
    _CONFIG,
    seq("boot", "system", Arg("filename", Word())),
    anchor="boot/system/bootfile/filename-list-ordered-by-user[filename]",
)
_add(
    "boot-system-flash",
    _CONFIG,
    seq("boot", "system", "flash", Arg("flash-leaf", Word())),
    anchor="boot/system/flash/flash-list-ordered-by-user[flash-leaf]",
)

# -- service --------------------------------------------------------------------------------------------------------
_add(
    "service-pad",
    _CONFIG,
    seq("service", _switch("pad", "pad-conf/pad")),
    anchor="service",
    no="sets",
    no_sets=(("pad-conf/pad", "false"),),
)
for _word in ("tcp-keepalives-in", "tcp-keepalives-out"):
    _add(f"service-{_word}", _CONFIG, seq("service", _flag(_word, _word)), anchor="service")
# a bare 'service timestamps' is what is left when both kinds are removed (the container is a presence one); the
# two kinds share its anchor
_add("service-timestamps", _CONFIG, seq("service", "timestamps"), anchor="service/timestamps", bare=True)
for _kind in ("debug", "log"):
    _stamps = f"{_kind}-config"
    _add(
        f"service-timestamps-{_kind}",
        _CONFIG,
        seq(
            "service",
            "timestamps",
            Kw(_kind, set=((_stamps, None),), replace=(_stamps,)),
            Opt(
                Alt(
                    (
                        _flag("uptime", f"{_stamps}/uptime"),
                        Seq(
                            (
                                _flag("datetime", f"{_stamps}/datetime"),
                                Many(
                                    tuple(
                                        _flag(w, f"{_stamps}/datetime/{w}")
                                        for w in ("msec", "localtime", "show-timezone", "year")
                                    ),
                                    min=0,
                                ),
                            )
                        ),
                    )
                )
            ),
        ),
        anchor="service/timestamps",
    )
for _word in ("password-encryption", "internal", "call-home"):
    _add(f"service-{_word}", _CONFIG, seq("service", _flag(_word, _word)), anchor="service")

# -- platform (Cisco-IOS-XE-platform augments /native/platform) -------------------------------------------------------
_add(
    "platform-qfp",
    _CONFIG,
    seq(
        "platform",
        _flag("qfp", "plt:qfp"),
        "utilization",
        "monitor",
        "load",
        Arg("plt:qfp/utilization/monitor/load", Number(50, 99)),
    ),
    anchor="platform",
)
_add(
    "platform-punt-keepalive",
    _CONFIG,
    seq(
        "platform",
        _flag("punt-keepalive", "plt:punt-keepalive"),
        _switch("disable-kernel-core", "plt:punt-keepalive/disable-kernel-core"),
    ),
    anchor="platform",
    no="sets",
    no_sets=(("plt:punt-keepalive/disable-kernel-core", "false"),),
)
_add("platform-sslvpn", _CONFIG, seq("platform", "sslvpn", _flag("use-pd", "plt:sslvpn/use-pd")), anchor="platform")
_add(
    "platform-console",
    _CONFIG,
    seq("platform", _flag("console", "plt:console"), Arg("plt:console/output", Choice(("auto", "serial", "virtual")))),
    anchor="platform",
)

# -- logging: buffer, console and monitor near the top; trap, facility, source and hosts after the ip lines ------------
_add(
    "logging-buffered",
    _CONFIG,
    seq(
        "logging",
        Kw("buffered", replace=("buffered",)),
        Opt(Arg("buffered/size-value", Number(4096, 2147483647))),
        Opt(Arg("buffered/severity-level", _LEVEL)),
    ),
    anchor="logging",
)
# `logging console|monitor LEVEL` stores the level; `no logging console|monitor` stores false; the bare command goes
# back to IOS's default (on, level debugging), which prints nothing
for _sink in ("console", "monitor"):
    _conf = f"{_sink}-config"
    _add(
        f"logging-{_sink}",
        _CONFIG,
        seq("logging", Kw(_sink, replace=(_conf,)), Arg(f"{_conf}/common-config/{_sink}/severity", _LEVEL)),
        anchor="logging",
        no="sets",
        no_sets=((f"{_conf}/{_sink}", "false"),),
    )
    _add(
        f"logging-{_sink}-default",
        _CONFIG,
        seq("logging", Kw(_sink, replace=(_conf,))),
        anchor="logging",
        parse_only=True,
        no="none",
    )
_add(
    "logging-trap",
    _CONFIG,
    seq("logging", Kw("trap", set=(("trap", None),), replace=("trap",)), Opt(Arg("trap/severity", _LEVEL))),
    anchor="logging",
)
_add("logging-facility", _CONFIG, seq("logging", "facility", Arg("facility", Choice(FACILITIES))), anchor="logging")
_add(
    "logging-source-interface",
    _CONFIG,
    seq("logging", "source-interface", Arg("source-interface-conf/interface-name-non-vrf", Word())),
    anchor="logging",
)
_add(
    "logging-source-interface-vrf",
    _CONFIG,
    seq("logging", "source-interface", Arg("interface-name", Word()), "vrf", Arg("vrf", Word())),
    anchor="logging/source-interface-conf/source-interface-vrf[vrf]",
    replace_anchor=True,
)
_UDP_PORT = seq("transport", "udp", "port", Arg("transport/udp/port-config/port-number", Number(1, 65535)))
for _cid, _list, _vrf, _port in (
    ("logging-host", "ipv4-host-list", False, False),
    ("logging-host-transport", "ipv4-host-transport-list", False, True),
    ("logging-host-vrf", "ipv4-host-vrf-list", True, False),
    ("logging-host-vrf-transport", "ipv4-host-vrf-transport-list", True, True),
):
    _add(
        _cid,
        _CONFIG,
        seq(
            "logging",
            "host",
            Arg("ipv4-host", Word()),
            *((seq("vrf", Arg("vrf", Word())),) if _vrf else ()),
            *((_UDP_PORT,) if _port else ()),
        ),
        anchor=f"logging/host/{_list}[ipv4-host{' vrf' if _vrf else ''}]",
        replace_anchor=True,
    )

# -- subscriber, multilink ------------------------------------------------------------------------------------------
# each of these lines is followed by a '!' of its own (17.x prints none when the line is absent)
_add(
    "subscriber-templating",
    _CONFIG,
    seq("subscriber", _flag("templating", "subscriber/templating")),
    block_end="!",
)
_add(
    "multilink-bundle-name",
    _CONFIG,
    seq(
        "multilink",
        "bundle-name",
        Arg("multilink/ppp:bundle-name", Choice(("authenticated", "both", "endpoint", "rfc"))),
    ),
    block_end="!",
)

# -- license (Cisco-IOS-XE-license submodule: native namespace) -----------------------------------------------------
_add(
    "license-udi",
    _CONFIG,
    seq("license", "udi", "pid", Arg("udi/pid", Word()), "sn", Arg("udi/sn", Word())),
    anchor="license",
)
_add(
    "license-boot-level",
    _CONFIG,
    seq(
        "license",
        "boot",
        Kw("level", replace=("boot/level",)),
        Alt(
            tuple(
                seq(
                    _flag(level, f"boot/level/{level}"),
                    Opt(seq("addon", Arg(f"boot/level/{level}/addon", Choice(addons)))),
                )
                for level, addons in (
                    ("network-advantage", ("dna-advantage", "dna-essentials")),
                    ("network-essentials", ("dna-essentials",)),
                )
            )
        ),
    ),
    anchor="license",
)
_add(
    "license-smart-transport",
    _CONFIG,
    seq(
        "license",
        "smart",
        "transport",
        Arg(
            "smart/transport-type",
            Choice(
                ("automatic", "callhome", "cslu", "off", "smart"), ("automatic", "callhome", "cslu", "Off", "smart")
            ),
        ),
    ),
    anchor="license",
)
_add(
    "license-smart-url-default",
    _CONFIG,
    seq("license", "smart", "url", _flag("default", "smart/url/default")),
    anchor="license",
)
_add(
    "license-smart-url-cslu",
    _CONFIG,
    seq("license", "smart", "url", "cslu", Arg("smart/url/cslu", Word())),
    anchor="license",
)

# -- memory, diagnostic ---------------------------------------------------------------------------------------------
for _pool in ("processor", "IO"):
    _add(
        f"memory-free-low-watermark-{_pool.lower()}",
        _CONFIG,
        seq("memory", "free", "low-watermark", _pool, Arg(f"free/low-watermark/{_pool}", Number(1, 4294967295))),
        anchor="memory",
    )
_add(
    "diagnostic-bootup",
    _CONFIG,
    seq("diagnostic", "bootup", "level", Arg("diag:diagnostic/bootup/level", Choice(("complete", "minimal")))),
    block_end="!",
)

# -- blocks that print empty: redundancy, control-plane (their sub-mode lines are not modelled) ----------------------
for _block, _mode in (("redundancy", REDUNDANCY), ("control-plane", CONTROL_PLANE)):
    _add(_block, _CONFIG, seq(_block), anchor=_block, enters=_mode, bare=True, block_end="!")

# -- call-home (Cisco-IOS-XE-call-home augments /native/call-home) ----------------------------------------------------
_add("call-home", _CONFIG, seq("call-home"), anchor="call-home", enters=CALL_HOME, block_end="!")
# IOS's two comment lines about the contact address come with it (printed only: the parser skips '!' lines)
_add(
    "call-home-contact-email",
    CALL_HOME,
    seq("contact-email-addr", Arg("ch:contact-email-addr", Word())),
    block_start="\n".join(CALL_HOME_COMMENTS),
)
_add(
    "call-home-profile-tac",
    CALL_HOME,
    seq("profile", Alt((Kw('"CiscoTAC-1"'), Kw("CiscoTAC-1", hidden=True, parse_only=True)))),
    anchor="ch:tac-profile/profile/CiscoTAC-1",
    enters=CALL_HOME_PROFILE,
)
_add(
    "call-home-profile-active",
    CALL_HOME_PROFILE,
    seq(_switch("active", "active")),
    no="sets",
    no_sets=(("active", "false"),),
)
_add(
    "call-home-profile-destination",
    CALL_HOME_PROFILE,
    seq("destination", "transport-method", Arg("destination/transport-method", Choice(("http", "email")))),
)

#: Sub-modes declared here (merged into :data:`.table.MODES`).
MODES: tuple[Mode, ...] = (CONTROL_PLANE, REDUNDANCY, CALL_HOME, CALL_HOME_PROFILE)
#: Presence containers these commands reach (same form as :data:`.table.PRESENCE`).
PRESENCE: frozenset[tuple[str, ...]] = frozenset(
    tuple(f"{{{ns}}}{name}" for ns, name in path)
    for path in (
        ((NATIVE_NS, "redundancy"),),
        ((NATIVE_NS, "control-plane"),),
        ((NATIVE_NS, "logging"), (NATIVE_NS, "trap")),
        ((NATIVE_NS, "service"), (NATIVE_NS, "timestamps")),
        *(((NATIVE_NS, "service"), (NATIVE_NS, "timestamps"), (NATIVE_NS, f"{k}-config")) for k in ("debug", "log")),
        *(
            ((NATIVE_NS, "service"), (NATIVE_NS, "timestamps"), (NATIVE_NS, f"{k}-config"), (NATIVE_NS, "datetime"))
            for k in ("debug", "log")
        ),
        *(((NATIVE_NS, "platform"), (PLATFORM_NS, name)) for name in ("qfp", "punt-keepalive", "console")),
        ((NATIVE_NS, "license"), (NATIVE_NS, "boot"), (NATIVE_NS, "level"), (NATIVE_NS, "network-advantage")),
        ((NATIVE_NS, "license"), (NATIVE_NS, "boot"), (NATIVE_NS, "level"), (NATIVE_NS, "network-essentials")),
    )
)

#: Runs of global commands in running-config order, for :data:`.table.RENDER_PLAN`: the lines right after
#: ``version``; license to diagnostic (before ``enable secret``); the syslog-host lines (after the ``ip`` lines).
HEAD = (
    "service-pad",
    "service-tcp-keepalives-in",
    "service-tcp-keepalives-out",
    "service-timestamps",
    "service-timestamps-debug",
    "service-timestamps-log",
    "service-password-encryption",
    "service-internal",
    "service-call-home",
    "platform-qfp",
    "platform-punt-keepalive",
    "platform-sslvpn",
    "platform-console",
)
LICENSE_TO_DIAGNOSTIC = (
    "license-udi",
    "license-boot-level",
    "license-smart-transport",
    "license-smart-url-default",
    "license-smart-url-cslu",
    "memory-free-low-watermark-processor",
    "memory-free-low-watermark-io",
    "diagnostic-bootup",
)
LOGGING_HOSTS = (
    "logging-trap",
    "logging-facility",
    "logging-source-interface",
    "logging-source-interface-vrf",
    "logging-host",
    "logging-host-transport",
    "logging-host-vrf",
    "logging-host-vrf-transport",
)
