"""Ending sessions from the CLI: ``clear line vty N``, ``clear ssh N`` and ``clear netconf-yang session ID``.

Each test holds several live sessions (asyncssh shells, ncclient sessions), clears one by the number the
device's own ``show`` commands give it, and checks that exactly that one ended and every other still works.
"""

from __future__ import annotations

import asyncio
import re
import time

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from lxml import etree

OPS_USER = (
    "<username><name>ops</name><privilege>15</privilege>"
    "<secret><encryption>0</encryption><secret>Ops-pass1</secret></secret></username>"
)


class Shell:
    """An interactive shell on the device SSH port."""

    def __init__(self, conn: asyncssh.SSHClientConnection, proc: asyncssh.SSHClientProcess[str]) -> None:
        self.conn = conn
        self.proc = proc

    @classmethod
    async def open(cls, agent, user: str = "admin", password: str = ADMIN_PASSWORD) -> Shell:
        conn = await asyncssh.connect("127.0.0.1", agent.ssh_port, username=user, password=password, known_hosts=None)
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        shell = cls(conn, proc)
        await shell.until("#")
        return shell

    async def until(self, *endings: str) -> str:
        return str(await asyncio.wait_for(self.proc.stdout.readuntil(endings), 30)).replace("\r\n", "\n")

    async def cmd(self, line: str, *endings: str) -> str:
        self.proc.stdin.write(line + "\n")
        return await self.until(*(endings or ("#",)))

    async def closed(self, within: float = 20) -> bool:
        """True once the device has dropped this shell's connection."""
        try:
            await asyncio.wait_for(self.conn.wait_closed(), within)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        self.conn.close()


def own_vty(show_users: str) -> int:
    """The vty index ``show users`` marks with ``*`` (the caller's own line)."""
    m = re.search(r"^\*\s*\d+ vty (\d+)", show_users, re.M)
    assert m, show_users
    return int(m.group(1))


@pytest.mark.parametrize("form", ["clear line vty {vty}", "clear line {absolute}"])
def test_clear_line_ends_that_line_only(fresh_agent, form: str) -> None:
    agent = fresh_agent()

    async def scenario() -> None:
        operator, victim, bystander = [await Shell.open(agent) for _ in range(3)]
        try:
            line = own_vty(await victim.cmd("show users"))
            assert await operator.cmd(form.format(vty=line, absolute=line + 2), "[confirm]")
            answer = await operator.cmd("", "#")
            assert " [OK]" in answer
            assert await victim.closed()
            assert "Current privilege level is 15" in await bystander.cmd("show privilege")
            assert "Current privilege level is 15" in await operator.cmd("show privilege")
            users = await operator.cmd("show users")
            assert f" vty {line} " not in users
        finally:
            for shell in (operator, victim, bystander):
                shell.close()

    asyncio.run(scenario())


def test_clear_line_can_be_declined(fresh_agent) -> None:
    agent = fresh_agent()

    async def scenario() -> None:
        operator, victim = [await Shell.open(agent) for _ in range(2)]
        try:
            line = own_vty(await victim.cmd("show users"))
            await operator.cmd(f"clear line vty {line}", "[confirm]")
            assert "[OK]" not in await operator.cmd("n", "#")
            assert "Current privilege level is 15" in await victim.cmd("show privilege")
        finally:
            operator.close()
            victim.close()

    asyncio.run(scenario())


def test_clear_ssh_ends_the_connection_show_ssh_numbers(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit(OPS_USER)

    async def scenario() -> None:
        operator = await Shell.open(agent)
        victim = await Shell.open(agent, user="ops", password="Ops-pass1")
        bystander = await Shell.open(agent)
        try:
            table = await operator.cmd("show ssh")
            numbers = {int(m.group(1)) for m in re.finditer(r"^(\d+)\s.*\sops\s*$", table, re.M)}
            assert len(numbers) == 1, table
            assert "%" not in await operator.cmd(f"clear ssh {numbers.pop()}")
            assert await victim.closed()
            assert "Current privilege level is 15" in await bystander.cmd("show privilege")
            assert " ops" not in await operator.cmd("show ssh")
            assert "% No SSH connection 4242" in await operator.cmd("clear ssh 4242")
        finally:
            for shell in (operator, victim, bystander):
                shell.close()

    asyncio.run(scenario())


def test_clear_netconf_yang_session_kills_that_session_and_frees_its_lock(fresh_agent) -> None:
    agent = fresh_agent()
    victim = agent.connect()
    bystander = agent.connect()
    try:
        victim.lock("running")

        async def operate() -> str:
            operator = await Shell.open(agent)
            try:
                table = await operator.cmd("show netconf-yang sessions")
                rows = {
                    int(m.group(1)): m.group(2)
                    for m in re.finditer(r"^(\d+)\s+netconf-ssh\s+admin\s+127\.0\.0\.1\s+(\S+)", table, re.M)
                }
                assert rows == {int(victim.session_id): "R", int(bystander.session_id): "None"}, table
                assert "Number of sessions : 2" in table
                cleared = await operator.cmd(f"clear netconf-yang session {victim.session_id}")
                assert "%" not in cleared
                missing = await operator.cmd("clear netconf-yang session 999999")
                assert "% Session 999999 does not exist" in missing
                deadline = time.monotonic() + 20
                while "Number of sessions : 1" not in (after := await operator.cmd("show netconf-yang sessions")):
                    assert time.monotonic() < deadline, after
                    await asyncio.sleep(0.1)
                return after
            finally:
                operator.close()

        after = asyncio.run(operate())
        assert f"{bystander.session_id} " in after
        deadline = time.monotonic() + 20
        while victim.connected:
            assert time.monotonic() < deadline, "the cleared NETCONF session is still up"
            time.sleep(0.1)
        bystander.lock("running")  # the victim's lock went with it
        bystander.unlock("running")
        reply = bystander.get_config(
            "running",
            filter=("subtree", '<native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><hostname/></native>'),
        )
        assert etree.fromstring(reply.xml.encode()).find(".//{*}hostname") is not None
    finally:
        bystander.close_session()
