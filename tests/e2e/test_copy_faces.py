"""One ``copy``, three faces: the CLI (``copy SRC DST`` on the device shell), the Cisco-IOS-XE-rpc ``copy`` RPC
(ncclient) and SCP (asyncssh's client) reach the same file system and write the same bytes. A configuration
copied to flash: is the IOS text ``show running-config`` prints, whoever copied it; files copied back into
startup-config or running-config land the same way through either face. Files are read back over SCP, as a user
would look at them."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest
from lxml import etree
from namespaces import IOS, NC, RPC
from ncclient import manager

PASSWORD = "Adm1n-pass"
#: what ends the shell's answer to a line: a question, a confirmation, or the exec prompt on a line of its own
ANSWERED = re.compile(r"\]\? |\[confirm\]|\n[A-Za-z][\w.-]*#")


@pytest.fixture(scope="module")
def device(agent):
    """The module's agent with ``ip scp server enable`` (the bootstrap has the AAA SCP needs)."""
    agent.commit("<ip><scp><server><enable/></server></scp></ip>")
    return agent


@pytest.fixture
def m(device) -> Iterator[manager.Manager]:
    session = device.connect()
    yield session
    session.close_session()


def uniq(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}.cfg"


# -- the three faces ------------------------------------------------------------------------------------------------
def cli(device, *lines: str) -> str:
    """Type ``lines`` into the device shell, waiting after each for the shell's answer (:data:`ANSWERED`); returns
    everything the shell printed after its first prompt."""

    async def run() -> str:
        async with asyncssh.connect(
            "127.0.0.1", device.ssh_port, username="admin", password=PASSWORD, known_hosts=None
        ) as conn:
            proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
            await asyncio.wait_for(proc.stdout.readuntil(ANSWERED, 80), 60)
            out = ""
            for line in lines:
                proc.stdin.write(line + "\n")
                out += await asyncio.wait_for(proc.stdout.readuntil(ANSWERED, 80), 60)
            proc.stdin.write("exit\n")
            return out.replace("\r\n", "\n")

    return asyncio.run(run())


def rpc_copy(m, src: str, dst: str) -> str:
    """The Cisco-IOS-XE-rpc ``copy``; the text of its ``<result>``."""
    request = (
        f'<copy xmlns="{RPC}"><source-drop-node-name>{src}</source-drop-node-name>'
        f"<destination-drop-node-name>{dst}</destination-drop-node-name></copy>"
    )
    reply = etree.fromstring(m.dispatch(etree.fromstring(request)).xml.encode())
    return reply.findtext(f"{{{RPC}}}result") or ""


def scp_get(device, name: str, tmp_path: Path) -> bytes:
    """A file of the device, downloaded with SCP."""
    target = tmp_path / uuid.uuid4().hex

    async def run() -> None:
        async with asyncssh.connect(
            "127.0.0.1", device.ssh_port, username="admin", password=PASSWORD, known_hosts=None
        ) as conn:
            await asyncssh.scp((conn, name), str(target))

    asyncio.run(run())
    return target.read_bytes()


def scp_put(device, name: str, data: bytes, tmp_path: Path) -> None:
    """Upload ``data`` as the device file ``name`` with SCP."""
    source = tmp_path / uuid.uuid4().hex
    source.write_bytes(data)

    async def run() -> None:
        async with asyncssh.connect(
            "127.0.0.1", device.ssh_port, username="admin", password=PASSWORD, known_hosts=None
        ) as conn:
            await asyncssh.scp(str(source), (conn, name))

    asyncio.run(run())


def hostname(m) -> str | None:
    flt = f'<native xmlns="{IOS}"><hostname/></native>'
    return etree.fromstring(m.get_config("running", filter=("subtree", flt)).xml.encode()).findtext(
        f".//{{{IOS}}}hostname"
    )


def set_hostname(m, name: str) -> None:
    m.edit_config(
        target="running",
        config=f'<config xmlns="{NC}"><native xmlns="{IOS}"><hostname>{name}</hostname></native></config>',
    )


