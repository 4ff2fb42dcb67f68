"""Issue 14's second acceptance test: each example configuration of the SSH/SCP guide, uploaded with real
``scp -O`` to ``running-config`` of a fresh agent (SCP enabled first, as the guide requires), is taken whole —
scp succeeds and reports no refused line — and ``show running-config`` (typed through OpenSSH in a pty) then holds
each line in IOS XE's rendering. The data is tests/e2e/guide/configs.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from guide_package import guide
from lxml import etree
from namespaces import IOS
from openssh import needs_openssh_scp, scp_upload

from iosxe_agent.device.cli_map import render_config

GUIDE = guide()
configs = GUIDE.configs
driver = GUIDE.driver
TACACS_KEY = "guide-tac-key"


def show(device, command: str) -> str:
    """``command`` typed by the administrator in a pty session."""
    session = driver.Session(device.host, device.port, ADMIN_USER, ADMIN_PASSWORD)
    try:
        assert session.open(), session.transcript
        session.type("terminal length 0")
        return session.type(command)
    finally:
        session.close()


@needs_openssh_scp
@pytest.mark.slow
@pytest.mark.parametrize("example", configs.EXAMPLES, ids=lambda e: e.key)
def test_guide_example_configuration_uploads_whole(
    example, fresh_agent, peers: Callable[[str], ModuleType], tmp_path: Path
) -> None:
    key = GUIDE.keys.reader_key(tmp_path)
    context = {"user_key": key.key_string, "user_key_hash": key.key_hash, "tacacs_key": TACACS_KEY}
    with ExitStack() as stack:
        if example.needs_tacacs:
            users = {ADMIN_USER: {"password": ADMIN_PASSWORD, "priv-lvl": 15}}
            peer = GUIDE.peers.tacacs_peer(peers("tacacs_server").write_config, tmp_path, TACACS_KEY, users)
            context["tacacs_port"] = str(stack.enter_context(peer))
        agent = fresh_agent()
        device = driver.Device(agent.host, agent.ssh_port)
        driver.configure(device, ADMIN_USER, ADMIN_PASSWORD, (*configs.SCP_PREREQUISITES, *example.setup), context)
        upload = tmp_path / f"{example.key}.cfg"
        upload.write_text("".join(line.format_map(context) + "\n" for line in example.text))
        result = scp_upload(agent.ssh_port, upload, "running-config")
        if example.refused:
            assert result.returncode == 0 and example.refused in result.stderr, result.stderr
        else:
            assert result.returncode == 0, f"scp -O refused {example.key}: {result.stderr}"
            assert "%" not in result.stderr, result.stderr
        if example.refused:  # `ip ssh rsa keypair-name sshkeys` applied with no such key: SSH is off, as on IOS
            with agent.connect() as m:
                text = render_config(etree.fromstring(m.get_config("running").xml.encode()).find(f".//{{{IOS}}}native"))
            running = set(text.splitlines())
        else:
            running = {line.rstrip() for line in show(device, "show running-config").splitlines()}
        for line in example.has:
            assert line.format_map(context) in running, f"{example.key}: no `{line.format_map(context)}` in running"
        for line in example.lacks:
            assert line not in running, f"{example.key}: `{line}` still in running"
        for command, pattern in example.shows:
            output = show(device, command)
            assert re.search(pattern, output), f"{example.key}: {command} shows no {pattern!r}:\n{output}"
