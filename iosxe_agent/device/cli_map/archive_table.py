"""The configuration archive: part of the one CLI table (:mod:`.table` merges it).

``archive`` and its sub-mode (``log config`` and its own sub-mode, ``path``, ``maximum``, ``write-memory``,
``time-period``), at Cisco's 17.12.1 ``/native/archive``. What the archive *does* (``archive config``, ``write
memory`` archiving, ``show archive``) is :mod:`iosxe_agent.device.archive`, reading these leaves through
:func:`iosxe_agent.device.views.archive`. Same notation as :mod:`.table` (see :mod:`.syntax`); global commands are
placed by :data:`.table.RENDER_PLAN`, sub-mode commands print in the order they are declared here (the schema's,
which is the order IOS prints them in).
"""

from __future__ import annotations

from iosxe_agent.device.cli_map.syntax import Arg, Choice, Command, Mode, Number, Opt, Word, seq
from iosxe_agent.device.cli_map.syntax import flag as _flag
from iosxe_agent.device.names import NATIVE_NS

#: Global configuration mode (the same value as :data:`.table.CONFIG`, which this module cannot import).
_CONFIG = Mode("config", NATIVE_NS)
ARCHIVE = Mode("config-archive", NATIVE_NS, " ")
ARCHIVE_LOG = Mode("config-archive-log-cfg", NATIVE_NS, "  ")


#: Commands declared here, in running-config order within each mode.
COMMANDS: list[Command] = [
    Command("archive", _CONFIG, seq("archive"), anchor="archive", enters=ARCHIVE),
    Command("archive-log-config", ARCHIVE, seq("log", "config"), anchor="log/config", enters=ARCHIVE_LOG),
    Command("archive-log-logging-enable", ARCHIVE_LOG, seq("logging", _flag("enable", "logging/enable"))),
    Command("archive-log-logging-size", ARCHIVE_LOG, seq("logging", "size", Arg("logging/size", Number(1, 1000)))),
    Command(
        "archive-log-logging-persistent",
        ARCHIVE_LOG,
        seq(
            "logging",
            _flag("persistent", "logging/persistent"),
            Opt(_flag("auto", "logging/persistent/auto")),
            Opt(_flag("reload", "logging/persistent/reload")),
        ),
        no_len=2,
    ),
    Command(
        "archive-log-notify-syslog",
        ARCHIVE_LOG,
        seq(
            "notify",
            _flag("syslog", "notify/syslog"),
            Opt(seq("contenttype", Arg("notify/syslog/contenttype", Choice(("plaintext", "xml"))))),
        ),
        no_len=2,
    ),
    Command("archive-log-hidekeys", ARCHIVE_LOG, seq(_flag("hidekeys", "hidekeys"))),
    Command("archive-path", ARCHIVE, seq("path", Arg("path", Word()))),
    Command("archive-maximum", ARCHIVE, seq("maximum", Arg("maximum", Number(1, 14)))),
    Command("archive-write-memory", ARCHIVE, seq(_flag("write-memory", "write-memory"))),
    Command("archive-time-period", ARCHIVE, seq("time-period", Arg("time-period", Number(1, 525600)))),
]
#: Sub-modes declared here (merged into :data:`.table.MODES`).
MODES: tuple[Mode, ...] = (ARCHIVE, ARCHIVE_LOG)
#: Presence containers these commands reach (same form as :data:`.table.PRESENCE`).
PRESENCE: frozenset[tuple[str, ...]] = frozenset(
    tuple(f"{{{NATIVE_NS}}}{name}" for name in path)
    for path in (
        ("archive", "log", "config", "logging", "persistent"),
        ("archive", "log", "config", "notify", "syslog"),
    )
)
