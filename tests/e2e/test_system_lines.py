"""The system lines of a 17.12 box on the real agent: a first start prints a factory c8000v's ``service``,
``platform``, ``license udi`` (with the serial ``show version`` prints), ``memory``, ``diagnostic``,
``redundancy``, ``control-plane`` and ``call-home`` lines; what automation types (unicon's ``no logging console``,
syslog settings, ``service password-encryption``) is accepted and shown, and password-encryption really stores
type 7 while the user can still log in; the NETCONF view of these subtrees is valid against Cisco's real
17.12.1 modules (yanglint over YangModels/yang ``vendor/cisco/xe/17121``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from cisco_yang import yanglint_errors
from lxml import etree
from namespaces import IOS
from netmiko_session import netmiko_cli

#: The native children this area serves (the rest of the tree belongs to other areas' tests).
OURS = (
    "memory", "call-home", "service", "platform", "control-plane", "logging", "multilink", "redundancy",
    "subscriber", "license", "diagnostic",
)  # fmt: skip
#: What a factory c8000v 17.12 prints at the top, in order (CLI reference §1.2).
HEAD = """\
version 17.12
service timestamps debug datetime msec
service timestamps log datetime msec
platform qfp utilization monitor load 80
platform punt-keepalive disable-kernel-core
platform console serial
!
"""
CALL_HOME = """\
call-home
 ! If contact email address in call-home is configured as sch-smart-licensing@cisco.com
 ! the email address configured in Cisco Smart License Portal will be used as contact email address to send SCH \
notifications.
 contact-email-addr sch-smart-licensing@cisco.com
 profile "CiscoTAC-1"
  active
  destination transport-method http
!
"""
#: Lines automation and real configurations send (unicon opens every console session with the first).
TYPED = (
    "no logging console",
    "logging buffered 64000 informational",
    "service timestamps log datetime msec localtime show-timezone",
    "service tcp-keepalives-in",
    "logging trap notifications",
    "logging facility local5",
    "logging source-interface Loopback0",
    "logging host 127.0.0.61 transport udp port 1514",
    "license boot level network-advantage addon dna-advantage",
    "platform sslvpn use-pd",
)
USER, USER_PASSWORD = "sysbob", "Sys-bob-pass-1"


def cli(agent: Any, username: str = ADMIN_USER, password: str = ADMIN_PASSWORD) -> Any:
    """A netmiko ``cisco_xe`` session (no keys, no agent), as automation opens one."""
    return netmiko_cli(agent.ssh_port, username, password)


def run(agent: Any, *commands: str) -> list[str]:
    conn = cli(agent)
    try:
        return [str(conn.send_command(c)) for c in commands]
    finally:
        conn.disconnect()


def configure(agent: Any, lines: list[str]) -> str:
    conn = cli(agent)
    try:
        return str(conn.send_config_set(lines))
    finally:
        conn.disconnect()


@pytest.fixture(scope="module")
def factory(agent: Any) -> tuple[str, str]:
    """``show running-config`` and ``show version`` of the module's agent as it first started."""
    show_run, version = run(agent, "show running-config", "show version")
    return show_run, version


def test_a_first_start_prints_a_factory_c8000v_s_system_lines(factory: tuple[str, str]) -> None:
    text, _ = factory
    assert HEAD in text
    assert CALL_HOME in text
    for line in (
        "subscriber templating", "multilink bundle-name authenticated", "memory free low-watermark processor 63709",
        "diagnostic bootup level minimal", "redundancy", "control-plane",
    ):  # fmt: skip
        assert f"\n{line}\n" in text, line
    order = ["subscriber templating", "license udi", "diagnostic bootup", "username", "redundancy", "control-plane"]
    assert [text.index(f"\n{w}") for w in order] == sorted(text.index(f"\n{w}") for w in order)


def test_the_licence_udi_carries_the_serial_show_version_prints(factory: tuple[str, str]) -> None:
    text, version = factory
    board = re.search(r"^Processor board ID (\S+)$", version, re.M)
    assert board is not None, version
    assert f"\nlicense udi pid C8000V sn {board.group(1)}\n" in text


def test_what_automation_types_is_accepted_and_shown(agent: Any) -> None:
    out = configure(agent, list(TYPED))
    assert "%" not in out, out
    (text,) = run(agent, "show running-config")
    for line in TYPED:
        assert f"\n{line}\n" in text, line
    assert text.index("\nlogging buffered") < text.index("\nno logging console") < text.index("\naaa new-model")
    assert text.index("\nlogging trap") < text.index("\nlogging host") < text.index("\ncontrol-plane")
    (logging,) = run(agent, "show logging")
    assert "    Console logging: disabled\n" in logging
    assert "    Buffer logging:  level informational," in logging
    assert "    Trap logging: level notifications," in logging
    assert "\nLog Buffer (64000 bytes):\n" in logging


def test_password_encryption_stores_type_7_and_the_user_still_logs_in(agent: Any) -> None:
    out = configure(agent, ["service password-encryption", f"username {USER} privilege 15 password 0 {USER_PASSWORD}"])
    assert "%" not in out, out
    (text,) = run(agent, "show running-config")
    assert "\nservice password-encryption\n" in text
    assert USER_PASSWORD not in text
    assert re.search(rf"^username {USER} privilege 15 password 7 [0-9]{{2}}[0-9A-F]+$", text, re.M), text
    conn = cli(agent, USER, USER_PASSWORD)
    try:
        assert conn.find_prompt().endswith("#")
    finally:
        conn.disconnect()


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint (Debian libyang2-tools) is not installed")
@pytest.mark.parametrize("with_defaults", [None, "report-all"])
def test_the_netconf_view_is_valid_against_cisco_s_real_modules(
    agent: Any, cisco_modules: Path, tmp_path: Path, with_defaults: str | None
) -> None:
    m = agent.connect()
    try:
        kw: dict[str, Any] = {"with_defaults": with_defaults} if with_defaults else {}
        native = etree.fromstring(m.get_config("running", **kw).xml.encode()).find(f".//{{{IOS}}}native")
    finally:
        m.close_session()
    assert native is not None
    for child in list(native):
        if etree.QName(child).localname not in OURS:
            native.remove(child)
    assert {etree.QName(c).localname for c in native} == set(OURS)
    assert yanglint_errors(native, cisco_modules, tmp_path) == []


def test_an_edit_over_netconf_prints_in_show_running_config(agent: Any) -> None:
    agent.commit(
        '<platform><console xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-platform"><output>virtual</output></console>'
        "</platform>"
    )
    (text,) = run(agent, "show running-config | include ^platform console")
    assert text.strip() == "platform console virtual"
