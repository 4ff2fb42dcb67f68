"""The guide's debug output on a real agent: ``debug ip ssh`` (full, ``detail``, ``packet``), ``debug ip scp`` and
``debug snmp packet``, watched from a ``terminal monitor`` session while real clients log in, copy and leave.

Each switch is turned on in one session; another client (asyncssh with a pty and a shell, OpenSSH ``ssh`` with a
command, OpenSSH ``scp -O``) does what the guide's sample did; the monitoring session must show the guide's line
forms, stamped as the device log stamps them, and only the restricted set for ``detail``/``packet``. SNMP uses the
guide's two configuration lines (the address made 127.0.0.1, a ``udp-port`` of a real trap receiver's), typed and
uploaded with ``scp``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER, add_user, uniq
from openssh import needs_openssh_scp, scp_upload, ssh_command

PROMPT = "Router#"
#: One line of the device log as a monitoring terminal gets it: ``*Dec  7 00:14:46.042: MESSAGE`` (the first one
#: after a prompt follows it on the same line: ``Router#*Dec  7 …``).
STAMPED = re.compile(r"\*[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: (.*)$")
#: Packet-level lines in the words of the guide's ``debug ip ssh packet`` sample.
PACKET_FORMS = (
    r"ssh_receive: \d+ bytes received",
    r"send:packet of length \d+ \(length also includes padlen of \d+\)",
    r"input: total packet length of \d+ bytes",
    r"input: padlength \d+ bytes",
    r"MAC compared for #\d+ :ok",
    r"signature length \d+",
    r"newkeys: mode [01]",
    r"channel window adjust message received \d+",
)


class Monitor:
    """A privileged session with ``terminal monitor``: it types commands and keeps every line it is shown."""

    def __init__(self, conn: asyncssh.SSHClientConnection, proc: asyncssh.SSHClientProcess[str]) -> None:
        self.conn = conn
        self.proc = proc
        self.seen = ""

    async def until(self, ending: str, timeout: float = 30) -> str:
        text = str(await asyncio.wait_for(self.proc.stdout.readuntil(ending), timeout)).replace("\r\n", "\n")
        self.seen += text
        return text

    async def cmd(self, line: str, expect: str = "") -> str:
        """Type ``line``; read up to ``expect`` (when given), then to the prompt. With ``debug ip ssh`` on, this
        session's own keystrokes print lines too, each followed by the prompt redrawn: ``expect`` is what tells
        the command's answer from a redrawn prompt (one line: the stream's line ends are ``\\r\\n``)."""
        self.proc.stdin.write(line + "\n")
        text = await self.until(expect) if expect else ""
        return text + await self.until(PROMPT)

    async def configure(self, *lines: str) -> str:
        """``configure terminal``, the lines, ``end``: what the device answered until the exec prompt is back."""
        self.proc.stdin.write("".join(f"{line}\n" for line in ("configure terminal", *lines, "end")))
        return await self.until(PROMPT)

    def messages(self) -> list[str]:
        """The stamped log lines seen so far, without their stamps (a multi-line message: its first line)."""
        return [m.group(1) for line in self.seen.split("\n") if (m := STAMPED.search(line))]

    def following(self, stamped: str) -> list[str]:
        """The unstamped lines that follow the stamped message ``stamped`` (its continuation lines)."""
        lines = self.seen.split("\n")
        start = next(i for i, line in enumerate(lines) if line.endswith(": " + stamped))
        rest: list[str] = []
        for line in lines[start + 1 :]:
            if STAMPED.search(line) or not line.strip():
                break
            rest.append(line.strip())
        return rest


async def monitor(agent: Any) -> AsyncIterator[Monitor]:
    conn = await asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username=ADMIN_USER, password=ADMIN_PASSWORD, known_hosts=None
    )
    proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
    watcher = Monitor(conn, proc)
    await watcher.until(PROMPT)
    await watcher.cmd("terminal length 0")
    await watcher.cmd("terminal monitor")
    try:
        yield watcher
    finally:
        await watcher.cmd("undebug all", "All possible debugging has been turned off")
        proc.stdin.write("exit\n")
        await asyncio.wait_for(proc.stdout.read(), 30)  # read to the end: unread output would hold the exit back
        conn.close()
        await asyncio.wait_for(conn.wait_closed(), 30)


@pytest.fixture
async def mon(agent: Any) -> AsyncIterator[Monitor]:
    async for watcher in monitor(agent):
        yield watcher


async def shell_login(agent: Any, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD) -> int:
    """What the guide's sample did: a login with a pty (24x80) and a shell, then ``exit``; the client's port."""
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username=user, password=password, known_hosts=None
    ) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(80, 24))
        await asyncio.wait_for(proc.stdout.readuntil("#"), 30)
        proc.stdin.write("exit\n")
        await asyncio.wait_for(proc.wait_closed(), 30)
        return int(conn.get_extra_info("sockname")[1])


def connection_of(messages: list[str]) -> int:
    """The number of the one connection whose start the monitor saw."""
    (number,) = {
        int(m.group(1)) for text in messages if (m := re.fullmatch(r"SSH(\d+): starting SSH control process", text))
    }
    return number


def of_connection(messages: list[str], number: int) -> list[str]:
    """The lines about connection ``number`` (and the kex lines, which name none)."""
    mine = (f"SSH{number}: ", f"SSH2 {number}: ", "SSH2: kex", "SSH2:kex")
    return [text for text in messages if text.startswith(mine)]


def in_order(lines: list[str], patterns: list[str]) -> None:
    """Each pattern matches a line, later patterns later lines."""
    at = 0
    for pattern in patterns:
        found = next((i for i in range(at, len(lines)) if re.fullmatch(pattern, lines[i])), None)
        assert found is not None, f"{pattern!r} not found after line {at}:\n" + "\n".join(lines)
        at = found + 1


# -- debug ip ssh ---------------------------------------------------------------------------------------------------
async def test_debug_ip_ssh_shows_a_login_as_the_guides_sample(agent: Any, mon: Monitor) -> None:
    await mon.cmd("debug ip ssh", "Incoming ssh debugging is on")
    assert "SSH:\n  Incoming ssh debugging is on" in await mon.cmd("show debugging", "Incoming ssh debugging is on")
    await shell_login(agent)
    await mon.until("Session terminated normally")
    n = connection_of(mon.messages())
    lines = of_connection(mon.messages(), n)
    in_order(
        lines,
        [
            rf"SSH{n}: starting SSH control process",
            rf"SSH{n}: sent protocol version id SSH-2\.0-Cisco-1\.25",
            rf"SSH2 {n}: ssh_receive: \d+ bytes received",  # the client's version and KEXINIT
            rf"SSH2 {n}: send: len \d+ \(includes padlen \d+\)",
            rf"SSH{n}: protocol version id is - SSH-2\.0-AsyncSSH_\S+",
            rf"SSH2 {n}: SSH2_MSG_KEXINIT sent",
            rf"SSH2 {n}: SSH2_MSG_KEXINIT received",
            r"SSH2: kex: client->server \S+ \S+ none",
            r"SSH2: kex: server->client \S+ \S+ none",
            rf"SSH2 {n}: expecting SSH2_MSG_KEX(DH|_ECDH)_INIT",
            rf"SSH2 {n}: input: packet len \d+",
            rf"SSH2 {n}: received packet type 30",
            rf"SSH2 {n}: SSH2_MSG_KEX(DH|_ECDH)_INIT received",
            rf"SSH2 {n}: signature length \d+",
            r"SSH2: kex_derive_keys complete",
            rf"SSH2 {n}: newkeys: mode 1",
            rf"SSH2 {n}: SSH2_MSG_NEWKEYS sent",
            rf"SSH2 {n}: waiting for SSH2_MSG_NEWKEYS",
            rf"SSH2 {n}: newkeys: mode 0",
            rf"SSH2 {n}: SSH2_MSG_NEWKEYS received",
            rf"SSH2 {n}: MAC #\d+ ok",
            rf"SSH2 {n}: received packet type 5",
            rf"SSH2 {n}: done calc MAC out #\d+",
            rf"SSH2 {n}: authentication successful for {ADMIN_USER}",
            rf"SSH2 {n}: channel open request",
            rf"SSH2 {n}: pty-req request",
            rf"SSH2 {n}: setting TTY - requested: height 24, width 80; set: height 24, width 80",
            rf"SSH2 {n}: shell request",
            rf"SSH2 {n}: shell message received",
            rf"SSH2 {n}: starting shell for vty",
            rf"SSH2 {n}: received packet type 94",  # the `exit` typed
            rf"SSH{n}: Session terminated normally",
        ],
    )
    stamped = [line for line in mon.seen.split("\n") if f"SSH2 {n}: " in line]
    assert stamped and all(STAMPED.search(line) for line in stamped)  # stamped as the device log stamps
    await mon.cmd("show logging", f"SSH2 {n}: authentication successful for {ADMIN_USER}")  # the buffer has it


async def test_debug_ip_ssh_detail_shows_protocol_and_channel_requests_only(agent: Any, mon: Monitor) -> None:
    await mon.cmd("debug ip ssh detail", "ssh detail messages debugging is on")
    result = await asyncio.to_thread(ssh_command, agent.ssh_port, "show privilege")  # OpenSSH, an exec session
    assert "Current privilege level is 15" in result.stdout, result.stderr
    await mon.until("Session terminated normally")
    n = connection_of(mon.messages())
    lines = of_connection(mon.messages(), n)
    in_order(
        lines,
        [
            rf"SSH{n}: starting SSH control process",
            rf"SSH{n}: sent protocol version id SSH-2\.0-Cisco-1\.25",
            rf"SSH{n}: protocol version id is - SSH-2\.0-OpenSSH_.+",
            rf"SSH2 {n}: SSH2_MSG_KEXINIT sent",
            rf"SSH2 {n}: SSH2_MSG_KEXINIT received",
            r"SSH2:kex: client->server enc:\S+ mac:\S+",
            r"SSH2:kex: server->client enc:\S+ mac:\S+",
            rf"SSH2 {n}: SSH2_MSG_KEX(DH|_ECDH)_INIT received",
            r"SSH2: kex_derive_keys complete",
            rf"SSH2 {n}: SSH2_MSG_NEWKEYS sent",
            rf"SSH2 {n}: SSH2_MSG_NEWKEYS received",
            rf"SSH2 {n}: using method (password|keyboard-interactive)",
            rf"SSH2 {n}: authentication successful for {ADMIN_USER}",
            rf"SSH2 {n}: channel open request",
            rf"SSH2 {n}: exec request",
            rf"SSH{n}: Session terminated normally",
        ],
    )
    packet_words = ("send:", "send: len", "input:", "MAC", "received packet type", "newkeys", "signature length")
    assert not [line for line in lines if any(word in line for word in packet_words)]
    assert not any(line.startswith("SSH2: kex: ") for line in lines)  # the full debug's wording


async def test_debug_ip_ssh_packet_shows_packet_lines_only(agent: Any, mon: Monitor) -> None:
    await mon.cmd("debug ip ssh packet", "ssh packet debugging is on")
    await shell_login(agent)
    await mon.cmd(
        "undebug ip ssh packet", "ssh packet debugging is off"
    )  # the rest of the teardown is not needed: what was shown is checked
    numbers = {int(m.group(1)) for text in mon.messages() if (m := re.match(r"SSH2 (\d+): ", text))}
    assert numbers, mon.seen
    n = max(numbers)  # the newest connection is the login's (the monitor's own typing is older)
    lines = [text.removeprefix(f"SSH2 {n}: ") for text in mon.messages() if text.startswith(f"SSH2 {n}: ")]
    assert all(any(re.fullmatch(form, line) for form in PACKET_FORMS) for line in lines), lines
    in_order(
        lines,
        [
            r"send:packet of length \d+ \(length also includes padlen of \d+\)",  # our KEXINIT
            r"ssh_receive: \d+ bytes received",
            r"input: total packet length of \d+ bytes",  # theirs
            r"signature length \d+",
            r"newkeys: mode 1",
            r"newkeys: mode 0",
            r"MAC compared for #\d+ :ok",
        ],
    )
    assert not any("SSH control process" in text or "SSH2:kex" in text for text in mon.messages())


async def test_a_failed_password_and_the_disconnect_are_shown(agent: Any, mon: Monitor) -> None:
    await mon.cmd("debug ip ssh detail", "ssh detail messages debugging is on")
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect(
            "127.0.0.1",
            agent.ssh_port,
            username=ADMIN_USER,
            password="not-the-password",
            known_hosts=None,
            preferred_auth="password",
        )
    await mon.until("Session disconnected - error 0x")
    await mon.until("\r\n")  # the rest of that line
    n = connection_of(mon.messages())
    lines = of_connection(mon.messages(), n)
    in_order(
        lines,
        [
            rf"SSH2 {n}: using method password",
            rf"SSH2 {n}: password authentication failed for {ADMIN_USER}",
            rf"SSH{n}: Session disconnected - error 0x[0-9A-F]{{2}}",
        ],
    )
    assert not any("authentication successful" in line for line in lines)


async def test_a_refused_key_and_a_login_timeout_are_shown(agent: Any, mon: Monitor) -> None:
    await mon.cmd("debug ip ssh detail", "ssh detail messages debugging is on")
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username=ADMIN_USER, client_keys=[stranger], known_hosts=None,
            preferred_auth="publickey", agent_path=None,
        )  # fmt: skip
    await mon.until(f"publickey authentication failed for {ADMIN_USER}")
    await mon.configure("ip ssh time-out 1")
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", agent.ssh_port)
        await reader.readline()  # the device's version line; then the client says nothing until the time-out
        await mon.until("Session disconnected - error 0x0A")  # asyncssh's connection-lost code
        writer.close()
    finally:
        await mon.configure("no ip ssh time-out")
    starts = [
        int(m.group(1)) for t in mon.messages() if (m := re.fullmatch(r"SSH(\d+): starting SSH control process", t))
    ]
    key, silent = starts
    in_order(
        of_connection(mon.messages(), key),
        [
            rf"SSH2 {key}: using method publickey",
            rf"SSH2 {key}: publickey authentication failed for {ADMIN_USER}",
            rf"SSH{key}: Session disconnected - error 0x[0-9A-F]{{2}}",
        ],
    )
    # it never sent its version, so no key exchange began (its number may be 2: "SSH2: kex…" lines name none)
    assert [text for text in of_connection(mon.messages(), silent) if "kex" not in text] == [
        f"SSH{silent}: starting SSH control process",
        f"SSH{silent}: sent protocol version id SSH-2.0-Cisco-1.25",
        f"SSH{silent}: Session disconnected - error 0x0A",
    ]


async def test_undebug_and_show_debugging(mon: Monitor) -> None:
    for command, on in (
        ("debug ip ssh", "Incoming ssh debugging is on"),
        ("debug ip ssh detail", "ssh detail messages debugging is on"),
        ("debug ip ssh client", "SSH Client debugging is on"),
        ("debug ip scp", "Incoming scp debugging is on"),
        ("debug snmp packet", "SNMP packet debugging is on"),
    ):
        await mon.cmd(command, on)
    shown = await mon.cmd("show debugging", "  SNMP packet debugging is on")
    assert "IOSXE Conditional Debug Configs:" in shown and "Packet Infra debugs:" in shown
    assert (
        "SSH:\n  Incoming ssh debugging is on\n  ssh detail messages debugging is on\n  SSH Client debugging is on\n"
        "\nSCP:\n  Incoming scp debugging is on\n\nSNMP:\n  SNMP packet debugging is on"
    ) in shown
    await mon.cmd("no debug ip ssh detail", "ssh detail messages debugging is off")
    await mon.cmd("undebug ip ssh client", "SSH Client debugging is off")
    shown = await mon.cmd("show debugging", "  SNMP packet debugging is on")
    assert "SSH:\n  Incoming ssh debugging is on\n\nSCP:\n  Incoming scp debugging is on\n" in shown
    await mon.cmd("no debug all", "All possible debugging has been turned off")
    assert "debugging is on" not in await mon.cmd("show debugging", "----------|----------")


# -- debug ip scp ---------------------------------------------------------------------------------------------------
@needs_openssh_scp
async def test_debug_ip_scp_says_why_a_transfer_is_refused(agent: Any, mon: Monitor, tmp_path: Path) -> None:
    src = tmp_path / "d.txt"
    src.write_text("debug ip scp\n")
    await mon.cmd("debug ip scp", "Incoming scp debugging is on")
    await mon.configure("no ip scp server enable")
    refused = await asyncio.to_thread(scp_upload, agent.ssh_port, src, "flash:d.txt")
    assert refused.returncode != 0
    await mon.until("send <ERR: ip scp server enable is not configured>")
    assert any(
        re.fullmatch(
            rf"SCP: \[{agent.ssh_port} <- 127\.0\.0\.1:\d+\] recv request by user {ADMIN_USER}, privilege level 15 "
            r"\(login local\); aaa new-model, aaa authorization exec default, no ip scp server enable",
            text,
        )
        for text in mon.messages()
    ), mon.seen

    await mon.configure("ip scp server enable")
    low, password = uniq("lvl"), "Low-pass-1"
    await asyncio.to_thread(add_user, agent, low, 1, password)
    refused = await asyncio.to_thread(scp_upload, agent.ssh_port, src, "flash:d.txt", user=low, password=password)
    assert refused.returncode != 0
    await mon.until("send <ERR: privilege level 1 is below 15>")
    assert any(f"recv request by user {low}, privilege level 1 (login local)" in text for text in mon.messages())

    granted = await asyncio.to_thread(scp_upload, agent.ssh_port, src, "flash:d.txt")
    assert granted.returncode == 0, granted.stderr
    await mon.until("recv 13 bytes")
    last = [text for text in mon.messages() if text.startswith("SCP: ")][-3:]
    peer = re.fullmatch(rf"SCP: \[{agent.ssh_port} <- (127\.0\.0\.1:\d+)\] recv request by user .*", last[0])
    assert peer is not None and last[0].endswith("aaa authorization exec default, ip scp server enable"), last
    assert last[1:] == [
        f"SCP: [{agent.ssh_port} -> {peer.group(1)}] send <OK>",
        f"SCP: [{agent.ssh_port} <- {peer.group(1)}] recv 13 bytes",
    ]


# -- SNMP: the guide's configuration and debug snmp packet ------------------------------------------------------------
async def test_the_guides_two_snmp_lines_send_the_tty_trap_and_debug_shows_it(
    agent: Any, mon: Monitor, peers: Callable[[str], ModuleType]
) -> None:
    receiver = peers("snmp_receiver").TrapReceiver(["public"])
    await receiver.start()
    try:
        host_line = f"snmp-server host 127.0.0.1 public udp-port {receiver.port} tty"
        configured = await mon.configure("snmp-server", host_line)
        assert not re.search(r"% (Invalid|Incomplete|Ambiguous)", configured), configured  # both lines accepted
        running = await mon.cmd("show running-config | include snmp-server", "tty")
        assert f"snmp-server host 127.0.0.1 public udp-port {receiver.port}  tty" in running
        assert "\nsnmp-server\n" not in running  # the bare line enables the agent; IOS prints no line for it

        await mon.cmd("debug snmp packet", "SNMP packet debugging is on")
        client_port = await shell_login(agent)
        (trap,) = await receiver.wait_for(1, timeout=20)
        await mon.until("SNMP: Packet sent via UDP to 127.0.0.1")
    finally:
        receiver.stop()
    in_order(
        mon.messages(),
        [
            r"SNMP: Queuing packet to 127\.0\.0\.1",
            r"SNMP: V1 Trap, ent cisco, addr 127\.0\.0\.1, gentrap 6, spectrap 1",
            r"SNMP: Packet sent via UDP to 127\.0\.0\.1",
        ],
    )
    conn = f"127.0.0.1.{agent.ssh_port}.127.0.0.1.{client_port}"
    varbinds = mon.following("SNMP: V1 Trap, ent cisco, addr 127.0.0.1, gentrap 6, spectrap 1")
    elapsed, bytes_in, bytes_out = (trap.value(f"1.3.6.1.4.1.9.2.6.1.1.{c}") for c in (5, 1, 2))
    line = trap.oid("1.3.6.1.4.1.9.2.9.2.1.18").rsplit(".", 1)[1]
    assert varbinds == [
        f"local.9.3.1.1.{line}.1 = 6",
        f"tcpConnEntry.1.{conn} = 4",
        f"ltcpConnEntry.5.{conn} = {elapsed}",
        f"ltcpConnEntry.1.{conn} = {bytes_in}",
        f"ltcpConnEntry.2.{conn} = {bytes_out}",
        f"local.9.2.1.18.{line} = {ADMIN_USER}",
    ]
    assert bytes_in > 0 and bytes_out > 0
    assert not [text for text in mon.messages() if "public" in text]  # no debug line shows the community


@needs_openssh_scp
async def test_the_guides_snmp_lines_uploaded_with_scp(
    fresh_agent: Any, peers: Callable[[str], ModuleType], tmp_path: Path
) -> None:
    agent = await asyncio.to_thread(fresh_agent)
    receiver = peers("snmp_receiver").TrapReceiver(["public"])
    await receiver.start()
    try:
        config = tmp_path / "snmp.cfg"
        config.write_text(f"snmp-server\nsnmp-server host 127.0.0.1 public udp-port {receiver.port} tty\n")
        async for watcher in monitor(agent):
            await watcher.configure("ip scp server enable")
            uploaded = await asyncio.to_thread(scp_upload, agent.ssh_port, config, "running-config")
            assert uploaded.returncode == 0, uploaded.stderr
            await shell_login(agent)
            (trap,) = await receiver.wait_for(1, timeout=20)
            assert trap.value("1.3.6.1.4.1.9.2.9.2.1.18") == ADMIN_USER.encode()
    finally:
        receiver.stop()
