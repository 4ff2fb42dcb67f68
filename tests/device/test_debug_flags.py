"""A device's debug switches: what ``debug …`` answers, what ``show debugging`` lists, and the operator-log tag."""

from __future__ import annotations

import logging

from iosxe_agent import oplog
from iosxe_agent.device.debug import (
    IOSXE_HEADER,
    SSH_DETAIL_SWITCHES,
    SSH_PACKET_SWITCHES,
    Debug,
    DebugFlags,
    show_debugging,
)


def test_switches_answer_and_list_in_ios_order() -> None:
    flags = DebugFlags()
    assert show_debugging(flags) == IOSXE_HEADER  # 17.x prints its conditional-debug header even with nothing on
    assert flags.turn_on(Debug.SNMP) == "SNMP packet debugging is on"
    assert flags.turn_on(Debug.SSH) == "Incoming ssh debugging is on"
    assert "ssh" in flags and Debug.SNMP in flags and "scp" not in flags
    assert show_debugging(flags) == (
        IOSXE_HEADER + "\n\nSSH:\n  Incoming ssh debugging is on\n\nSNMP:\n  SNMP packet debugging is on"
    )
    assert flags.all_off() == "All possible debugging has been turned off"
    assert list(flags) == [] and show_debugging(flags) == IOSXE_HEADER


def test_ssh_switches_share_one_heading_and_turn_off_one_by_one() -> None:
    flags = DebugFlags()
    assert flags.turn_on(Debug.SSH_CLIENT) == "SSH Client debugging is on"
    flags.turn_on(Debug.SSH_PACKET)
    flags.turn_on(Debug.SSH_DETAIL)
    shown = show_debugging(flags).removeprefix(IOSXE_HEADER)
    assert shown == (
        "\n\nSSH:\n  ssh detail messages debugging is on\n  ssh packet debugging is on\n  SSH Client debugging is on"
    )
    assert flags.turn_off(Debug.SSH_PACKET) == "ssh packet debugging is off"
    assert flags.turn_off(Debug.SSH_CLIENT) == "SSH Client debugging is off"
    assert list(flags) == [Debug.SSH_DETAIL]
    assert flags.any_of(SSH_DETAIL_SWITCHES) and not flags.any_of(SSH_PACKET_SWITCHES)
    flags.turn_on(Debug.SSH)  # `debug ip ssh` is every SSH server line
    assert flags.any_of(SSH_PACKET_SWITCHES)


def test_two_devices_have_their_own_switches() -> None:
    one, two = DebugFlags(), DebugFlags()
    one.turn_on(Debug.SCP)
    assert Debug.SCP in one and Debug.SCP not in two


def _tag(record: logging.LogRecord) -> str:
    oplog.DeviceTag().filter(record)
    return str(record.device_tag)


def test_operator_lines_name_the_device_they_are_about() -> None:
    def record(**extra: str) -> logging.LogRecord:
        r = logging.LogRecord(
            "iosxe_agent.netconf.server", logging.INFO, __file__, 1, "NETCONF session 1 opened", (), None
        )
        r.__dict__.update(extra)
        return r

    assert _tag(record()) == ""  # the process's own lines (start-up, --recover-admin) carry no tag
    with oplog.working_for(lambda: "R7"):
        assert _tag(record()) == "[R7] "
        assert _tag(record(device="R9")) == "[R9] "  # a record that names its device keeps it
    assert _tag(record()) == ""
