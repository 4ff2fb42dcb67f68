"""The management lines of a 17.12 box, end to end: what a first start prints (``ip forward-protocol nd``, the
HTTP servers, ``ip ssh bulk-mode 131072``, ``line con 0`` / ``stopbits 1``, ``line aux 0``, ``line vty 5 15``,
``netconf-yang``), what automation types (``clock timezone``, ``ntp server``, ``ip name-server``, ``no ip http
server``, ``restconf``) shown by ``show running-config`` and ``show clock`` and visible over NETCONF, and that
yanglint accepts the NETCONF view against Cisco's real 17.12.1 modules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from cisco_yang import extract_cisco_modules, yanglint_errors
from lxml import etree
from netmiko_session import netmiko_cli

IOS = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
HTTP = "http://cisco.com/ns/yang/Cisco-IOS-XE-http"
NTP = "http://cisco.com/ns/yang/Cisco-IOS-XE-ntp"

#: what a factory c8000v 17.12 prints for these services, in its order (other lines between them left out)
FACTORY = [
    "ip forward-protocol nd",
    "ip http server",
    "ip http authentication local",
    "ip http secure-server",
    "ip ssh bulk-mode 131072",
    "line con 0",
    " stopbits 1",
    "line aux 0",
    "line vty 0 4",
    " transport input ssh",
    "line vty 5 15",
    " transport input ssh",
    "netconf-yang",
    "end",
]
TYPED = [
    "clock timezone CET 1 0",
    "ip name-server 127.0.0.53 127.0.0.54",
    "no ip http server",
    "ip http client source-interface GigabitEthernet1",
    "ntp source GigabitEthernet1",
    "ntp server 127.0.0.51 prefer",
    "restconf",
]


def session(agent: Any) -> Any:
    """A netmiko ``cisco_xe`` session, as automation opens one."""
    return netmiko_cli(agent.ssh_port)


def show_run(agent: Any) -> list[str]:
    conn = session(agent)
    try:
        return str(conn.send_command("show running-config")).splitlines()
    finally:
        conn.disconnect()


def in_order(lines: list[str], expected: list[str]) -> bool:
    """True if ``expected`` appear in ``lines`` in this order (others may come between)."""
    it = iter(lines)
    return all(any(line == want for line in it) for want in expected)


def test_a_first_start_prints_a_factory_box_s_management_lines(fresh_agent: Any) -> None:
    lines = show_run(fresh_agent(candidate=False))
    assert in_order(lines, FACTORY), "\n".join(lines)
    assert not any(line.startswith("netconf-yang feature") for line in lines)


@pytest.fixture(scope="module")
def typed(agent: Any) -> list[str]:
    """The shared agent after the TYPED lines (netmiko's config mode), and its running-config."""
    conn = session(agent)
    try:
        out = str(conn.send_config_set(TYPED))
    finally:
        conn.disconnect()
    assert "Invalid input" not in out, out
    return show_run(agent)


def test_typed_lines_print_where_ios_prints_them(typed: list[str]) -> None:
    order = [
        "clock timezone CET 1 0",
        "ip name-server 127.0.0.53 127.0.0.54",
        "ip forward-protocol nd",
        "no ip http server",
        "ip http authentication local",
        "ip http secure-server",
        "ip http client source-interface GigabitEthernet1",
        "line vty 5 15",
        "ntp source GigabitEthernet1",
        "ntp server 127.0.0.51 prefer",
        "netconf-yang",
        "restconf",
        "end",
    ]
    assert in_order(typed, order), "\n".join(typed)


def test_show_clock_follows_the_time_zone(agent: Any, typed: list[str]) -> None:
    conn = session(agent)
    try:
        out = str(conn.send_command("show clock"))
    finally:
        conn.disconnect()
    assert re.fullmatch(r"\*\d\d:\d\d:\d\d\.\d{3} CET \w{3} \w{3} \d{1,2} \d{4}", out.strip()), out


def running_native(agent: Any) -> etree._Element:
    m = agent.connect()
    try:
        native = etree.fromstring(m.get_config("running").xml.encode()).find(f".//{{{IOS}}}native")
    finally:
        m.close_session()
    assert native is not None
    return native


def test_netconf_sees_the_typed_services(agent: Any, typed: list[str]) -> None:
    native = running_native(agent)
    ns = {"ios": IOS, "http": HTTP, "ntp": NTP}
    assert native.findtext("ios:clock/ios:timezone/ios:zone", namespaces=ns) == "CET"
    assert native.findtext("ios:ip/http:http/http:server", namespaces=ns) == "false"
    assert native.findtext("ios:ip/http:http/http:secure-server", namespaces=ns) == "true"
    assert native.findtext("ios:ip/ios:forward-protocol/ios:protocol", namespaces=ns) == "nd"
    assert [e.text for e in native.iterfind("ios:ip/ios:name-server/ios:no-vrf-ordered", ns)] == [
        "127.0.0.53",
        "127.0.0.54",
    ]
    assert native.findtext("ios:ntp/ntp:server/ntp:server-list/ntp:ip-address", namespaces=ns) == "127.0.0.51"
    assert native.findtext("ios:line/ios:console/ios:stopbits", namespaces=ns) == "1"
    assert native.find("ios:line/ios:aux", ns) is not None
    # netconf-yang and restconf have no node in any 17.12.1 model: NETCONF does not show them
    assert not [el for el in native.iter() if isinstance(el.tag, str) and "iosxe-agent" in el.tag]


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint (Debian libyang2-tools) is not installed")
def test_the_netconf_view_is_valid_against_cisco_s_real_modules(
    agent: Any, typed: list[str], tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    cisco = extract_cisco_modules(tmp_path_factory.mktemp("cisco-yang"))
    native = running_native(agent)
    ours = {f"{{{IOS}}}clock", f"{{{IOS}}}ntp", f"{{{IOS}}}line", f"{{{IOS}}}ip"}
    ip_ours = {f"{{{IOS}}}forward-protocol", f"{{{IOS}}}name-server", f"{{{HTTP}}}http"}
    for child in list(native):
        if child.tag not in ours:
            native.remove(child)
    ip = native.find(f"{{{IOS}}}ip")
    assert ip is not None
    for child in list(ip):
        if child.tag not in ip_ours:
            ip.remove(child)
    assert {c.tag for c in native} == ours
    assert yanglint_errors(native, cisco, tmp_path) == []
