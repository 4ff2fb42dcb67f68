"""The show commands automation parses, taken from a live agent and fed to the parsers tools really use:
ntc-templates (netmiko's ``use_textfsm``, NAPALM, Ansible's ``parse_cli_textfsm``) and genie (pyATS, unicon).

What each parser must find is what a real C8000V on 17.12 gives it: the version and serial, the chassis row of
``show inventory``, the domain and name servers of ``show hosts``, the committed image of ``show install summary``.
The renderers' own layouts are checked line for line first (pure), so a failing parser points at a layout change.

genie lives in its own virtualenv (it pins an older pysnmp than the agent needs); its test runs that interpreter,
named by ``IOSXE_TEST_PYATS_PYTHON`` (``tools/test-all`` sets it), and is skipped without it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
from typing import Any

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from ntc_templates.parse import parse_output  # type: ignore[import-untyped]

from iosxe_agent.cli.exec_cmds import exec_tree
from iosxe_agent.cli.parser import Node
from iosxe_agent.cli.show_system import INSTALLED_IMAGE, show_hosts, show_install_summary, show_inventory
from iosxe_agent.device.views import DnsView, HostEntry

PYATS_PYTHON_ENV = "IOSXE_TEST_PYATS_PYTHON"
GENIE_TIMEOUT_S = 120
SHOW_TIMEOUT_S = 30
DOMAIN = "lab.local"
NAME_SERVERS = ("127.0.0.53", "127.0.0.54")
HOSTS_HEAD = "Host                      Port  Flags      Age Type   Address(es)"


# -- the layouts (pure) ---------------------------------------------------------------------------------------------
def test_show_hosts_prints_the_resolver_as_ios_does() -> None:
    assert show_hosts(None, DnsView()).splitlines()[:3] == [
        "Default domain is not set",
        "Name/address lookup uses domain service",
        "Name servers are 255.255.255.255",
    ]
    text = show_hosts(DOMAIN, DnsView(lookup=False, name_servers=NAME_SERVERS))
    assert text.splitlines()[:3] == [
        "Default domain is lab.local",
        "Name/address lookup uses static mappings",
        "Name servers are 127.0.0.53, 127.0.0.54",
    ]
    assert "Codes: UN - unknown, EX - expired, OK - OK, ?? - revalidate" in text
    assert text.splitlines()[-1].split() == ["Host", "Port", "Flags", "Age", "Type", "Address(es)"]


def test_show_hosts_lists_the_global_ip_host_names_a_row_per_family() -> None:
    hosts = (
        HostEntry("r2", ("127.0.0.2",)),
        HostEntry("r3", ("127.0.0.3", "::1", "127.0.0.4")),
        HostEntry("lab", ("127.0.0.9",), vrf="Mgmt-intf"),
        HostEntry("ts1", ("127.0.0.41",), port=2001),
    )
    lines = show_hosts(None, DnsView(hosts=hosts)).splitlines()
    assert lines[lines.index(HOSTS_HEAD) + 1 :] == [
        "r2                        None  (perm, OK)  0   IP    127.0.0.2",  # a 17.x row, as IOS prints it
        "r3                        None  (perm, OK)  0   IP    127.0.0.3 127.0.0.4",
        "r3                        None  (perm, OK)  0   IPv6  ::1",
        "ts1                       2001  (perm, OK)  0   IP    127.0.0.41",
    ]


def test_show_inventory_lists_the_c8000v_rows() -> None:
    assert show_inventory("9ABCDEFGHIJ").splitlines() == [
        'NAME: "Chassis", DESCR: "Cisco C8000V Chassis"',
        "PID: C8000V            , VID: V00  , SN: 9ABCDEFGHIJ",
        "",
        'NAME: "module R0", DESCR: "Cisco C8000V Route Processor"',
        "PID: C8000V            , VID: V00  , SN: 9ABCDEFGHIJ",
        "",
        'NAME: "module F0", DESCR: "Cisco C8000V Embedded Services Processor"',
        "PID: C8000V            , VID:      , SN:",
    ]


def test_show_install_summary_is_one_committed_image() -> None:
    lines = show_install_summary().splitlines()
    assert lines[0] == "[ R0 ] Installed Package(s) Information:"
    assert f"IMG   C    {INSTALLED_IMAGE}" in lines
    assert lines[-2:] == ["Auto abort timer: inactive", "-" * 80]


# -- a live device ---------------------------------------------------------------------------------------------------
def _has(root: Node, words: str) -> bool:
    node: Node | None = root
    for word in words.split():
        node = next((c for c in node.children if c.arg is None and c.name == word), None) if node else None
    return node is not None and node.handler is not None


#: every command parsed below; `show ip interface brief` only once the exec tree has it (the interfaces round)
COMMANDS = tuple(
    c
    for c in (
        "show version",
        "show inventory",
        "show hosts",
        "show install summary",
        "show clock",
        "show tacacs",
        "show aaa servers",
        "show ip interface brief",
    )
    if _has(exec_tree(), c)
)

RESOLVER_XML = (
    f"<ip><domain><name>{DOMAIN}</name></domain>"
    "<host><host-list><name>r2</name><ip-list>127.0.0.2</ip-list></host-list></host>"  # a row the parsers skip
    f"<name-server>{''.join(f'<no-vrf-ordered>{a}</no-vrf-ordered>' for a in NAME_SERVERS)}</name-server></ip>"
    '<tacacs><server xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"><name>TAC1</name>'
    "<address><ipv4>127.0.0.1</ipv4></address></server></tacacs>"
)


async def _show(port: int, commands: tuple[str, ...]) -> dict[str, str]:
    """Each command's output over an exec channel, line ends as a parser gets them from netmiko."""
    async with asyncssh.connect(
        "127.0.0.1", port, username=ADMIN_USER, password=ADMIN_PASSWORD, known_hosts=None, preferred_auth="password"
    ) as conn:
        results = {command: await conn.run(command, timeout=SHOW_TIMEOUT_S) for command in commands}
    return {command: str(r.stdout).replace("\r\n", "\n") for command, r in results.items()}


