"""``--egress``: a device sends nothing to a destination its policy refuses, and behaves as if it never answered.

No packet may leave the machine, so the refused destination is a loopback address outside the agent's policy:
the agents here run with ``--egress 127.0.0.1/32`` and the configuration names 127.0.0.9, where the test itself
listens. Whatever reached 127.0.0.9 would be seen there (a TCP connection, a UDP datagram), so "nothing was sent"
is observed, not assumed; the listener never answers, so a client that did connect would also wait out its
timeout instead of returning at once. The last test widens the policy and sees the same listener reached, which
proves the observation can fail.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from types import ModuleType
from typing import Protocol

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from namespaces import SNMP

REFUSED = "127.0.0.9"
NARROW = ("--egress", "127.0.0.1/32")
KEY = "tac-secret"
USER, PASSWORD = "ops15", "Ops-15-pw"  # known to the TACACS+ peer only, not to the device
FAR_TIMEOUT_S = 10  # what a login would wait if the refused server were contacted


class Agent(Protocol):
    """What these tests use of ``tests/conftest.py``'s AgentProcess."""

    ssh_port: int

    def log_text(self) -> str: ...
    def wait_for_output(self, pattern: str, count: int = 1, timeout: float = 20, after: int = 0) -> None: ...
    def commit(self, body: str) -> None: ...


class Peer(Protocol):
    """What these tests use of the TACACS+ peer (``tests/peers/tacacs_server.py``)."""

    @property
    def port(self) -> int: ...


