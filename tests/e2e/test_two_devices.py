"""Two devices in ONE process share nothing but the compiled schema.

Why: fleet mode runs many routers in one process, so whatever one device does (a key generated, a debug switch,
a login, a flash: file, a NETCONF session) must show on that device alone. Both devices run on this test's event
loop with ephemeral loopback ports and their own state directories; real clients (asyncssh for the CLI and SCP,
ncclient for NETCONF) do to each device what the other must not see.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncssh
import pytest
from agents import netconf_manager
from namespaces import native
from ncclient import manager

from iosxe_agent import oplog
from iosxe_agent.router import Device, DeviceOptions
from iosxe_agent.serve import compiled_schema

PASSWORD = "Adm1n-pass-2"
OPS_PASSWORD = "Ops-pass-2"


@pytest.fixture
async def devices(tmp_path: Path) -> AsyncIterator[list[Device]]:
    schema = compiled_schema()  # compiled once, shared read-only by both devices
    pair = [
        Device(
            tmp_path / f"state{i}",
            schema,
            options=DeviceOptions(admin_user="admin", admin_password=PASSWORD, name=f"R{i}"),
        )
        for i in range(2)
    ]
    started: list[Device] = []
    try:
        for device in pair:
            device.load()
            await device.start()
            started.append(device)
        yield pair
    finally:
        for device in started:
            await device.stop()


class _Records(logging.Handler):
    """The operator log as the agent's console handler sees it: each record with its device tag."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        oplog.install(self)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def operator_log() -> Iterator[_Records]:
    handler = _Records()
    logger = logging.getLogger("iosxe_agent")
    saved = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)


def _connect(device: Device, user: str = "admin", password: str = PASSWORD) -> asyncssh.connection._ConnectManager:
    return asyncssh.connect(
        "127.0.0.1", device.ssh.port, username=user, password=password, known_hosts=None, preferred_auth="password"
    )


async def _run(device: Device, command: str, user: str = "admin", password: str = PASSWORD) -> str:
    """One exec command (``ssh host COMMAND``) on ``device``."""
    async with _connect(device, user, password) as conn:
        return str((await conn.run(command, timeout=60, check=True)).stdout).replace("\r\n", "\n")


def _netconf(device: Device) -> manager.Manager:
    return netconf_manager("127.0.0.1", device.netconf_port, "admin", PASSWORD)


async def _netconf_session(device: Device) -> manager.Manager:
    """An ncclient session (ncclient blocks, and the device serves on this loop: connect from a thread)."""
    return await asyncio.to_thread(_netconf, device)


async def _configure(device: Device, user: str) -> None:
    """Through NETCONF: a privilege-15 user ``user`` and ``ip scp server enable`` (SCP to flash:)."""
    body = (
        f"<username><name>{user}</name><privilege>15</privilege>"
        f"<secret><encryption>0</encryption><secret>{OPS_PASSWORD}</secret></secret></username>"
        "<ip><scp><server><enable/></server></scp></ip>"
    )
    m = await _netconf_session(device)
    try:
        await asyncio.to_thread(m.edit_config, target="running", config=native(body))
    finally:
        await asyncio.to_thread(m.close_session)


async def _act(device: Device, mark: str, debug: str, tmp_path: Path) -> asyncssh.SSHClientConnection:
    """What one device goes through: a user and SCP (NETCONF), a debug switch, a key, a flash: file.

    Returns the SSH connection of user ``ops{mark}``, left at its exec prompt so ``show users`` lists it."""
    await _configure(device, f"ops{mark}")
    await _run(device, f"debug {debug}")
    made = asyncio.Event()  # exec mode generates in the background (17.x): the key event says when it is done
    unsubscribe = device.keys.subscribe(lambda event: made.set() if f"KEY-{mark}" in event.added else None)
    out = await _run(device, f"crypto key generate rsa general-keys label KEY-{mark} modulus 2048")
    assert f"The name for the keys will be: KEY-{mark}" in out, out
    assert "% Generating crypto RSA keys in background ..." in out, out
    await asyncio.wait_for(made.wait(), 60)
    unsubscribe()
    local = tmp_path / f"from-{mark}.txt"
    local.write_text(f"device {mark}\n")
    held = await asyncssh.connect(
        "127.0.0.1",
        device.ssh.port,
        username=f"ops{mark}",
        password=OPS_PASSWORD,
        known_hosts=None,
        preferred_auth="password",
    )
    await asyncssh.scp(str(local), (held, f"flash:from-{mark}.txt"))
    shell = await held.create_process(term_type="vt100", term_size=(200, 50))  # a login `show users` lists
    seen = ""
    while not seen.rstrip().endswith("#"):
        chunk = await asyncio.wait_for(shell.stdout.read(1024), 30)
        assert chunk, f"the shell ended before its prompt: {seen!r}"
        seen += chunk
    return held


