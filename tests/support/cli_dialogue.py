"""An interactive IOS shell on an agent's SSH port, driven line by line, for commands that ask questions
(``copy``'s ``Destination filename [x]?``, ``Password:``): each step sends one line and waits for the text that
ends the device's answer, never for a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncssh
from agents import ADMIN_PASSWORD, ADMIN_USER

T = TypeVar("T")
#: the longest a single answer may take (an SCP transfer between two local agents is well under it)
STEP_TIMEOUT = 60.0


class Dialogue:
    """One shell session: :meth:`cmd` types a line and returns what the device printed up to the expected end."""

    def __init__(self, proc: asyncssh.SSHClientProcess[str]) -> None:
        self.proc = proc

    async def until(self, *endings: str) -> str:
        """What the device prints until one of ``endings`` (the prompt's ``#`` by default)."""
        text = await asyncio.wait_for(self.proc.stdout.readuntil(endings or ("#",)), STEP_TIMEOUT)
        return text.replace("\r\n", "\n")

    async def cmd(self, line: str, *endings: str) -> str:
        """Type ``line`` and Enter; the device's answer up to one of ``endings``."""
        self.proc.stdin.write(line + "\n")
        return await self.until(*endings)


async def in_shell(
    port: int,
    fn: Callable[[Dialogue], Awaitable[T]],
    user: str = ADMIN_USER,
    password: str = ADMIN_PASSWORD,
    host: str = "127.0.0.1",
) -> T:
    """Run ``fn`` in a privileged shell of the agent on ``host``:``port`` (``terminal length 0`` set)."""
    options: dict[str, Any] = {"known_hosts": None, "client_keys": None, "agent_path": None}
    async with asyncssh.connect(host, port, username=user, password=password, **options) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        shell = Dialogue(proc)
        await shell.until("#")
        await shell.cmd("terminal length 0")
        result = await fn(shell)
        proc.stdin.write("exit\n")
        return result


def cli(agent: Any, *lines: str) -> str:
    """Type ``lines`` in configuration mode (then ``end``) and return what the device printed."""

    async def run(shell: Dialogue) -> str:
        out = await shell.cmd("configure terminal")
        for line in lines:
            out += await shell.cmd(line)
        return out + await shell.cmd("end")

    return asyncio.run(in_shell(agent.ssh_port, run))


def show(agent: Any, command: str) -> str:
    """Run one exec ``command`` and return what the device printed."""

    async def run(shell: Dialogue) -> str:
        return await shell.cmd(command)

    return asyncio.run(in_shell(agent.ssh_port, run))
