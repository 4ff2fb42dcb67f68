"""The SSH listener's options follow the SSH view without redoing work a commit did not ask for
(iosxe_agent/device/ssh_service.py): a view that changes no listener option is not pushed to asyncssh again, a
changed login time is, and building the options never asks the resolver (asyncssh's ``gss_host`` look-up)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest import mock

import asyncssh
import pytest

from iosxe_agent.datastore.store import StorePaths, Stores
from iosxe_agent.device.debug import DebugFlags
from iosxe_agent.device.keys import KeyStore
from iosxe_agent.device.sessions import SessionInfo, SessionRegistry
from iosxe_agent.device.ssh_service import SshService, gss_host
from iosxe_agent.device.views import SshView
from iosxe_agent.limits import DEFAULT_LIMITS


async def _no_shell(process: asyncssh.SSHServerProcess[str], info: SessionInfo) -> None:
    process.exit(0)


@pytest.fixture
async def service(ios: Any, tmp_path: Path) -> AsyncIterator[SshService]:
    keys = KeyStore(tmp_path / "keys")
    assert keys.generate_rsa("host", hostname=None, domain=None, modulus=2048).ok
    stores = Stores(ios.schema, DEFAULT_LIMITS, StorePaths(None, None))
    svc = SshService(keys, stores, SessionRegistry(), "127.0.0.1", 0, _no_shell, lambda _line: None, DebugFlags())
    await svc.apply(SshView())
    assert svc.enabled
    yield svc
    await svc.stop()


async def test_only_a_view_that_changes_a_listener_option_is_pushed(service: SshService) -> None:
    acceptor = service._acceptor
    assert acceptor is not None
    view = service.view
    with (
        mock.patch.object(acceptor, "update", wraps=acceptor.update) as update,
        mock.patch.object(socket, "getfqdn", side_effect=AssertionError("resolver asked on a commit")),
    ):
        service.apply_soon(replace(view, maxstartups=view.maxstartups + 1, auth_retries=1))
        assert update.call_count == 0 and service.view.auth_retries == 1  # the view is swapped all the same
        service.apply_soon(replace(service.view, auth_timeout=view.auth_timeout + 7))  # read per connection
        assert update.call_count == 0 and service.view.auth_timeout == view.auth_timeout + 7
        service.apply_soon(replace(service.view, algorithms=replace(view.algorithms, encryption=("aes256-ctr",))))
        assert update.call_count == 1 and update.call_args.kwargs["gss_host"] == gss_host()
        assert update.call_args.kwargs["login_timeout"] == 0  # asyncssh's own login clock stays off
        service.apply_soon(replace(service.view, peruser_limit=2))
        assert update.call_count == 1


async def test_the_login_time_changed_after_the_listener_started_ends_the_next_silent_connection(
    service: SshService,
) -> None:
    service.apply_soon(replace(service.view, auth_timeout=1))  # `ip ssh time-out 1`, no listener update
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    try:
        assert (await reader.readline()).startswith(b"SSH-2.0-")
        assert await asyncio.wait_for(reader.read(), timeout=30) == b""  # closed by the device, not by us
    finally:
        writer.close()


def test_the_gss_host_is_what_asyncssh_would_compute() -> None:
    options = asyncssh.SSHServerConnectionOptions(server_host_keys=[asyncssh.generate_private_key("ssh-ed25519")])
    assert options.gss_host == gss_host()


SEED_LOGIN_CLOCK = "ip ssh time-out 1\nline vty 0 4\n login local\n transport input ssh\n"


async def test_a_login_completed_in_time_stops_its_clock() -> None:
    """The connection's own ``ip ssh time-out`` clock stops at the login, as asyncssh's did: a session outlives it."""
    import iosxe_agent  # the in-process device: its connections are there to be looked at

    password = "Login-clock-1"
    async with (
        iosxe_agent.Device("R9", admin_password=password, startup_config=SEED_LOGIN_CLOCK) as dev,
        asyncssh.connect(
            "127.0.0.1", dev.ssh_port, username=dev.username, password=password, known_hosts=None,
            client_keys=None, agent_path=None, preferred_auth="password",
        ) as conn,
    ):  # fmt: skip
        assert "R9 uptime is" in str((await conn.run("show version", check=False)).stdout)
        logged_in = list(dev._running().ssh.admission._users)
        assert logged_in and all(c.login_clock is None for c in logged_in)
