"""Issue 16, the freeze: regular expressions a user types can no longer hold the agent's event loop.

Before, a privilege-1 user's ``show clock | include ^(.*)*ZZ`` backtracked on the one event loop and every
session, login and SIGTERM waited for ever; an XPath filter's ``re-match()`` and YANG ``pattern`` checks had the
same exposure. Here the classic bombs are run over the real device SSH port and over NETCONF against a real
agent, and each answers at once while another NETCONF session keeps being served; the get-config latencies
measured meanwhile are printed (``-s``) and bounded.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from lxml import etree
from namespaces import IOS, NC
from raw_netconf import Netconf

VIEWER, VIEWER_PASSWORD = "rxviewer", "Viewer-pass1"
LONG_NAME = "a" * 60  # a running-config line on which a backtracking engine runs 2**60 paths
#: (command, who runs it): privilege 1 may filter show clock; show running-config needs privilege 15
BOMBS = [
    ("show clock | include ^(.*)*ZZ", VIEWER),
    ("show clock | include (.*a){25}ZZ", VIEWER),
    ("show running-config | include (a|aa)*b", "admin"),
    ("show running-config | include (a+)+$!", "admin"),
    ("show running-config | count ((a*)*)*c", "admin"),
]
ROUNDS = 20  # each bomb is typed this many times
COMMAND_TIMEOUT_S = 20.0  # far above what each bomb takes now; the old engine never finished
LATENCY_BOUND_S = 0.100  # the "another session's get-config within 100 ms"


@pytest.fixture(scope="module")
def users(agent) -> None:
    """A privilege-1 user, and a user whose name makes a long run of 'a' in the running-config."""
    m = agent.connect()
    try:
        m.edit_config(
            target="running",
            config=f'<config xmlns="{NC}"><native xmlns="{IOS}">'
            f"<username><name>{VIEWER}</name><privilege>1</privilege><secret><encryption>0</encryption>"
            f"<secret>{VIEWER_PASSWORD}</secret></secret></username>"
            f"<username><name>{LONG_NAME}</name><privilege>1</privilege><secret><encryption>0</encryption>"
            "<secret>Long-pass1</secret></secret></username></native></config>",
        )
    finally:
        m.close_session()


async def get_config(session: Netconf, message_id: int, select: str | None = None) -> tuple[float, etree._Element]:
    """Seconds from sending a get-config of running (with an XPath filter) to having its whole reply."""
    flt = "" if select is None else f'<filter type="xpath" xmlns:ios="{IOS}" select="{select}"/>'
    msg = f'<rpc xmlns="{NC}" message-id="{message_id}"><get-config><source><running/></source>{flt}</get-config></rpc>'
    start = time.perf_counter()
    reply = await session.call(msg.encode(), COMMAND_TIMEOUT_S)
    took = time.perf_counter() - start
    assert reply.find(f"{{{NC}}}data") is not None, etree.tostring(reply)
    return took, reply


async def _shell(agent, user: str) -> asyncssh.SSHClientProcess[str]:
    password = VIEWER_PASSWORD if user == VIEWER else ADMIN_PASSWORD
    conn = await asyncssh.connect("127.0.0.1", agent.ssh_port, username=user, password=password, known_hosts=None)
    proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
    await asyncio.wait_for(proc.stdout.readuntil(("#", ">")), COMMAND_TIMEOUT_S)
    await _send(proc, "terminal length 0")
    return proc


async def _send(proc: asyncssh.SSHClientProcess[str], line: str) -> str:
    proc.stdin.write(line + "\n")
    return str(await asyncio.wait_for(proc.stdout.readuntil(("#", ">")), COMMAND_TIMEOUT_S))


async def _bombs_alongside_get_config(agent, user: str, commands: list[str]) -> tuple[list[float], list[float]]:
    """Type the bombs ``ROUNDS`` times in one shell while a NETCONF session does get-config back to back; the
    seconds each bomb took to answer, and each get-config's latency."""
    proc = await _shell(agent, user)
    other = await Netconf.open(agent)
    await get_config(other, 0)  # warm: the session is up and its first reply is out
    took: list[float] = []

    async def bombs() -> None:
        for _ in range(ROUNDS):
            for command in commands:
                start = time.perf_counter()
                out = await _send(proc, command)
                took.append(time.perf_counter() - start)
                assert "% Invalid" not in out, out  # accepted as a filter, not refused

    task = asyncio.ensure_future(bombs())
    latencies: list[float] = []
    try:
        while not task.done():
            took_s, reply = await get_config(other, len(latencies) + 1)
            assert reply.find(f".//{{{IOS}}}hostname") is not None
            latencies.append(took_s)
        await task
    finally:
        task.cancel()
        proc.stdin.write("exit\n")
        proc.close()
        await other.close()
    return took, latencies


