"""A real router configuration with lines no model of ours knows, end to end on the real agent (issue 15 item 3).

The device's own configuration is downloaded with ``scp -O``, feature lines nobody models are put where a real
c8000v prints them (``router bgp`` with an address family, ``spanning-tree``, an ACL, ``class-map`` /
``policy-map``, ``vlan``, an interface's `` ip ospf cost 10``), and the file is uploaded back: nothing is refused,
``show running-config`` and a second download give back the same text byte for byte, ``copy running-config
startup-config`` carries the lines, ``show iosxe-agent unmodelled`` lists them, and NETCONF sees none of them.
Typed at the CLI, a real command's line is kept in its sub-mode; a word that is no 17.12 command keeps its caret.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER, netconf_manager
from openssh import needs_openssh_scp, scp_download, scp_upload

netmiko = pytest.importorskip("netmiko")

#: (line after which, kept lines) in the order they go into the file
INSERTS = (
    (
        "boot-end-marker",
        [
            "router bgp 65000",
            " bgp log-neighbor-changes",
            " neighbor 127.0.0.2 remote-as 65001",
            " !",
            " address-family ipv4",
            "  network 127.0.0.0 mask 255.0.0.0",
            "  neighbor 127.0.0.2 activate",
            " exit-address-family",
            "!",
            "spanning-tree mode rapid-pvst",
            "spanning-tree extend system-id",
        ],
    ),
    (" negotiation auto", [" ip ospf cost 10"]),
    (
        "ip forward-protocol nd",
        [
            "ip access-list extended BLOCK-TELNET",
            " 10 deny   tcp any any eq telnet",
            " 20 permit ip any any",
            "!",
            "class-map match-any VOICE",
            " match dscp ef ",
            "policy-map WAN-OUT",
            " class VOICE",
            "  priority percent 20",
            "vlan 10",
            " name USERS",
        ],
    ),
)
KEPT = sum(len(lines) for _, lines in INSERTS)


def cli(agent: Any) -> Any:
    """A netmiko ``cisco_xe`` session, as automation opens one."""
    return netmiko.ConnectHandler(
        device_type="cisco_xe", host="127.0.0.1", port=agent.ssh_port, username=ADMIN_USER,
        password=ADMIN_PASSWORD, allow_agent=False, use_keys=False, fast_cli=False,
    )  # fmt: skip


def body(text: str) -> str:
    """A configuration from its ``version`` line on (before it: the header and the last-change comment)."""
    return text[text.index("version ") :]


def with_inserts(text: str) -> str:
    lines = text.splitlines()
    for after, more in INSERTS:
        at = lines.index(after) + 1
        lines[at:at] = more
    return "\n".join(lines) + "\n"


def download(agent: Any, what: str, where: Path) -> str:
    result = scp_download(agent.ssh_port, what, where)
    assert result.returncode == 0, result.stderr
    return where.read_text()


@needs_openssh_scp
@pytest.mark.slow
def test_a_configuration_with_unmodelled_lines_round_trips_byte_for_byte(fresh_agent: Any, tmp_path: Path) -> None:
    agent = fresh_agent()
    conn = cli(agent)
    try:
        conn.send_config_set(["ip scp server enable"])
        upload = tmp_path / "router.cfg"
        upload.write_text(with_inserts(download(agent, "running-config", tmp_path / "factory.cfg")))
        result = scp_upload(agent.ssh_port, upload, "running-config")
        assert result.returncode == 0 and "%" not in result.stderr, result.stderr
        expected = body(upload.read_text())
        assert body(download(agent, "running-config", tmp_path / "back.cfg")) == expected
        shown = conn.send_command("show running-config")
        assert body(shown).rstrip("\n") == expected.rstrip("\n")
        listing = conn.send_command("show iosxe-agent unmodelled")
        assert f"not visible over NETCONF): {KEPT}" in listing and "  router bgp 65000" in listing
        assert "In interface/GigabitEthernet[1], after" in listing
        conn.save_config()
        assert body(download(agent, "startup-config", tmp_path / "startup.cfg")) == expected
    finally:
        conn.disconnect()
    with netconf_manager("127.0.0.1", agent.netconf_port) as nc:
        reply = nc.get_config(source="running").data_xml
    assert "router bgp" not in reply and "unmodelled" not in reply


@pytest.mark.slow
def test_typed_lines_are_kept_only_when_real(fresh_agent: Any) -> None:
    device = fresh_agent()
    conn = cli(device)
    try:
        out = conn.send_config_set(["router ospf 1", "network 127.0.0.0 0.255.255.255 area 0", "exit"])
        assert "config-router" in out and "%" not in out
        out = conn.send_config_set(["ip ssh frobnicate"])
        assert "% Invalid input detected at '^' marker." in out
        running = conn.send_command("show running-config")
        assert "\nrouter ospf 1\n network 127.0.0.0 0.255.255.255 area 0\n" in running
        assert "frobnicate" not in running
    finally:
        conn.disconnect()