async def test_two_devices_in_one_process_share_nothing(
    devices: list[Device], tmp_path: Path, operator_log: _Records
) -> None:
    d0, d1 = devices
    ports = {d0.ssh.port, d1.ssh.port, d0.netconf_port, d1.netconf_port}
    assert len(ports) == 4 and 0 not in ports

    # device 0: debug ip ssh, key KEY-0, user ops0, flash:from-0.txt; device 1: debug ip scp, KEY-1, ops1, from-1
    held0 = await _act(d0, "0", "ip ssh", tmp_path)
    held1 = await _act(d1, "1", "ip scp", tmp_path)
    nc0 = await _netconf_session(d0)  # a NETCONF session open on device 0 only
    try:
        for me, mark, theirs in ((d0, "0", "1"), (d1, "1", "0")):
            await _check_own_state_only(me, mark, theirs, netconf=nc0.session_id if me is d0 else None)
    finally:
        await asyncio.to_thread(nc0.close_session)
        held0.close()
        held1.close()

    # NETCONF session ids: each device counts its own, whatever the other allocates meanwhile
    m1 = await _netconf_session(d1)
    burst = [await _netconf_session(d0) for _ in range(3)]
    m1_next = await _netconf_session(d1)
    try:
        assert int(m1_next.session_id) == int(m1.session_id) + 1
        ids0 = [int(m.session_id) for m in burst]
        assert ids0 == list(range(ids0[0], ids0[0] + 3))
    finally:
        for m in (m1, m1_next, *burst):
            await asyncio.to_thread(m.close_session)

    # each device's IOS messages reached the console under its own name ...
    added = [
        re.search(r"\[(R\d)\] iosxe_agent\.syslog: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named (KEY-\d) ", line)
        for line in operator_log.lines
    ]
    assert sorted(m.groups() for m in added if m) == [("R0", "KEY-0"), ("R1", "KEY-1")]
    # ... and so did the lines of modules that know nothing of devices (the NETCONF server's)
    opened = [line for line in operator_log.lines if " iosxe_agent.netconf.server: NETCONF session " in line]
    assert {line.split("] ")[0].split("[")[-1] for line in opened} == {"R0", "R1"}


async def _check_own_state_only(me: Device, mark: str, theirs: str, netconf: str | None) -> None:
    """``me`` shows what was done to it (mark) and nothing of what was done to the other device (theirs)."""
    logging_out = await _run(me, "show logging")
    assert f"A key named KEY-{mark} has been generated" in logging_out
    assert f"KEY-{theirs}" not in logging_out
    debugging = await _run(me, "show debugging")
    if mark == "0":  # `debug ip ssh` here: this device's logins write SSH debug lines, no SCP ones
        assert "Incoming ssh debugging is on" in debugging and "scp" not in debugging
        assert re.search(r"SSH\d+: starting SSH control process", logging_out)
        assert "SCP: [" not in logging_out
    else:  # `debug ip scp` here: the SCP upload's lines, and no SSH debug lines from the other device's logins
        assert "Incoming scp debugging is on" in debugging and "ssh" not in debugging
        assert re.search(r"SCP: \[\d+ <- 127\.0\.0\.1:\d+\] recv 9 bytes", logging_out)  # "device 1\n"
        assert "SSH control process" not in logging_out

    users = await _run(me, "show users")
    assert re.search(rf"\d+ vty \d+\s+ops{mark}\s", users), users
    assert f"ops{theirs}" not in users
    assert ("NETCONF" in users) is (netconf is not None), users
    sessions = await _run(me, "show netconf-yang sessions")
    assert f"Number of sessions : {1 if netconf else 0}" in sessions
    if netconf is not None:
        assert re.search(rf"^{netconf}\s+netconf-ssh\s+admin\s", sessions, re.MULTILINE), sessions

    flash = await _run(me, "dir flash:")
    assert f"from-{mark}.txt" in flash and f"from-{theirs}.txt" not in flash

    with pytest.raises(asyncssh.PermissionDenied):  # the other device's user does not exist here
        async with _connect(me, f"ops{theirs}", OPS_PASSWORD):
            pass