@pytest.mark.parametrize("user", [VIEWER, "admin"])
def test_cli_regex_bombs_answer_and_netconf_keeps_being_served(agent, users: None, user: str) -> None:
    commands = [c for c, who in BOMBS if who == user]
    took, latencies = asyncio.run(_bombs_alongside_get_config(agent, user, commands))
    assert len(took) == ROUNDS * len(commands) and latencies
    print(
        f"\n{user}: {len(took)} bomb commands, slowest {max(took) * 1000:.1f} ms; {len(latencies)} get-configs "
        f"alongside: median {statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    assert max(took) < COMMAND_TIMEOUT_S
    assert max(latencies) < LATENCY_BOUND_S


def test_bomb_filters_still_filter(agent, users: None) -> None:
    """The same engine still answers ordinary filters right (the fix is not "match nothing")."""

    async def run() -> tuple[str, str, str]:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as conn:
            out = [
                str((await conn.run(c, timeout=COMMAND_TIMEOUT_S)).stdout).replace("\r\n", "\n")
                for c in (
                    "show running-config | include ^username (a|aa)*a ",
                    "show running-config | include _a+_",
                    f"show running-config | count ^username {LONG_NAME[:5]}",
                )
            ]
            return out[0], out[1], out[2]

    alternation, underscore, count = asyncio.run(run())
    assert alternation.startswith(f"username {LONG_NAME} privilege 1")
    assert f"username {LONG_NAME} " in underscore
    assert count.strip() == "Number of lines which match regexp = 1"


def test_xpath_re_match_bomb_answers(agent, users: None) -> None:
    async def run() -> tuple[float, etree._Element, etree._Element]:
        session = await Netconf.open(agent)
        try:
            took, none = await get_config(session, 1, "/ios:native/ios:username[re-match(ios:name, '(a*)*b')]")
            _, some = await get_config(session, 2, "/ios:native/ios:username[re-match(ios:name, '(a|aa)+')]")
            return took, none, some
        finally:
            await session.close()

    took, none, some = asyncio.run(run())
    print(f"\nre-match bomb on a {len(LONG_NAME)}-character leaf: answered in {took * 1000:.1f} ms")
    assert none.find(f".//{{{IOS}}}username") is None
    assert [el.text for el in some.iter(f"{{{IOS}}}name")] == [LONG_NAME]
    assert took < COMMAND_TIMEOUT_S


def test_filter_regex_limit_reaches_the_cli(fresh_agent) -> None:
    """``--limit max_filter_regex_chars=N``: a longer filter is matched as plain text, as an invalid one is."""
    agent = fresh_agent("--limit", "max_filter_regex_chars=4")

    async def run() -> tuple[str, str]:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as conn:
            short = await conn.run("show privilege | include l.v", timeout=COMMAND_TIMEOUT_S)
            long = await conn.run("show privilege | include pr.v.lege", timeout=COMMAND_TIMEOUT_S)
            return str(short.stdout), str(long.stdout)

    short, long = asyncio.run(run())
    assert "Current privilege level is 15" in short
    assert "privilege" not in long  # "pr.v.lege" taken literally: no line contains it
