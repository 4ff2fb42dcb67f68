"""Banners as an SSH client sees them, configured as people do: typed interactively with any delimiter, sent by
netmiko, and over NETCONF. The login banner arrives as the SSH authentication banner before login; the motd and
exec banners start an interactive shell and never the output of ``ssh host COMMAND``; NETCONF reads and writes
``/native/banner/*/banner`` and cannot store a text ``show running-config`` could not print."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path
from typing import Any, cast

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from lxml import etree
from namespaces import IOS, NC
from ncclient.operations.rpc import RPCError
from openssh import needs_openssh_scp, scp_upload

NS = {"ios": IOS}
PROMPT = "Router(config)#"


class Client(asyncssh.SSHClient):
    """Records what the server sends around authentication, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def auth_banner_received(self, msg: str, lang: str) -> None:
        self.events.append("banner:" + msg)

    def auth_completed(self) -> None:
        self.events.append("authenticated")


async def _connect(agent: Any) -> tuple[asyncssh.SSHClientConnection, Client]:
    conn, client = await asyncssh.create_connection(
        Client, "127.0.0.1", agent.ssh_port, username=ADMIN_USER, password=ADMIN_PASSWORD, known_hosts=None
    )
    return conn, cast(Client, client)


async def _read(proc: asyncssh.SSHClientProcess[str], *endings: str) -> str:
    raw = tuple(e.replace("\n", "\r\n") for e in endings)  # a pty ends lines in CR LF
    out = await asyncio.wait_for(proc.stdout.readuntil(raw), 30)
    return out.replace("\r\n", "\n")


async def _type_banners(agent: Any) -> list[str]:
    """Configure the three banners in an interactive shell; what the device printed after each line."""
    conn, _ = await _connect(agent)
    printed = []
    async with conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        await _read(proc, "#")
        for line, ending in [
            ("configure terminal", PROMPT),
            ("banner motd #", "'#'.\n"),
            ("Message of the day?", "\n"),
            ("", "\n"),
            ("  for $(hostname)  # ignored", PROMPT),
            ("banner login ^CAuthorized access only^C", PROMPT),
            ("banner exec %Welcome%", PROMPT),
            ("end", "Router#"),
        ]:
            proc.stdin.write(line + "\n")
            printed.append(await _read(proc, ending))
        proc.stdin.write("exit\n")
    return printed


async def _log_in(agent: Any, command: str | None) -> tuple[list[str], str]:
    """Log in; (the client's events, what an interactive shell prints before its first prompt or what
    ``command`` prints)."""
    conn, client = await _connect(agent)
    async with conn:
        if command is not None:
            result = await conn.run(command, timeout=30)
            shown = str(result.stdout).replace("\r\n", "\n")
        else:
            proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
            shown = await _read(proc, "Router#")
            proc.stdin.write("exit\n")
    return client.events, shown


def _running_banner(agent: Any, kind: str) -> str | None:
    m = agent.connect()
    try:
        flt = f'<native xmlns="{IOS}"><banner/></native>'
        root = etree.fromstring(m.get_config("running", filter=("subtree", flt)).xml.encode())
        return root.findtext(f".//ios:banner/ios:{kind}/ios:banner", namespaces=NS)
    finally:
        m.close_session()


def test_typed_banners_reach_ssh_logins_netconf_and_running_config(fresh_agent: Any) -> None:
    agent = fresh_agent()
    printed = asyncio.run(_type_banners(agent))
    assert printed[1].endswith("Enter TEXT message.  End with the character '#'.\n")
    assert "% " not in "".join(printed[1:7]) and "Router(config)#" not in "".join(printed[2:4])  # no prompt inside
    assert _running_banner(agent, "motd") == "\nMessage of the day?\n\n  for $(hostname)  "
    assert _running_banner(agent, "login") == "Authorized access only"

    events, start = asyncio.run(_log_in(agent, None))
    assert events == ["banner:Authorized access only", "authenticated"]  # before login, as IOS XE over SSHv2
    motd = start.index("Message of the day?\n\n  for Router  \n")
    assert start.index("Welcome\n") > motd  # motd, then the exec banner, then the prompt
    assert start.endswith("Welcome\nRouter#")

    events, out = asyncio.run(_log_in(agent, "show running-config"))
    assert events[0] == "banner:Authorized access only"
    assert "Welcome" not in out.split("Building configuration")[0]  # no session banners for a command
    assert "banner exec ^CWelcome^C\nbanner login ^CAuthorized access only^C\n" in out
    assert "banner motd ^C\nMessage of the day?\n\n  for $(hostname)  ^C\n" in out

    m = agent.connect()
    try:
        delete = f'<motd xmlns:nc="{NC}" nc:operation="delete"/>'
        m.edit_config(
            target="running", config=f'<config><native xmlns="{IOS}"><banner>{delete}</banner></native></config>'
        )
        with pytest.raises(RPCError) as refused:
            m.edit_config(
                target="running", config=f'<config><native xmlns="{IOS}"><banner><exec><banner>a ^C b</banner>'
                "</exec></banner></native></config>"
            )  # fmt: skip
        assert refused.value.tag == "invalid-value"
    finally:
        m.close_session()
    _, start = asyncio.run(_log_in(agent, None))
    assert "Message of the day" not in start and start.endswith("Welcome\nRouter#")


def test_netmiko_sends_a_multi_line_banner_and_netconf_sees_it(fresh_agent: Any) -> None:
    netmiko = pytest.importorskip("netmiko")
    agent = fresh_agent()
    conn = netmiko.ConnectHandler(
        device_type="cisco_xe", host="127.0.0.1", port=agent.ssh_port, username=ADMIN_USER,
        password=ADMIN_PASSWORD, allow_agent=False, use_keys=False, fast_cli=False,
    )  # fmt: skip
    try:
        out = conn.send_config_set(["banner motd ^C", "Line one", "Line two", "^C", "hostname R2"])
        assert "% " not in out
    finally:
        conn.disconnect()
    assert _running_banner(agent, "motd") == "\nLine one\nLine two\n"


@needs_openssh_scp
def test_openssh_shows_the_login_banner_and_an_scp_upload_sets_banners(fresh_agent: Any, tmp_path: Path) -> None:
    agent = fresh_agent()
    agent.commit("<ip><scp><server><enable/></server></scp></ip>")  # IOS serves SCP only with ip scp server enable
    config = tmp_path / "banners.cfg"
    config.write_text("hostname R3\nbanner login ^C\nNo entry\n  unless authorized\n^C\nbanner exec #Hi#\nend\n")
    done = scp_upload(agent.ssh_port, config, "running-config")
    assert done.returncode == 0, done.stderr
    assert _running_banner(agent, "login") == "\nNo entry\n  unless authorized\n"
    # OpenSSH prints the authentication banner on stderr (LogLevel INFO); the command's output has no banner
    cmd = [
        "sshpass", "-e", "ssh", "-p", str(agent.ssh_port), "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=INFO", "-o", "PubkeyAuthentication=no",
        "-o", "IdentityAgent=none", f"{ADMIN_USER}@127.0.0.1", "show running-config | include hostname",
    ]  # fmt: skip
    env = {**os.environ, "SSHPASS": ADMIN_PASSWORD}
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=env)
    assert run.returncode == 0, run.stderr
    assert "No entry\n  unless authorized\n" in run.stderr.replace("\r\n", "\n")
    assert run.stdout.strip() == "hostname R3"
