"""The SSH listener's options follow the SSH view without redoing work a commit did not ask for
(iosxe_agent/device/ssh_service.py): a view that changes no listener option is not pushed to asyncssh again, a
changed login time is, and building the options never asks the resolver (asyncssh's ``gss_host`` look-up)."""

from __future__ import annotations

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
        service.apply_soon(replace(service.view, auth_timeout=view.auth_timeout + 7))
        assert update.call_count == 1 and update.call_args.kwargs["login_timeout"] == float(view.auth_timeout + 7)
        assert update.call_args.kwargs["gss_host"] == gss_host()
        service.apply_soon(replace(service.view, auth_timeout=view.auth_timeout + 7, peruser_limit=2))
        assert update.call_count == 1
    assert acceptor._options.login_timeout == float(view.auth_timeout + 7)  # what the next connection gets


def test_the_gss_host_is_what_asyncssh_would_compute() -> None:
    options = asyncssh.SSHServerConnectionOptions(server_host_keys=[asyncssh.generate_private_key("ssh-ed25519")])
    assert options.gss_host == gss_host()
