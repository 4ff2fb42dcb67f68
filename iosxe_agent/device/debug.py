"""One device's ``debug`` switches and ``show debugging``.

IOS debugging is device-wide: ``debug ip ssh`` typed in one session makes every SSH connection of that device log
its debug lines (to the logging buffer and the monitoring terminals), and ``show debugging`` in any session lists
it. So the switches belong to the device (one :class:`DebugFlags` per device, shared by its CLI sessions and the
services that write debug lines), never to a module or to a session.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum


class Debug(StrEnum):
    """The debug switches the agent has (a StrEnum, so ``"ssh" in flags`` reads naturally)."""

    SSH = "ssh"  # debug ip ssh
    SCP = "scp"  # debug ip scp
    SNMP = "snmp"  # debug snmp packet


#: What ``debug …`` answers and ``show debugging`` lists for each switch (17.x wording of the debug commands).
ON_TEXT = {
    Debug.SSH: "Incoming ssh debugging is on",
    Debug.SCP: "Incoming scp debugging is on",
    Debug.SNMP: "SNMP packet debugging is on",
}
#: The subsystem heading ``show debugging`` prints above each switch (``SNMP:`` from a real IOS capture; the SSH
#: and SCP headings UNVERIFIED).
_HEADING = {Debug.SSH: "SSH", Debug.SCP: "SCP", Debug.SNMP: "SNMP"}
ALL_OFF = "All possible debugging has been turned off"


class DebugFlags:
    """The switches that are on, in the order IOS lists them."""

    def __init__(self) -> None:
        self._on: set[Debug] = set()

    def turn_on(self, flag: Debug) -> str:
        """``debug …``: switch ``flag`` on; returns what IOS answers."""
        self._on.add(flag)
        return ON_TEXT[flag]

    def all_off(self) -> str:
        """``undebug all``: every switch off; returns what IOS answers."""
        self._on.clear()
        return ALL_OFF

    def __contains__(self, flag: object) -> bool:
        return flag in self._on

    def __iter__(self) -> Iterator[Debug]:
        return (flag for flag in Debug if flag in self._on)


def show_debugging(flags: DebugFlags) -> str:
    """``show debugging``: a heading and the "is on" line of each switch that is on (nothing when none is)."""
    lines: list[str] = []
    for flag in flags:
        lines += [f"{_HEADING[flag]}:", f"  {ON_TEXT[flag]}"]
    return "\n".join(lines)
