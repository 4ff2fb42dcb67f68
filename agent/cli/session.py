"""Glue between the device SSH service and the shell: builds the session state from the live device."""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncssh

from agent.cli.shell import ExecState, enable_secret_of, line_idle_timeout, run_exec_session
from agent.device.sessions import SessionInfo

if TYPE_CHECKING:
    from agent.device.ssh_service import SshService


async def run_cli(process: asyncssh.SSHServerProcess[str], info: SessionInfo, service: SshService) -> None:
    """Run the exec shell for one authenticated session on line ``info.line``."""
    state = ExecState(
        info=info,
        hostname=lambda: service.policy.hostname,
        enable_secret=enable_secret_of(lambda: service.stores.running),
    )
    await run_exec_session(process, state, line_idle_timeout(service.policy.vty, info.line))