class Listener:
    """A TCP listener on the refused address that records every connection; ``hold`` keeps them silent (a client
    then waits for its timeout), otherwise they are closed at once (a client fails over at once)."""

    def __init__(self, hold: bool) -> None:
        self.hold = hold
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._held: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> Listener:
        self._server = await asyncio.start_server(self._accept, REFUSED, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self.hold:
            self._held.append(writer)
        else:
            writer.close()

    async def __aexit__(self, *exc: object) -> None:
        for writer in self._held:
            writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@pytest.fixture
async def tacacs(tmp_path: Path, peers: Callable[[str], ModuleType]) -> AsyncIterator[Peer]:
    """The TACACS+ peer of tests/peers, in this test's event loop, on 127.0.0.1 (inside the policy)."""
    module = peers("tacacs_server")
    users = {USER: {"password": PASSWORD, "priv-lvl": 15}, "admin": {"password": ADMIN_PASSWORD, "priv-lvl": 15}}
    peer = module.TacacsPeer(module.write_config(tmp_path, KEY, users))
    await peer.start()
    yield peer
    await peer.stop()


async def start_agent(fresh_agent: Callable[..., Agent], *args: str) -> Agent:
    return await asyncio.to_thread(fresh_agent, *args)


def connect(
    agent: Agent, user: str = "admin", password: str = ADMIN_PASSWORD
) -> AbstractAsyncContextManager[asyncssh.SSHClientConnection]:
    """A password login on the device port."""
    address = ("127.0.0.1", agent.ssh_port)
    return asyncssh.connect(*address, username=user, password=password, known_hosts=None, preferred_auth="password")


async def cli(agent: Agent, *lines: str, answers: dict[str, str] | None = None) -> str:
    """Type ``lines`` on an interactive CLI session (``answers``: a reply to each question ending a line's output)."""
    async with connect(agent) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        ends = ("#", *(answers or {}))
        out = await asyncio.wait_for(proc.stdout.readuntil(ends), 20)
        for line in ("terminal length 0", *lines):
            proc.stdin.write(line + "\r")
            out += await asyncio.wait_for(proc.stdout.readuntil(ends), 20)
            for question, reply in (answers or {}).items():
                if out.endswith(question):
                    proc.stdin.write(reply + "\r")
                    out += await asyncio.wait_for(proc.stdout.readuntil(ends), 20)
        proc.stdin.write("exit\r")
        return out.replace("\r\n", "\n")


async def login_as(agent: Agent, user: str, password: str) -> str:
    """A password login on the device port; what ``show privilege`` says."""
    async with connect(agent, user, password) as conn:
        return str((await conn.run("show privilege", timeout=20)).stdout)


def tacacs_config(peer: Peer, far: Listener, far_timeout: int) -> list[str]:
    """FAR (the refused address) first in the group, the real peer second, then local."""
    return [
        "configure terminal",
        "aaa new-model",
        "tacacs server FAR",
        f" address ipv4 {REFUSED}",
        f" port {far.port}",
        f" key {KEY}",
        f" timeout {far_timeout}",
        "exit",
        "tacacs server TAC1",
        " address ipv4 127.0.0.1",
        f" port {peer.port}",
        f" key {KEY}",
        " timeout 5",
        "exit",
        "aaa group server tacacs+ TACG",
        " server name FAR",
        " server name TAC1",
        "exit",
        "aaa authentication login default group TACG local",
        "aaa authorization exec default group TACG local",
        "end",
    ]


def refusal(port: int, what: str) -> str:
    """The operator-console line of a refusal, as a regex."""
    return (
        rf"\[Router\] iosxe_agent\.device\.egress: egress to 127\.0\.0\.9:{port} \({re.escape(what)}\) refused"
        r" by --egress policy; allowed: 127\.0\.0\.1/32$"
    )


def lines_matching(agent: Agent, pattern: str) -> int:
    return sum(1 for line in agent.log_text().splitlines() if re.search(pattern, line))


async def test_tacacs_login_fails_over_past_a_refused_server_at_once(
    fresh_agent: Callable[..., Agent], tacacs: Peer
) -> None:
    agent = await start_agent(fresh_agent, *NARROW)
    async with Listener(hold=True) as far:
        out = await cli(agent, *tacacs_config(tacacs, far, FAR_TIMEOUT_S))
        assert "% Invalid" not in out and "% Incomplete" not in out, out
        for _ in range(2):
            started = time.monotonic()
            assert "Current privilege level is 15" in await login_as(agent, USER, PASSWORD)
            assert time.monotonic() - started < FAR_TIMEOUT_S / 2  # FAR's timeout was never waited for
        # both logins were decided by TAC1 after FAR (authentication and exec authorization each time) …
        await asyncio.to_thread(agent.wait_for_output, r"tacacs\+ server TAC1 author accept", 2)
        assert far.connections == 0  # … and not one connection reached the refused address
        assert lines_matching(agent, refusal(far.port, "tacacs+ server FAR")) == 1  # told once, not per login
        assert lines_matching(agent, r"tacacs\+ server FAR \(127\.0\.0\.9\) did not answer authen") == 2
        # show tacacs: FAR is a dead server no socket was ever opened to (2 attempts per login, this session's too)
        show = await cli(agent, "show tacacs")
        block = next(block for block in show.split("Tacacs+ Server") if REFUSED in block)
        for counter in (r"Socket opens: +0", r"Packets Sent: +0", r"Failed Connect Attempts: +6", r"Status: Dead"):
            assert re.search(counter, block), block


async def test_a_refused_trap_host_gets_nothing_and_a_loopback_receiver_its_traps(
    fresh_agent: Callable[..., Agent], peers: Callable[[str], ModuleType]
) -> None:
    agent = await start_agent(fresh_agent, *NARROW)
    receiver = peers("snmp_receiver").TrapReceiver(["public"])
    await receiver.start()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as far:
        far.bind((REFUSED, 0))
        far.setblocking(False)
        far_port = far.getsockname()[1]
        try:
            hosts = "".join(
                f"<ip-community-port><ip-address>{host}</ip-address><community-or-user>public</community-or-user>"
                f"<udp-port>{port}</udp-port><version>2c</version><trap-enable><tty/></trap-enable>"
                "</ip-community-port>"
                for host, port in ((REFUSED, far_port), ("127.0.0.1", receiver.port))
            )
            await asyncio.to_thread(
                agent.commit,
                f'<snmp-server><host-config xmlns="{SNMP}">{hosts}</host-config>'
                f'<enable xmlns="{SNMP}"><enable-choice><traps><tty/></traps></enable-choice></enable></snmp-server>',
            )
            await cli(agent, "debug snmp packet")  # each trap sent is then a console line
            await receiver.wait_for(1)  # the debug session's own end
            await login_as(agent, "admin", ADMIN_PASSWORD)
            await receiver.wait_for(2)
        finally:
            receiver.stop()
        with pytest.raises(BlockingIOError):
            far.recv(65536)  # nothing arrived at the refused host
    await asyncio.to_thread(agent.wait_for_output, r"SNMP: Packet sent via UDP to 127\.0\.0\.1$", 2)
    assert lines_matching(agent, r"Packet sent via UDP to 127\.0\.0\.9") == 0
    assert lines_matching(agent, refusal(far_port, "SNMP trap host")) == 1


async def test_device_ssh_and_copy_scp_to_a_refused_host_time_out_at_once(fresh_agent: Callable[..., Agent]) -> None:
    agent = await start_agent(fresh_agent, *NARROW)
    async with Listener(hold=True) as far:
        started = time.monotonic()
        out = await cli(
            agent,
            f"ssh -l admin -p {far.port} {REFUSED}",
            f"ssh -l admin -p {far.port} {REFUSED}",
            f"copy scp://admin:pw@{REFUSED}:{far.port}/cfg.txt flash:cfg.txt",
            answers={"? ": ""},
        )
        assert time.monotonic() - started < 20  # the ssh client's own connect timeout is 30 s
        assert out.count("% Connection timed out; remote host not responding") == 2, out
        assert f"%Error opening scp://admin@{REFUSED}:{far.port}/cfg.txt (Timed out)" in out, out
        assert far.connections == 0
    await asyncio.to_thread(agent.wait_for_output, "SSH2_CLOSE")  # printed after everything the session did
    assert lines_matching(agent, refusal(far.port, "ssh")) == 1
    assert lines_matching(agent, r"egress to 127\.0\.0\.9") == 1  # copy scp: went to the same destination


async def test_a_wider_egress_reaches_the_same_destinations(fresh_agent: Callable[..., Agent], tacacs: Peer) -> None:
    agent = await start_agent(fresh_agent, "--egress", "127.0.0.0/8")
    async with Listener(hold=False) as far:
        await cli(agent, *tacacs_config(tacacs, far, 2))
        assert "Current privilege level is 15" in await login_as(agent, USER, PASSWORD)
        assert far.connections == 2  # authentication and exec authorization asked FAR first; it hung up
        out = await cli(agent, f"ssh -l admin -p {far.port} {REFUSED}")
        assert far.connections == 5  # this session's own login asked FAR twice too, then the ssh client
    assert "% Connection timed out" not in out
    assert lines_matching(agent, "egress to") == 0