@pytest.fixture(scope="module")
def outputs(agent: Any) -> dict[str, str]:
    agent.commit(RESOLVER_XML)
    texts = asyncio.run(_show(agent.ssh_port, COMMANDS))
    for command, text in texts.items():
        assert not text.lstrip().startswith("%"), (command, text)
    return texts


def _serial(outputs: dict[str, str]) -> str:
    found = re.search(r"Processor board ID (\S+)", outputs["show version"])
    assert found
    return found.group(1)


def _ntc(command: str, text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = parse_output(platform="cisco_ios", command=command, data=text)
    return rows


def test_ntc_templates_parse_show_version(outputs: dict[str, str]) -> None:
    (row,) = _ntc("show version", outputs["show version"])
    assert row["version"] == "17.12.1" and row["hardware"] == ["C8000V"]
    assert row["serial"] == [_serial(outputs)] and row["running_image"] == "packages.conf"
    assert row["hostname"] and row["uptime"] and row["config_register"] == "0x2102"


def test_ntc_templates_parse_show_inventory(outputs: dict[str, str]) -> None:
    rows = _ntc("show inventory", outputs["show inventory"])
    assert [(r["name"], r["pid"].strip(), r["sn"]) for r in rows] == [
        ("Chassis", "C8000V", _serial(outputs)),
        ("module R0", "C8000V", _serial(outputs)),
        ("module F0", "C8000V", ""),
    ]
    assert rows[0]["descr"] == "Cisco C8000V Chassis" and rows[0]["vid"].strip() == "V00"


def test_ntc_templates_parse_show_clock_and_show_tacacs(outputs: dict[str, str]) -> None:
    (clock,) = _ntc("show clock", outputs["show clock"])
    assert clock["timezone"] == "UTC" and clock["year"].isdigit()
    assert [r["tacacs_server_name"] for r in _ntc("show tacacs", outputs["show tacacs"])] == ["TAC1"]


def test_ntc_templates_parse_show_ip_interface_brief(outputs: dict[str, str]) -> None:
    if "show ip interface brief" not in outputs:
        pytest.skip("show ip interface brief is not in the exec tree yet")
    rows = _ntc("show ip interface brief", outputs["show ip interface brief"])
    assert rows and all(r["interface"] and r["status"] for r in rows)


GENIE_SCRIPT = """
import json, sys
from unittest.mock import Mock
from genie.libs.parser.iosxe.show_aaa import ShowAAServers
from genie.libs.parser.iosxe.show_hosts import ShowHosts
from genie.libs.parser.iosxe.show_install import ShowInstallSummary
from genie.libs.parser.iosxe.show_interface import ShowIpInterfaceBrief
from genie.libs.parser.iosxe.show_platform import ShowInventory, ShowVersion
from genie.libs.parser.iosxe.show_system import ShowClock
from genie.libs.parser.iosxe.show_tacacs import ShowTacacs
parsers = {
    "show version": ShowVersion, "show inventory": ShowInventory, "show hosts": ShowHosts,
    "show install summary": ShowInstallSummary, "show tacacs": ShowTacacs, "show aaa servers": ShowAAServers,
    "show ip interface brief": ShowIpInterfaceBrief, "show clock": ShowClock,
}
texts = json.load(sys.stdin)
print(json.dumps({c: parsers[c](device=Mock()).parse(output=t) for c, t in texts.items() if c in parsers}))
"""


def _genie(texts: dict[str, str]) -> dict[str, Any]:
    python = os.environ.get(PYATS_PYTHON_ENV)
    if not python:
        pytest.skip(f"genie runs in its own virtualenv; set {PYATS_PYTHON_ENV} to its python (tools/test-all does)")
    done = subprocess.run(
        [python, "-c", GENIE_SCRIPT],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=GENIE_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_genie_parses_every_command_into_a_real_routers_keys(outputs: dict[str, str]) -> None:
    parsed = _genie(outputs)
    version = parsed["show version"]["version"]
    assert (version["version"], version["chassis"], version["chassis_sn"]) == ("17.12.1", "C8000V", _serial(outputs))
    assert version["os"] == "IOS-XE" and version["system_image"] == "bootflash:packages.conf"
    chassis = parsed["show inventory"]["main"]["chassis"]["C8000V"]
    assert (chassis["name"], chassis["descr"], chassis["sn"], chassis["vid"]) == (
        "Chassis",
        "Cisco C8000V Chassis",
        _serial(outputs),
        "V00",
    )
    assert "\nr2   " in outputs["show hosts"]  # the ip host row is there, and does not trip genie
    assert parsed["show hosts"] == {"default_domain": DOMAIN, "name_servers": list(NAME_SERVERS)}
    assert parsed["show install summary"]["location"]["R0"] == {
        "pkg_state": {"1": {"type": "IMG", "state": "C", "filename_version": INSTALLED_IMAGE}},
        "auto_abort_timer": "inactive",
    }
    assert parsed["show clock"]["timezone"] == "UTC" and parsed["show clock"]["year"].isdigit()
    assert sorted(parsed["show tacacs"]["server"]) == ["TAC1"]
    assert parsed["show aaa servers"]["radius_server"]["127.0.0.1"]["hostname"] == "TAC1"
    if "show ip interface brief" in outputs:
        assert parsed["show ip interface brief"]["interface"]
