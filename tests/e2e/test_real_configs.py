"""Issue 15's acceptance test: real IOS XE 17.12 configurations (tests/e2e/realconfigs: a c8000v edge router and a
Catalyst 9300 access switch, written from Cisco's documented defaults and the shapes of real captures, with
loopback addresses only) load whole through every door a user has — ``--startup-config``, ``scp -O`` to
running-config, ``copy flash:F running-config`` over SSH, the Cisco ``copy`` RPC over NETCONF and ``configure
replace`` — with nothing refused, and ``show running-config`` gives the same text back.

The device keeps its own ``! Last configuration change`` header, and a first start with ``--startup-config``
gives the admin user the lab's password (seed.py), so those two lines are compared by shape only. With the real
Cisco 17.12.1 modules at hand (``IOSXE_CISCO_YANG`` = a directory holding YangModels/yang's
``vendor/cisco/xe/17121``), yanglint also checks the NETCONF view of each loaded configuration against them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from cisco_yang import yanglint_errors
from lxml import etree
from namespaces import IOS, RPC
from openssh import needs_openssh_scp, scp_download, scp_upload, ssh_command

from iosxe_agent.device.passwords import type9_hash

CONFIGS = sorted((Path(__file__).parent / "realconfigs").glob("*.cfg"))
_ADMIN_SECRET = re.compile(rf"^username {ADMIN_USER} privilege 15 secret 9 \$9\$\S+$")
SCP_ON = "<ip><scp><server><enable/></server></scp></ip>"


def body(text: str) -> list[str]:
    """The configuration lines from ``version`` to ``end``, with what a device rightly writes its own way (the
    admin secret's hash) reduced to its shape."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("version "))
    end = lines.index("end", start)
    return [
        _ADMIN_SECRET.sub(f"username {ADMIN_USER} privilege 15 secret 9 <hash>", line)
        for line in lines[start : end + 1]
    ]


def lab_copy(config: Path, tmp_path: Path) -> Path:
    """The file with the admin's secret made the lab's password, as a user loading a router's configuration into
    a lab device keeps their own way in (a first start with ``--startup-config`` does the same by itself)."""
    lines = config.read_text().split("\n")
    secret = f"username {ADMIN_USER} privilege 15 secret 9 {type9_hash(ADMIN_PASSWORD)}"
    copy = tmp_path / config.name
    copy.write_text("\n".join(secret if _ADMIN_SECRET.match(line) else line for line in lines))
    return copy


def running(agent) -> str:
    result = ssh_command(agent.ssh_port, "show running-config")
    assert result.returncode == 0, result.stderr
    return result.stdout


def assert_same(config: Path, shown: str) -> None:
    want, got = body(config.read_text()), body(shown)
    missing = [line for line in want if line not in got]
    extra = [line for line in got if line not in want]
    assert got == want, f"{config.name}: missing {missing[:10]}, extra {extra[:10]}"


@pytest.mark.slow
@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_startup_config_loads_whole_and_shows_the_same_text(config: Path, fresh_agent, tmp_path: Path) -> None:
    agent = fresh_agent("--startup-config", str(config), candidate=False)
    assert_same(config, running(agent))
    # what the device writes is what it reads: a download uploaded to a second device gives the same text back
    download = tmp_path / "download.cfg"
    result = scp_download(agent.ssh_port, "running-config", download)
    assert result.returncode == 0, result.stderr
    assert_same(config, download.read_text())


@needs_openssh_scp
@pytest.mark.slow
@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_scp_and_copy_take_every_line(config: Path, fresh_agent, tmp_path: Path) -> None:
    """Merged into a factory configuration (as on a real box), every line of the file is taken: scp reports
    nothing refused, and the running configuration holds each of the file's lines in the file's order."""
    blank = fresh_agent(candidate=False)
    blank.commit(SCP_ON)
    upload = lab_copy(config, tmp_path)
    result = scp_upload(blank.ssh_port, upload, "running-config")
    assert result.returncode == 0 and "%" not in result.stderr, result.stderr
    assert_in_order(config, running(blank))
    copied = fresh_agent(candidate=False)
    copied.commit(SCP_ON)
    result = scp_upload(copied.ssh_port, upload, f"flash:{config.name}")
    assert result.returncode == 0, result.stderr
    out = ssh_command(copied.ssh_port, f"copy flash:{config.name} running-config")
    assert "%" not in out.stdout, out.stdout
    assert_in_order(config, running(copied))


def assert_in_order(config: Path, shown: str) -> None:
    got = body(shown)
    at = 0
    for line in body(config.read_text()):
        assert line in got[at:], f"{config.name}: `{line}` missing or out of order"
        at = got.index(line, at) + 1


@pytest.mark.slow
@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_netconf_copy_rpc_and_configure_replace(config: Path, fresh_agent, tmp_path: Path) -> None:
    """The Cisco copy RPC loads the file into running-config; ``configure replace`` makes running-config exactly
    the file (the factory lines the file lacks go)."""
    agent = fresh_agent(candidate=False)
    agent.commit(SCP_ON)
    assert scp_upload(agent.ssh_port, lab_copy(config, tmp_path), f"flash:{config.name}").returncode == 0
    with agent.connect() as m:
        rpc = (
            f'<copy xmlns="{RPC}"><source-drop-node-name>flash:{config.name}</source-drop-node-name>'
            f"<destination-drop-node-name>running-config</destination-drop-node-name></copy>"
        )
        reply = m.dispatch(etree.fromstring(rpc))
        assert "RPC request successful" in reply.xml, reply.xml
    assert_in_order(config, running(agent))
    out = ssh_command(agent.ssh_port, f"configure replace flash:{config.name} force")
    assert "Rollback Done" in out.stdout, out.stdout
    assert_same(config, running(agent))


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint (Debian libyang2-tools) is not installed")
@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_netconf_view_validates_against_the_real_cisco_modules(
    config: Path, fresh_agent, cisco_modules: Path, tmp_path: Path
) -> None:
    agent = fresh_agent("--startup-config", str(config), candidate=False)
    with agent.connect() as m:
        native = etree.fromstring(m.get_config("running").xml.encode()).find(f".//{{{IOS}}}native")
    assert native is not None
    assert yanglint_errors(native, cisco_modules, tmp_path) == []