# -- tests ----------------------------------------------------------------------------------------------------------
def test_cli_and_rpc_copies_of_running_config_to_flash_are_byte_identical(device, m, tmp_path: Path) -> None:
    set_hostname(m, "Faces")
    by_cli, by_rpc = uniq("a"), uniq("b")
    out = cli(device, f"copy running-config flash:{by_cli}", "")
    assert f"Destination filename [{by_cli}]? " in out and "bytes copied in" in out
    assert rpc_copy(m, "running-config", f"flash:{by_rpc}") == "RPC request successful"
    a, b = scp_get(device, f"flash:{by_cli}", tmp_path), scp_get(device, f"flash:{by_rpc}", tmp_path)
    assert a == b
    # the form IOS writes: show running-config without its two header lines; SCP's own copy of running agrees
    assert a.startswith(b"!\n") and b"\nhostname Faces\n" in a and a.endswith(b"\nend\n")
    assert scp_get(device, "running-config", tmp_path) == a
    shown = cli(device, "terminal length 0", "show running-config")
    assert a.decode() in shown.replace("Building configuration...\n\n", "")


def test_startup_config_to_flash_and_back_through_each_face(device, m, tmp_path: Path) -> None:
    set_hostname(m, "Saved")
    assert rpc_copy(m, "running-config", "startup-config") == "RPC request successful"
    by_cli, by_rpc = uniq("start-cli"), uniq("start-rpc")
    cli(device, f"copy startup-config flash:{by_cli}", "")
    rpc_copy(m, "nvram:startup-config", f"bootflash:{by_rpc}")
    saved = scp_get(device, f"flash:{by_cli}", tmp_path)
    assert saved == scp_get(device, f"flash:{by_rpc}", tmp_path) == scp_get(device, "startup-config", tmp_path)
    assert b"\nhostname Saved\n" in saved

    # a flash: file into startup-config replaces it, and each face leaves the same startup behind
    edited = uniq("edited")
    scp_put(device, f"flash:{edited}", saved.replace(b"hostname Saved", b"hostname Edited"), tmp_path)
    out = cli(device, f"copy flash:{edited} startup-config", "")
    assert "Destination filename [startup-config]? " in out and "[OK]" in out
    after_cli = scp_get(device, "startup-config", tmp_path)
    assert b"\nhostname Edited\n" in after_cli
    rpc_copy(m, f"flash:{by_rpc}", "startup-config")  # back to the saved one
    assert scp_get(device, "startup-config", tmp_path) == saved
    rpc_copy(m, f"flash:{edited}", "startup-config")
    assert scp_get(device, "startup-config", tmp_path) == after_cli
    assert hostname(m) == "Saved"  # running untouched throughout


def test_flash_to_running_config_merges_through_each_face(device, m, tmp_path: Path) -> None:
    set_hostname(m, "Before")
    from_cli, from_rpc = uniq("merge-cli"), uniq("merge-rpc")
    scp_put(device, f"flash:{from_cli}", b"hostname CliMerged\n", tmp_path)
    scp_put(device, f"flash:{from_rpc}", b"hostname RpcMerged\n", tmp_path)
    users = scp_get(device, "running-config", tmp_path).count(b"\nusername ")
    out = cli(device, f"copy flash:{from_cli} running-config", "")
    assert "Destination filename [running-config]? " in out and "bytes copied in" in out
    assert hostname(m) == "CliMerged"
    assert rpc_copy(m, f"flash:{from_rpc}", "running-config") == "RPC request successful"
    assert hostname(m) == "RpcMerged"
    assert scp_get(device, "running-config", tmp_path).count(b"\nusername ") == users  # merged, nothing removed


def test_a_bad_line_is_skipped_and_reported_by_each_face(device, m, tmp_path: Path) -> None:
    """IOS's file semantics through the CLI and the copy RPC alike: the lines that are commands apply, the one
    that is not (a bad argument) is reported: the CLI with IOS's caret, the RPC in its result."""
    set_hostname(m, "Untouched")
    bad = uniq("bad")
    scp_put(device, f"flash:{bad}", b"hostname Changed\nip ssh time-out 999\n", tmp_path)
    out = cli(device, f"copy flash:{bad} running-config", "")
    assert "% Invalid input detected at '^' marker." in out and "bytes copied in" in out
    assert hostname(m) == "Changed"
    set_hostname(m, "Untouched")
    answer = rpc_copy(m, f"flash:{bad}", "running-config")
    assert answer == (
        "RPC request successful (1 invalid line(s) skipped: line 2 'ip ssh time-out 999': "
        "% Invalid input detected at '^' marker.)"
    )
    assert hostname(m) == "Changed"
