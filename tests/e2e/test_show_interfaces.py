"""Interfaces, VRFs and static routes end to end: a first start has a c8000v's three ports and ``vrf definition
Mgmt-intf``; lines automation types are accepted and printed back; ``show interfaces`` / ``show ip interface brief``
parse with ntc-templates; the NETCONF view of the same configuration is valid against Cisco's real 17.12.1 modules
(yanglint over YangModels/yang ``vendor/cisco/xe/17121``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from cisco_yang import yanglint_errors
from lxml import etree
from namespaces import IOS
from netmiko_session import netmiko_cli

ntc_parse = pytest.importorskip("ntc_templates.parse")


FACTORY_PORTS = """\
interface GigabitEthernet1
 ip address dhcp
 negotiation auto
 no mop enabled
 no mop sysid
!
interface GigabitEthernet2
 no ip address
 shutdown
 negotiation auto
 no mop enabled
 no mop sysid
!
"""
TYPED = [
    "vrf definition LAB",
    " rd 65000:1",
    " address-family ipv4",
    " exit-address-family",
    "interface Loopback0",
    " description router id",
    " ip address 127.0.0.1 255.255.255.255",
    "interface GigabitEthernet2",
    " description to core",
    " vrf forwarding LAB",
    " ip address 127.0.1.1 255.255.255.0",
    " no shutdown",
    "interface GigabitEthernet3.100",
    " encapsulation dot1Q 100",
    " ip address 127.0.100.1 255.255.255.0",
    "ip route 0.0.0.0 0.0.0.0 127.0.0.254",
    "ip route vrf LAB 127.9.0.0 255.255.0.0 GigabitEthernet2 127.0.1.254 5",
]
#: The native children this area serves (the rest belongs to other areas' tests).
OURS = ("vrf", "interface", "ip")


def cli(agent: Any) -> Any:
    """A netmiko ``cisco_xe`` session, as automation opens one."""
    return netmiko_cli(agent.ssh_port)


def run(agent: Any, *commands: str) -> list[str]:
    conn = cli(agent)
    try:
        return [str(conn.send_command(c)) for c in commands]
    finally:
        conn.disconnect()


@pytest.fixture(scope="module")
def typed(agent: Any) -> str:
    """What the session printed while typing :data:`TYPED` (no error expected)."""
    conn = cli(agent)
    try:
        return str(conn.send_config_set(TYPED))
    finally:
        conn.disconnect()


def test_a_first_start_has_a_c8000v_s_ports_and_mgmt_vrf(fresh_agent: Any) -> None:
    show_run, version = run(fresh_agent(), "show running-config", "show version")
    assert FACTORY_PORTS in show_run
    assert "vrf definition Mgmt-intf\n !\n address-family ipv4\n exit-address-family\n" in show_run
    assert "\n3 Gigabit Ethernet interfaces\n" in version


def test_typed_lines_print_back_as_ios_does(agent: Any, typed: str) -> None:
    assert "% " not in typed, typed
    (show_run,) = run(agent, "show running-config")
    assert "interface Loopback0\n description router id\n ip address 127.0.0.1 255.255.255.255\n!\n" in show_run
    assert (
        "interface GigabitEthernet2\n description to core\n vrf forwarding LAB\n ip address 127.0.1.1 255.255.255.0\n"
        " negotiation auto\n no mop enabled\n no mop sysid\n!\n"
    ) in show_run
    routes = (
        "ip route 0.0.0.0 0.0.0.0 127.0.0.254\nip route vrf LAB 127.9.0.0 255.255.0.0 GigabitEthernet2 127.0.1.254 5\n"
    )
    assert routes in show_run


def test_show_version_counts_the_ports_not_the_subinterfaces(agent: Any, typed: str) -> None:
    (version,) = run(agent, "show version")
    assert "\n3 Gigabit Ethernet interfaces\n" in version


def test_show_running_config_interface_prints_one_block(agent: Any, typed: str) -> None:
    (text,) = run(agent, "show running-config interface Lo0")
    assert text.splitlines()[2:] == [
        "Current configuration : 88 bytes", "!", "interface Loopback0", " description router id",
        " ip address 127.0.0.1 255.255.255.255", "end",
    ]  # fmt: skip


def test_physical_interfaces_are_not_removed(agent: Any, typed: str) -> None:
    conn = cli(agent)
    try:
        out = str(conn.send_config_set(["no interface GigabitEthernet1", "interface Loopback9", "no interface Lo9"]))
    finally:
        conn.disconnect()
    assert "% Removal of physical interfaces is not permitted" in out
    (show_run,) = run(agent, "show running-config")
    assert "interface GigabitEthernet1\n" in show_run and "Loopback9" not in show_run


def test_show_ip_interface_brief_parses_with_ntc_templates(agent: Any, typed: str) -> None:
    (brief,) = run(agent, "show ip interface brief")
    rows = ntc_parse.parse_output(platform="cisco_ios", command="show ip interface brief", data=brief)
    got = {r["interface"]: (r["ip_address"], r["status"], r["proto"]) for r in rows}
    assert got == {
        "GigabitEthernet1": ("unassigned", "up", "up"),
        "GigabitEthernet2": ("127.0.1.1", "up", "up"),
        "GigabitEthernet3": ("unassigned", "administratively down", "down"),
        "GigabitEthernet3.100": ("127.0.100.1", "up", "up"),
        "Loopback0": ("127.0.0.1", "up", "up"),
    }


def test_show_interfaces_parses_with_ntc_templates_and_keeps_its_mac(agent: Any, typed: str) -> None:
    whole, one, again = run(agent, "show interfaces", "show interfaces gi 2", "show interfaces GigabitEthernet2")
    rows = ntc_parse.parse_output(platform="cisco_ios", command="show interfaces", data=whole)
    names = [r["interface"] for r in rows]
    assert names == ["GigabitEthernet1", "GigabitEthernet2", "GigabitEthernet3", "GigabitEthernet3.100", "Loopback0"]
    (gi2,) = ntc_parse.parse_output(platform="cisco_ios", command="show interfaces GigabitEthernet2", data=one)
    assert (gi2["link_status"], gi2["protocol_status"], gi2["description"]) == ("up", "up", "to core")
    assert (gi2["ip_address"], gi2["prefix_length"], gi2["mtu"], gi2["bandwidth"]) == (
        "127.0.1.1",
        "24",
        "1500",
        "1000000 Kbit",
    )
    assert gi2["mac_address"] == gi2["bia"] and one == again  # the same MAC on every call
    sub = next(r for r in rows if r["interface"] == "GigabitEthernet3.100")
    assert (sub["vlan_id"], sub["ip_address"], sub["encapsulation"]) == ("100", "127.0.100.1", "802.1Q Virtual LAN")
    gi3 = next(r for r in rows if r["interface"] == "GigabitEthernet3")
    assert sub["mac_address"] == gi3["mac_address"]  # a subinterface has its port's address
    assert gi3["link_status"] == "administratively down" and gi3["mac_address"] != gi2["mac_address"]


def test_show_ip_interface_parses_with_ntc_templates(agent: Any, typed: str) -> None:
    whole, one = run(agent, "show ip interface", "show ip interface Gi2")
    rows = {
        r["interface"]: r for r in ntc_parse.parse_output(platform="cisco_ios", command="show ip interface", data=whole)
    }
    assert (rows["GigabitEthernet2"]["ip_address"], rows["GigabitEthernet2"]["vrf"]) == (["127.0.1.1"], "LAB")
    assert rows["Loopback0"]["prefix_length"] == ["32"] and rows["GigabitEthernet3"]["ip_address"] == []
    assert one.splitlines()[0] == "GigabitEthernet2 is up, line protocol is up"


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint (Debian libyang2-tools) is not installed")
def test_the_netconf_view_is_valid_against_cisco_s_real_modules(
    agent: Any,
    typed: str,
    cisco_modules: Path,
    tmp_path: Path,
) -> None:
    m = agent.connect()
    try:
        native = etree.fromstring(m.get_config("running").xml.encode()).find(f".//{{{IOS}}}native")
    finally:
        m.close_session()
    assert native is not None
    for child in list(native):
        if etree.QName(child).localname not in OURS:
            native.remove(child)
    ip = native.find(f"{{{IOS}}}ip")
    assert ip is not None
    for child in list(ip):  # only the static routes of the ip container are this area's
        if etree.QName(child).localname != "route":
            ip.remove(child)
    assert yanglint_errors(native, cisco_modules, tmp_path) == []
