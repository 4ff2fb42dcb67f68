"""Issue 14's acceptance walk: every procedure and example of the SSH/SCP configuration guide, in order, typed
verbatim through OpenSSH in a pty (addresses replaced by loopback ones), each step asserting what the guide says
the device does. One test per procedure, on fresh agents: a failure names the procedure, the step and the line.

The data is tests/e2e/guide/steps.py, the driver tests/e2e/guide/driver.py. Device2 (the guide's remote device)
listens on port 22 of its own loopback address, as the guide's ``ssh -l lab`` to its remote address needs; the
trap receiver on port 162 of the SSH client's address, as ``snmp-server host a.b.c.d public tty`` needs."""

from __future__ import annotations

import socket
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from guide_package import guide

GUIDE = guide()
steps = GUIDE.steps
driver = GUIDE.driver
TACACS_KEY = "guide-tac-key"


def _bindable(address: str, port: int, kind: int) -> bool:
    """Whether this test may listen on a fixed port (root, and nothing else there)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        if kind == socket.SOCK_STREAM:  # as the agent's listener does: a TIME_WAIT left by the last test is no owner
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize("procedure", steps.PROCEDURES, ids=lambda p: p.key)
def test_guide_procedure(procedure, fresh_agent, peers: Callable[[str], ModuleType], tmp_path: Path) -> None:
    if "peer" in procedure.needs and not _bindable(steps.PEER, 22, socket.SOCK_STREAM):
        pytest.skip(f"Device2 needs {steps.PEER}:22")
    if "trap" in procedure.needs and not _bindable(steps.CLIENT, 162, socket.SOCK_DGRAM):
        pytest.skip(f"the trap receiver needs {steps.CLIENT}:162")
    key = GUIDE.keys.reader_key(tmp_path)
    host = procedure.steps[0].prompt.rstrip("#>")
    context = {
        "peer": steps.PEER, "client": steps.CLIENT, "host": host, "user_key": key.key_string,
        "user_key_hash": key.key_hash, "tacacs_key": TACACS_KEY,
    }  # fmt: skip
    with ExitStack() as stack:
        trap_log: Path | None = None
        if "tacacs" in procedure.needs:
            admin = {"password": ADMIN_PASSWORD, "priv-lvl": 15}
            users = {**steps.TACACS_USERS, **procedure.tacacs_users, ADMIN_USER: admin}
            peer = GUIDE.peers.tacacs_peer(peers("tacacs_server").write_config, tmp_path, TACACS_KEY, users)
            context["tacacs_port"] = str(stack.enter_context(peer))
        if "trap" in procedure.needs:
            trap_log = stack.enter_context(GUIDE.peers.trap_receiver(tmp_path, steps.CLIENT))
        agent = fresh_agent()
        device = driver.Device(agent.host, agent.ssh_port)
        driver.configure(device, ADMIN_USER, ADMIN_PASSWORD, (*steps.BASE, *procedure.setup), context)
        if "peer" in procedure.needs:
            fresh_agent("--host", steps.PEER, "--ssh-port", "22", host=steps.PEER)
            device2 = driver.Device(steps.PEER, 22)
            driver.configure(device2, ADMIN_USER, ADMIN_PASSWORD, (*steps.PEER_BASE, *procedure.peer_setup), context)
            context["peer_key"] = driver.host_key(device2)
        log = trap_log
        walk = driver.Walk(procedure, device, context, key.file, trap_log=lambda: log.read_text() if log else "")
        walk.run()
