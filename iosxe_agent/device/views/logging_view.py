"""Where IOS messages go: ``logging buffered [SIZE] [LEVEL]``, ``[no] logging console|monitor [LEVEL]``,
``logging trap``, ``logging source-interface`` and ``logging host``.

The buffer's size and level decide what ``show logging`` keeps (:class:`iosxe_agent.device.logbuffer.DeviceLog`
asks at each message); the trap level, facility and hosts decide what :mod:`iosxe_agent.device.syslog` sends over
UDP and to whom; the rest is what ``show logging`` reports. Nothing here opens a socket.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import n
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of
from iosxe_agent.digits import ascii_digits

#: ``show logging``'s ``Log Buffer (N bytes)`` when no size is configured (UNVERIFIED as the C8000V default).
DEFAULT_SIZE_BYTES = 102400
#: Syslog severities, index = number (0 emergencies … 7 debugging).
SEVERITIES = ("emergencies", "alerts", "critical", "errors", "warnings", "notifications", "informational", "debugging")
DEBUGGING = 7
INFORMATIONAL = 6
#: ``logging facility`` names and the syslog codes IOS sends (RFC 3164 §4.1.1; ``cron`` 15 and ``sysN`` N are the
#: BSD/SunOS numbering IOS inherited: inferred from the names, not from a capture).
FACILITY_CODES = {
    "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7, "uucp": 8,
    "sys9": 9, "sys10": 10, "sys11": 11, "sys12": 12, "sys13": 13, "sys14": 14, "cron": 15,
    **{f"local{i}": 16 + i for i in range(8)},
}  # fmt: skip
LOCAL7 = FACILITY_CODES["local7"]  # IOS's default facility


@dataclass(frozen=True, slots=True)
class SyslogHost:
    """One ``logging host``: its address, VRF (None: global) and UDP port (514 unless given)."""

    address: str
    vrf: str | None = None
    port: int = 514


@dataclass(frozen=True, slots=True)
class LoggingView:
    """IOS's defaults when nothing is configured: every sink on at level debugging, hosts at informational,
    facility local7. A level is a number 0-7; None means the sink is off (``no logging console``)."""

    buffer_size: int = DEFAULT_SIZE_BYTES
    buffer_level: int = DEBUGGING
    console_level: int | None = DEBUGGING
    monitor_level: int | None = DEBUGGING
    trap_level: int = INFORMATIONAL
    source_interface: str | None = None
    hosts: tuple[SyslogHost, ...] = ()
    facility: int = LOCAL7


def level_of(value: str | None, default: int) -> int:
    """A stored severity (a name, or a number the schema allows) as its number."""
    if value is None:
        return default
    return int(value) if ascii_digits(value) else SEVERITIES.index(value)


def _sink(logging: etree._Element, name: str) -> int | None:
    conf = logging.find(n(f"{name}-config"))
    if conf is None:
        return DEBUGGING
    if conf.findtext(n(name)) == "false":
        return None
    return level_of(conf.findtext(f"{n('common-config')}/{n(name)}/{n('severity')}"), DEBUGGING)


def _hosts(logging: etree._Element) -> tuple[SyslogHost, ...]:
    hosts: list[SyslogHost] = []
    table = logging.find(n("host"))
    if table is None:
        return ()
    for entry in table:
        address = entry.findtext(n("ipv4-host"))
        if address is None:
            continue
        port = entry.findtext(f"{n('transport')}/{n('udp')}/{n('port-config')}/{n('port-number')}")
        hosts.append(SyslogHost(address, entry.findtext(n("vrf")), int(port) if port else 514))
    return tuple(hosts)


def read_logging(tree: etree._Element) -> LoggingView:
    """The logging settings of a configuration tree (pure; IOS's defaults for what is not configured)."""
    native = native_of(tree)
    logging = find_in(native, n("logging"))
    if logging is None:
        return LoggingView()
    size = logging.findtext(f"{n('buffered')}/{n('size-value')}")
    source = logging.findtext(f"{n('source-interface-conf')}/{n('interface-name-non-vrf')}")
    return LoggingView(
        buffer_size=int(size) if size else DEFAULT_SIZE_BYTES,
        buffer_level=level_of(logging.findtext(f"{n('buffered')}/{n('severity-level')}"), DEBUGGING),
        console_level=_sink(logging, "console"),
        monitor_level=_sink(logging, "monitor"),
        trap_level=level_of(logging.findtext(f"{n('trap')}/{n('severity')}"), INFORMATIONAL),
        source_interface=source,
        hosts=_hosts(logging),
        facility=FACILITY_CODES.get(logging.findtext(n("facility")) or "", LOCAL7),
    )
