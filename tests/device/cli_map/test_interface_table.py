"""Interfaces, VRFs and static routes through the one CLI table: what a file of IOS lines becomes and prints back
(the blocks, the ``no`` lines IOS prints by default, the order), and the pure show-command layouts."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from iosxe_agent.cli.show_interfaces import (
    mac_of,
    running_interface,
    show_interfaces,
    show_interfaces_description,
    show_ip_interface,
    show_ip_interface_brief,
)
from iosxe_agent.device.cli_map.parse import CONFIG_MODE, parse_config_text, parse_line
from iosxe_agent.device.cli_map.render import render_config
from iosxe_agent.device.views.interface_view import read_interfaces

CONFIG = """\
vrf definition Mgmt-intf
 !
 address-family ipv4
 exit-address-family
 !
 address-family ipv6
 exit-address-family
!
interface Loopback0
 ip address 127.0.0.1 255.255.255.255
!
interface GigabitEthernet1
 description Uplink to core
 vrf forwarding Mgmt-intf
 ip address 127.0.0.3 255.255.255.0 secondary
 ip address 127.0.0.2 255.255.255.0
 negotiation auto
 ipv6 address 2001:DB8::1/64
 no mop enabled
 no mop sysid
!
interface GigabitEthernet1/0/10
 no ip address
 shutdown
 speed 1000
 duplex full
 no negotiation auto
!
interface GigabitEthernet1/0/9
 ip address dhcp
!
interface Vlan1
 no ip address
 shutdown
