"""One device's ``debug`` switches and ``show debugging``.

IOS debugging is device-wide: ``debug ip ssh`` typed in one session makes every SSH connection of that device log
its debug lines (to the logging buffer and the monitoring terminals), and ``show debugging`` in any session lists
it. So the switches belong to the device (one :class:`DebugFlags` per device, shared by its CLI sessions and the
services that write debug lines), never to a module or to a session.

The SSH server has three switches, as on IOS: ``debug ip ssh`` (every message), ``debug ip ssh detail`` (protocol
and channel requests only) and ``debug ip ssh packet`` (packet-level lines only); which line belongs to which is
decided in :mod:`iosxe_agent.device.ssh_debug`. ``debug ip ssh client`` is the device's own outgoing client.

Texts: ``Incoming ssh debugging is on`` (real IOS captures), ``SSH Client debugging is on`` and ``SNMP packet
debugging is on`` (the guide's samples); the ``detail``/``packet``/``scp`` texts and the ``show debugging``
headings of the SSH and SCP blocks are UNVERIFIED (no capture found). ``show debugging`` opens with the IOS XE
conditional-debug header every 17.x box prints (genie's ``ShowDebug`` parser and its unit-test capture).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum


class Debug(StrEnum):
    """The debug switches the agent has (a StrEnum, so ``"ssh" in flags`` reads naturally)."""

    SSH = "ssh"  # debug ip ssh
    SSH_DETAIL = "ssh-detail"  # debug ip ssh detail
    SSH_PACKET = "ssh-packet"  # debug ip ssh packet
    SSH_CLIENT = "ssh-client"  # debug ip ssh client (the device's own outgoing ssh)
    SCP = "scp"  # debug ip scp
    SNMP = "snmp"  # debug snmp packet


#: What ``debug …`` answers and ``show debugging`` lists for each switch (17.x wording of the debug commands).
ON_TEXT = {
    Debug.SSH: "Incoming ssh debugging is on",
    Debug.SSH_DETAIL: "ssh detail messages debugging is on",
    Debug.SSH_PACKET: "ssh packet debugging is on",
    Debug.SSH_CLIENT: "SSH Client debugging is on",
    Debug.SCP: "Incoming scp debugging is on",
    Debug.SNMP: "SNMP packet debugging is on",
}
#: The subsystem heading ``show debugging`` prints above each switch (``SNMP:`` from a real IOS capture; the SSH
#: and SCP headings UNVERIFIED).
_HEADING = {
    Debug.SSH: "SSH",
    Debug.SSH_DETAIL: "SSH",
    Debug.SSH_PACKET: "SSH",
    Debug.SSH_CLIENT: "SSH",
    Debug.SCP: "SCP",
    Debug.SNMP: "SNMP",
}
ALL_OFF = "All possible debugging has been turned off"
#: What ``show debugging`` prints first on IOS XE 17, whatever is on (genie's ``show debug`` capture).
IOSXE_HEADER = (
    "IOSXE Conditional Debug Configs:\n"
    "\n"
    "Conditional Debug Global State: Stop\n"
    "\n"
    "\n"
    "IOSXE Packet Tracing Configs: \n"
    "\n"
    "\n"
    "\n"
    "\n"
    "\n"
    "Packet Infra debugs:\n"
    "\n"
    "Ip Address                                               Port\n"
    "------------------------------------------------------|----------"
)
#: The switches whose lines an SSH server line of each kind obeys (``debug ip ssh`` shows both kinds).
SSH_DETAIL_SWITCHES = frozenset({Debug.SSH, Debug.SSH_DETAIL})
SSH_PACKET_SWITCHES = frozenset({Debug.SSH, Debug.SSH_PACKET})


def off_text(flag: Debug) -> str:
    """What ``no debug …`` / ``undebug …`` answers: the "is on" text turned off, as IOS words it."""
    return ON_TEXT[flag].removesuffix("is on") + "is off"


class DebugFlags:
    """The switches that are on, in the order IOS lists them."""

    def __init__(self) -> None:
        self._on: set[Debug] = set()

    def turn_on(self, flag: Debug) -> str:
        """``debug …``: switch ``flag`` on; returns what IOS answers."""
        self._on.add(flag)
        return ON_TEXT[flag]

    def turn_off(self, flag: Debug) -> str:
        """``no debug …`` / ``undebug …``: switch ``flag`` off; returns what IOS answers."""
        self._on.discard(flag)
        return off_text(flag)

    def all_off(self) -> str:
        """``undebug all``: every switch off; returns what IOS answers."""
        self._on.clear()
        return ALL_OFF

    def any_of(self, flags: frozenset[Debug]) -> bool:
        """True when one of ``flags`` is on (an SSH line shows under ``debug ip ssh`` or its own switch)."""
        return not flags.isdisjoint(self._on)

    def __contains__(self, flag: object) -> bool:
        return flag in self._on

    def __iter__(self) -> Iterator[Debug]:
        return (flag for flag in Debug if flag in self._on)


def show_debugging(flags: DebugFlags) -> str:
    """``show debugging``: the IOS XE header, then a heading and the "is on" lines of the switches that are on."""
    lines: list[str] = [IOSXE_HEADER]
    heading = ""
    for flag in flags:
        if _HEADING[flag] != heading:
            heading = _HEADING[flag]
            lines += ["", f"{heading}:"]
        lines.append(f"  {ON_TEXT[flag]}")
    return "\n".join(lines)
