"""Giving a test agent the candidate datastore, as an operator of a 17.12 box does.

A factory 17.12 box (and a fresh agent) has ``netconf-yang`` but no candidate datastore; most tests were written
for a box with ``netconf-yang feature candidate-datastore``, so the agent fixtures type that line at the CLI and
save it (``write memory``: a restart keeps it), exactly as a user would. The sessions opened afterwards get
``:candidate`` in their hello.
"""

from __future__ import annotations

import asyncio
import threading

from agents import ADMIN_PASSWORD, ADMIN_USER
from cli_dialogue import Dialogue, in_shell

LINE = "netconf-yang feature candidate-datastore"


async def _configure(shell: Dialogue) -> str:
    out = await shell.cmd("configure terminal")
    out += await shell.cmd(LINE)
    out += await shell.cmd("end")
    out += await shell.cmd("write memory", "[OK]")
    return out + await shell.until("#")


def enable_candidate(
    ssh_port: int, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, host: str = "127.0.0.1"
) -> None:
    """Configure and save the candidate feature on the agent whose SSH port is ``ssh_port`` (from synchronous
    code, also when the caller's thread runs an event loop)."""
    errors: list[BaseException] = []
    out: list[str] = []

    def run() -> None:
        try:
            out.append(asyncio.run(in_shell(ssh_port, _configure, user, password, host)))
        except BaseException as exc:  # handed to the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=run, name="enable-candidate")
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    assert "Invalid input" not in out[0], out[0]