!
ip route 0.0.0.0 0.0.0.0 127.0.0.9
ip route 127.2.0.0 255.255.0.0 Null0 permanent
ip route 127.1.0.0 255.255.0.0 GigabitEthernet1 127.0.0.5 200 name X tag 7
ip route vrf Mgmt-intf 0.0.0.0 0.0.0.0 127.0.0.1 5 tag 3
"""


def test_a_file_prints_back_block_by_block() -> None:
    edit, errors = parse_config_text(CONFIG)
    assert errors == ()
    text = render_config(edit)
    for block in CONFIG.split("!\n")[:-1]:
        assert block.replace("interface GigabitEthernet1/0/10", "") in text.replace(
            "interface GigabitEthernet1/0/10", ""
        ), block
    assert (
        text.index("interface Loopback0") < text.index("interface GigabitEthernet1\n") < text.index("interface Vlan1")
    )
    assert "ip route 127.1.0.0 255.255.0.0 GigabitEthernet1\n" not in text  # printed once, with its gateway
    assert parse_config_text(text)[0] is not None


def test_no_interface_is_refused_for_ports_only() -> None:
    edit, _ = parse_config_text(CONFIG)
    refused = parse_line("no interface GigabitEthernet1", CONFIG_MODE, edit)
    assert refused.error is not None and refused.error.message == "% Removal of physical interfaces is not permitted"
    assert refused.edit is None
    assert parse_line("no interface Loopback0", CONFIG_MODE, edit).error is None
    assert parse_line("no interface GigabitEthernet1.100", CONFIG_MODE, edit).error is None  # a subinterface goes
    assert parse_line("interface Loopback0", CONFIG_MODE, edit).mode.name == "config-if"
    assert parse_line("interface Foo1", CONFIG_MODE, edit).error is not None
    bad = parse_line("ip route 127.0.0.0 255.0.0.0 zz", CONFIG_MODE, edit).error
    assert bad is not None and bad.kind == "invalid" and bad.column == len("ip route 127.0.0.0 255.0.0.0 ")


def test_the_view_orders_ports_numerically_and_virtual_interfaces_last() -> None:
    edit, _ = parse_config_text(CONFIG)
    view = read_interfaces(edit)
    assert [i.name for i in view.interfaces] == [
        "GigabitEthernet1", "GigabitEthernet1/0/9", "GigabitEthernet1/0/10", "Loopback0", "Vlan1",
    ]  # fmt: skip
    assert view.count("GigabitEthernet") == 3 and view.vrfs == frozenset({"Mgmt-intf"})
    gi1 = view.find("GigabitEthernet1")
    assert gi1 is not None and gi1.address == ("127.0.0.2", "255.255.255.0") and gi1.vrf == "Mgmt-intf"


def test_brief_and_description_columns() -> None:
    view = read_interfaces(parse_config_text(CONFIG)[0])
    brief = show_ip_interface_brief(view).splitlines()
    assert brief[0] == "Interface              IP-Address      OK? Method Status                Protocol"
    assert brief[1] == "GigabitEthernet1       127.0.0.2       YES manual up                    up      "
    assert brief[3] == "GigabitEthernet1/0/10  unassigned      YES unset  administratively down down    "
    described = show_interfaces_description(view).splitlines()
    assert described[1] == "Gi1                            up             up       Uplink to core"
    assert described[3].startswith("Gi1/0/10                       admin down     down")


def test_show_running_config_interface_counts_its_bytes_as_ios_does() -> None:
    lines = [
        "!", "interface GigabitEthernet1", " description MANAGEMENT INTERFACE - DON'T TOUCH ME",
        " ip address 127.0.0.48 255.255.255.0", " negotiation auto", " no mop enabled", " no mop sysid", "!",
        "interface GigabitEthernet2", "end",
    ]  # fmt: skip
    text = running_interface(lines, "GigabitEthernet1")
    # a real c8000v printed 171 bytes for this block with a 10.x address (one character more than 127.0.0.48)
    assert text.startswith(
        "Building configuration...\n\nCurrent configuration : 170 bytes\n!\ninterface GigabitEthernet1\n"
    )
    assert text.endswith(" no mop sysid\nend\n")


def test_macs_are_stable_per_device_and_interface() -> None:
    assert mac_of("9ABCDEF", "GigabitEthernet1") == mac_of("9ABCDEF", "GigabitEthernet1")
    assert mac_of("9ABCDEF", "GigabitEthernet1") != mac_of("9ABCDEF", "GigabitEthernet2")
    assert mac_of("9ABCDEF", "GigabitEthernet1") != mac_of("9XYZ", "GigabitEthernet1")
    assert mac_of("9ABCDEF", "GigabitEthernet1").startswith("5254.00")


GENIE_SCRIPT = """
import json, sys
from unittest.mock import Mock
from genie.libs.parser.iosxe.show_interface import (
    ShowInterfaces, ShowInterfacesDescription, ShowIpInterface, ShowIpInterfaceBrief,
)
parsers = {
    "brief": ShowIpInterfaceBrief, "interfaces": ShowInterfaces, "description": ShowInterfacesDescription,
    "ip": ShowIpInterface,
}
texts = json.load(sys.stdin)
print(json.dumps({name: parsers[name](device=Mock()).parse(output=text) for name, text in texts.items()}))
"""


def test_genie_reads_a_real_routers_keys() -> None:
    """genie lives in its own virtualenv (``IOSXE_TEST_PYATS_PYTHON``, set by tools/test-all)."""
    python = os.environ.get("IOSXE_TEST_PYATS_PYTHON")
    if not python:
        pytest.skip("genie runs in its own virtualenv; set IOSXE_TEST_PYATS_PYTHON to its python (tools/test-all does)")
    view = read_interfaces(parse_config_text(CONFIG)[0])
    texts = {
        "brief": show_ip_interface_brief(view),
        "interfaces": show_interfaces(view, "9ABCDEF"),
        "description": show_interfaces_description(view),
        "ip": show_ip_interface(view),
    }
    done = subprocess.run(
        [python, "-c", GENIE_SCRIPT], input=json.dumps(texts), capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    parsed = json.loads(done.stdout.strip().splitlines()[-1])
    brief = parsed["brief"]["interface"]
    assert brief["GigabitEthernet1/0/10"]["status"] == "administratively down" and brief["Loopback0"]["ip_address"] == (
        "127.0.0.1"
    )
    gi1 = parsed["interfaces"]["GigabitEthernet1"]
    assert (gi1["enabled"], gi1["oper_status"], gi1["description"], gi1["mtu"]) == (True, "up", "Uplink to core", 1500)
    assert gi1["ipv4"]["127.0.0.2/24"]["prefix_length"] == "24" and gi1["mac_address"] == mac_of(
        "9ABCDEF", "GigabitEthernet1"
    )
    assert parsed["interfaces"]["GigabitEthernet1/0/10"]["enabled"] is False
    ip = parsed["ip"]["GigabitEthernet1"]
    assert ip["vrf"] == "Mgmt-intf" and ip["ipv4"]["127.0.0.3/24"]["secondary"] is True
    assert parsed["description"]["interfaces"]["Vlan1"] == {
        "status": "admin down",
        "protocol": "down",
        "description": "",
    }
