"""``login block-for`` on RESTCONF: wrong passwords over HTTPS count towards login quiet mode like those of SSH and
NETCONF, with the same IOS messages (the RESTCONF port as ``localport``); while quiet, every RESTCONF request is
refused with 401 whatever its credentials (a login remembered from before included), and so is SSH; when the
period ends RESTCONF answers again.
"""

from __future__ import annotations

import asyncio

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from restconf_client import SSH, Restconf, enable_restconf

BLOCK_FOR = 6
ATTEMPTS = 3
LOGIN_CONFIG = (
    "<login><on-failure><log/></on-failure>"
    f"<block-config><block-for>{BLOCK_FOR}</block-for><attempts>{ATTEMPTS}</attempts><within>120</within>"
    "</block-config></login>"
)


def status_as(rc: Restconf, password: str, user: str = ADMIN_USER) -> int:
    return rc.http("GET", rc.url(SSH), auth=(user, password)).status_code


async def ssh_login(port: int, password: str) -> bool:
    try:
        async with asyncssh.connect(
            "127.0.0.1", port, username=ADMIN_USER, password=password, known_hosts=None, kbdint_auth=False
        ) as conn:
            await conn.run("show privilege", timeout=30)
            return True
    except asyncssh.PermissionDenied:
        return False


async def show(port: int, command: str) -> str:
    async with asyncssh.connect(
        "127.0.0.1", port, username=ADMIN_USER, password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        return str((await conn.run(command, timeout=30)).stdout).replace("\r\n", "\n")


@pytest.mark.slow
def test_restconf_failures_start_quiet_mode_and_it_refuses_restconf(fresh_agent) -> None:
    agent = fresh_agent("--restconf-port", "0")
    rc = enable_restconf(agent)
    assert status_as(rc, ADMIN_PASSWORD) == 200  # remembered by the RESTCONF login cache from now on
    agent.commit(LOGIN_CONFIG)
    for attempt in range(ATTEMPTS):
        refused = rc.http("GET", rc.url(SSH), auth=("nobody", f"wrong-{attempt}"))
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Basic realm=")
    # quiet: the right password (and the login the cache remembers) is refused on RESTCONF and on SSH
    assert status_as(rc, ADMIN_PASSWORD) == 401
    assert not asyncio.run(ssh_login(agent.ssh_port, ADMIN_PASSWORD))
    # the device's log, read once quiet mode is over (no login works before): the event is its console line
    agent.wait_for_output("QUIET_MODE_OFF", timeout=BLOCK_FOR + 30)
    logged = asyncio.run(show(agent.ssh_port, "show logging"))
    assert "%SEC_LOGIN-1-QUIET_MODE_ON: Still timeleft for watching failures is " in logged
    assert (
        f"[user: nobody] [Source: 127.0.0.1] [localport: {rc.port}] "
        "[Reason: Login Authentication Failed] [ACL: sl_def_acl] at " in logged
    )
    assert f"%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: nobody] [Source: 127.0.0.1] [localport: {rc.port}]" in (
        logged
    )
    assert "%SEC_LOGIN-5-QUIET_MODE_OFF: Quiet Mode is OFF, because block period timed out at " in logged
    assert status_as(rc, ADMIN_PASSWORD) == 200
