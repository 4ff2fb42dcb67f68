"""``ip host``: the device's own clients reach another device by the name the host table gives it, as on IOS.

Two real agents: the one the test types into (``near``, on 127.0.0.1) and ``R2`` (``far``, listening on its own
loopback address, ``ip scp server enable``). On ``near``, ``ip host r2 <far's address>`` is typed; then ``show hosts``
lists it, ``ssh -l admin r2`` opens a session on R2 and ``copy scp://admin@r2/...`` fetches a file from R2's flash.
A name the table does not hold is not looked up anywhere else (no DNS query): the egress gate refuses it unresolved,
so the client times out at once. ``ip host vrf V`` names are used only with ``-vrf V``. Over NETCONF the table is
Cisco's ``/native/ip/host`` (without the telnet port, which no 17.12.1 model has), which yanglint accepts against
the real 17.12.1 modules.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD
from cisco_yang import extract_cisco_modules, yanglint_errors
from cli_dialogue import Dialogue, in_shell

FAR_HOST = "127.0.0.26"
FAR_SETUP = "<hostname>R2</hostname><ip><scp><server><enable/></server></scp></ip>"
HOST_FILTER = '<native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><ip><host/></ip></native>'
HOST_LINES = (f"ip host r2 {FAR_HOST}", f"ip host vrf Mgmt-intf r2-mgmt {FAR_HOST}", "ip host ts1 2001 127.0.0.41")
TIMED_OUT = "% Connection timed out; remote host not responding"
ROW = f"r2                        None  (perm, OK)  0   IP    {FAR_HOST}"


@pytest.fixture
def near_far(fresh_agent: Any) -> tuple[Any, Any]:
    far = fresh_agent("--host", FAR_HOST, host=FAR_HOST)
    far.commit(FAR_SETUP)
    return fresh_agent(), far


async def _configure(shell: Dialogue, *lines: str) -> str:
    out = await shell.cmd("configure terminal")
    for line in lines:
        out += await shell.cmd(line)
    return out + await shell.cmd("end")


async def _ssh(shell: Dialogue, command: str) -> str:
    """An ``ssh`` that reaches R2: the password, a command on R2, and back."""
    out = await shell.cmd(command, "Password: ")
    out += await shell.cmd(ADMIN_PASSWORD, "R2#")
    out += await shell.cmd("show running-config | include hostname", "R2#")
    return out + await shell.cmd("exit", "Router#")


def test_ssh_and_copy_scp_reach_a_device_by_its_ip_host_name(near_far: tuple[Any, Any], tmp_path: Path) -> None:
    near, far = near_far
    (far.state_dir / "flash" / "from-r2.txt").write_text("kept on R2\n")
    port = far.ssh_port

    async def session(shell: Dialogue) -> dict[str, str]:
        out: dict[str, str] = {}
        out["unknown"] = await shell.cmd(f"ssh -l admin -p {port} r2")  # not in the table yet: never looked up
        out["config"] = await _configure(shell, *HOST_LINES)
        out["run"] = await shell.cmd("show running-config | include ip host")
        out["hosts"] = await shell.cmd("show hosts")
        out["ssh"] = await _ssh(shell, f"ssh -l admin -p {port} R2")  # names compare without case
        out["vrf"] = await _ssh(shell, f"ssh -vrf Mgmt-intf -l admin -p {port} r2-mgmt")
        out["global-only"] = await shell.cmd(f"ssh -l admin -p {port} r2-mgmt")
        out["copy"] = await shell.cmd(f"copy scp://admin@r2:{port}/flash:from-r2.txt flash:", "]? ")
        out["copy"] += await shell.cmd("", "Password: ")
        out["copy"] += await shell.cmd(ADMIN_PASSWORD)
        return out

    out = asyncio.run(in_shell(near.ssh_port, session))
    assert TIMED_OUT in out["unknown"], out["unknown"]
    assert "%" not in out["config"], out["config"]
    assert out["run"].splitlines()[1:4] == [HOST_LINES[0], HOST_LINES[2], HOST_LINES[1]], out["run"]
    assert ROW in out["hosts"].splitlines(), out["hosts"]
    assert "r2-mgmt" not in out["hosts"]  # a VRF's names are not in the global table
    for key in ("ssh", "vrf"):
        assert "\nhostname R2\n" in out[key], out[key]
    assert "[Connection to R2 closed by foreign host]" in out["ssh"], out["ssh"]  # the name as typed
    assert "[Connection to r2-mgmt closed by foreign host]" in out["vrf"], out["vrf"]
    assert TIMED_OUT in out["global-only"], out["global-only"]
    assert "bytes copied in" in out["copy"], out["copy"]
    assert (near.state_dir / "flash" / "from-r2.txt").read_text() == "kept on R2\n"

    m = near.connect()
    try:
        reply = m.get_config("running", filter=("subtree", HOST_FILTER))
    finally:
        m.close_session()
    native = reply.data_ele.find("{*}native")
    assert native is not None
    assert [el.text for el in native.iterfind(".//{*}host-list/{*}name")] == ["r2", "ts1"]
    assert native.find(".//{*}port") is None  # the telnet port is device-private: not served
    assert [el.text for el in native.iterfind(".//{*}vrf/{*}host-name/{*}host-name")] == ["r2-mgmt"]
    assert yanglint_errors(native, extract_cisco_modules(tmp_path), tmp_path) == []
