"""The time zone ``show clock`` prints in: ``clock timezone NAME HOURS [MINUTES]``.

IOS keeps the clock in UTC and shows it in the configured zone, under the zone's own name (``10:15:02.123 CET
Tue Nov 24 2026``); without ``clock timezone`` it shows UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from lxml import etree

from iosxe_agent.device.names import n
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of


@dataclass(frozen=True, slots=True)
class ClockZone:
    """The zone's name and its offset from UTC (minutes go the way of the hours: ``-3 30`` is 3½ hours behind,
    as IOS reads it)."""

    name: str = "UTC"
    offset: timedelta = timedelta(0)


def read_clock(tree: etree._Element) -> ClockZone:
    """The configured time zone (pure; UTC when unset; the schema bounds hours to -23..23, minutes to 0..59)."""
    native = native_of(tree)
    zone = find_in(native, n("clock"), n("timezone"))
    if zone is None:
        return ClockZone()
    name = zone.findtext(n("zone")) or "UTC"
    hours = zone.findtext(n("hours")) or "0"
    minutes = int(zone.findtext(n("minutes")) or 0)
    sign = -1 if hours.startswith("-") else 1
    return ClockZone(name, sign * timedelta(hours=abs(int(hours)), minutes=minutes))
