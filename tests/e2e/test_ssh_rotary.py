"""``ip ssh port P rotary A`` with ``line vty 5 6`` / ``rotary A``, typed in the CLI: SSH on port P is a second
listener of the device whose sessions land on the vty lines of rotary group A, while port 22's land on vty 0;
``no ip ssh port P rotary A`` closes the port."""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import Awaitable, Callable

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from cli_dialogue import Dialogue, in_shell


def free_rotary_port() -> int:
    """A port of IOS's ``ip ssh port`` range (2000-10000) that nothing listens on now."""
    for port in random.sample(range(2000, 10001), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port in 2000-10000")


def typing(*lines: str) -> Callable[[Dialogue], Awaitable[str]]:
    """Type ``lines`` one after the other (in configuration mode unless the first is an exec command)."""

    async def run(shell: Dialogue) -> str:
        out = "" if lines[0].startswith("show") else await shell.cmd("configure terminal")
        for line in lines:
            out += await shell.cmd(line)
        return out

    return run


async def users_seen_from(port: int) -> str:
    """``show users`` from a session opened on ``port`` (the line the session holds is marked ``*``)."""
    options = {"known_hosts": None, "client_keys": None, "agent_path": None}
    async with asyncssh.connect("127.0.0.1", port, username="admin", password=ADMIN_PASSWORD, **options) as conn:
        return str((await conn.run("show users", timeout=30)).stdout)


@pytest.mark.asyncio
async def test_rotary_port_sessions_take_the_rotary_groups_lines(fresh_agent) -> None:
    agent = fresh_agent()
    port = free_rotary_port()

    configure = typing("line vty 5 6", "rotary 1", "exit", f"ip ssh port {port} rotary 1", "end")
    out = await in_shell(agent.ssh_port, configure)
    out += await in_shell(agent.ssh_port, typing("show running-config | section vty 5|ip ssh port"))
    assert "% " not in out, out
    assert "line vty 5 6\n rotary 1" in out and f"ip ssh port {port} rotary 1" in out
    await asyncio.to_thread(agent.wait_for_output, rf"ip ssh port {port} rotary 1-1: listening")

    rotary = await users_seen_from(port)
    assert any(line.startswith("*") and "vty 5" in line for line in rotary.splitlines()), rotary
    main = await users_seen_from(agent.ssh_port)
    assert any(line.startswith("*") and "vty 0" in line for line in main.splitlines()), main

    await in_shell(agent.ssh_port, typing(f"no ip ssh port {port} rotary 1", "end"))
    await asyncio.to_thread(agent.wait_for_output, rf"ip ssh port {port} rotary 1-1: closed")
    with pytest.raises(OSError):
        await asyncssh.connect("127.0.0.1", port, known_hosts=None, username="admin", password=ADMIN_PASSWORD)
