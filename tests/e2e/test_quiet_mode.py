"""IOS login quiet mode (``login block-for S attempts N within T``) on both login ports, with real clients.

N wrong passwords, from the device SSH port (asyncssh) and the NETCONF port (ncclient) together, put the device in
quiet mode: the right password is then refused on both ports, ``show login`` says so and ``show logging`` has the
SEC_LOGIN messages; when S seconds have passed the device logs QUIET_MODE_OFF by itself and logins work again. An
administrator's session opened before the attack keeps working throughout (IOS refuses new logins only).
"""

from __future__ import annotations

import asyncio
import time

import asyncssh
from agents import ADMIN_PASSWORD
from ncclient.transport.errors import AuthenticationError

BLOCK_FOR = 6
LOGIN_CONFIG = (
    "<login><on-failure><log/></on-failure><on-success><log/></on-success>"
    f"<block-config><block-for>{BLOCK_FOR}</block-for><attempts>3</attempts><within>120</within></block-config>"
    "</login>"
)


async def ssh_login(agent, password: str, user: str = "admin") -> bool:
    """One password attempt on the device SSH port (keyboard-interactive off, so it is exactly one)."""
    try:
        async with asyncssh.connect(
            "127.0.0.1",
            agent.ssh_port,
            username=user,
            password=password,
            known_hosts=None,
            client_keys=None,
            kbdint_auth=False,
        ) as conn:
            await conn.run("show privilege", timeout=30)
            return True
    except asyncssh.PermissionDenied:
        return False


async def netconf_login(agent, password: str, user: str = "admin") -> bool:
    """One password attempt on the NETCONF port with ncclient."""

    def attempt() -> bool:
        try:
            agent.connect(user=user, password=password).close_session()
            return True
        except AuthenticationError:
            return False

    return await asyncio.to_thread(attempt)


async def run(conn: asyncssh.SSHClientConnection, command: str) -> str:
    """An exec command on an already authenticated connection (a new channel needs no new login)."""
    return str((await conn.run(command, timeout=30)).stdout).replace("\r\n", "\n")


def test_failures_on_both_ports_block_every_login_until_the_period_ends(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit(LOGIN_CONFIG)

    async def scenario() -> None:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as admin:
            before = await run(admin, "show login")
            assert "Router presently in Normal-Mode." in before
            assert f"logins will be disabled for {BLOCK_FOR} seconds." in before

            assert not await netconf_login(agent, "wrong-1")
            assert not await ssh_login(agent, "wrong-2")
            assert "Present login failure count 2." in await run(admin, "show login")
            assert not await ssh_login(agent, "wrong-3", user="nobody")  # the 3rd failure: quiet mode

            assert not await ssh_login(agent, ADMIN_PASSWORD)  # the right password is refused on both ports
            assert not await netconf_login(agent, ADMIN_PASSWORD)
            during = await run(admin, "show login")
            assert "Router presently in Quiet-Mode." in during
            assert "Denying logins from all sources." in during

            logged = await run(admin, "show logging")
            assert "%SEC_LOGIN-1-QUIET_MODE_ON: Still timeleft for watching failures is " in logged
            assert (
                f"[user: nobody] [Source: 127.0.0.1] [localport: {agent.ssh_port}] "
                "[Reason: Login Authentication Failed] [ACL: sl_def_acl] at " in logged
            )
            assert "%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: admin] [Source: 127.0.0.1] " in logged
            assert f"[localport: {agent.netconf_port}] [Reason: Login Authentication Failed]" in logged

            deadline = time.monotonic() + BLOCK_FOR + 30
            while "Normal-Mode" not in await run(admin, "show login"):
                assert time.monotonic() < deadline, "quiet mode did not end"
                await asyncio.sleep(0.5)
            assert "%SEC_LOGIN-5-QUIET_MODE_OFF: Quiet Mode is OFF, because block period timed out at " in await run(
                admin, "show logging"
            )
            assert "Present login failure count 0." in await run(admin, "show login")

        assert await ssh_login(agent, ADMIN_PASSWORD)
        assert await netconf_login(agent, ADMIN_PASSWORD)

    asyncio.run(scenario())


def test_logins_work_without_block_for_however_many_failures(fresh_agent) -> None:
    agent = fresh_agent()

    async def scenario() -> None:
        for i in range(4):
            assert not await ssh_login(agent, f"wrong-{i}")
        assert await ssh_login(agent, ADMIN_PASSWORD)
        assert await netconf_login(agent, ADMIN_PASSWORD)

    asyncio.run(scenario())


CLI_LINES = (
    "login block-for 100 attempts 3 within 60",
    "login delay 2",
    "login on-failure log every 5",
    "login on-success log",
)


def test_login_commands_in_the_cli_show_run_and_netconf(fresh_agent) -> None:
    agent = fresh_agent()

    async def scenario() -> tuple[str, str]:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as conn:
            proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
            await asyncio.wait_for(proc.stdout.readuntil("#"), 30)
            for line in ("configure terminal", *CLI_LINES, "end"):
                proc.stdin.write(line + "\n")
                echo = await asyncio.wait_for(proc.stdout.readuntil("#"), 30)
                assert "%" not in echo, echo
            proc.stdin.write("exit\n")
            return await run(conn, "show running-config | include ^login"), await run(conn, "show login")

    running, login = asyncio.run(scenario())
    assert running.strip().splitlines() == list(CLI_LINES)
    assert "A login delay of 2 seconds is applied." in login
    assert "Every 5 failed login is logged." in login
    assert "If more than 3 login failures occur in 60 seconds or less," in login
    m = agent.connect()
    try:
        flt = '<native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><login/></native>'
        xml = m.get_config("running", filter=("subtree", flt)).xml
    finally:
        m.close_session()
    for text in ("<block-for>100</block-for>", "<attempts>3</attempts>", "<within>60</within>", "<delay>2</delay>"):
        assert text in xml
