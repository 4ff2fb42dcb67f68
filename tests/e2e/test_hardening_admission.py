"""No lock-out by idle connections (issue 16, item 4): each lock-out reproduced against the real agent, and shown
fixed.

Idle TCP floods come from other loopback addresses (127.0.0.2, 127.0.0.3 …) while the administrator logs in from
127.0.0.1; the flooding sockets never send a byte. A flooding socket the agent refuses sees the server's banner
and then EOF at once; one it admits stays open until the login time runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, add_user, limits
from namespaces import NC, NOTIF

HELLO = (
    f'<hello xmlns="{NC}"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability>'
    "</capabilities></hello>]]>]]>"
).encode()
GET = f'<rpc xmlns="{NC}" message-id="1"><get-config><source><running/></source></get-config></rpc>]]>]]>'.encode()
REFUSED_WITHIN = 3.0  # a refused socket sees EOF well within this; an admitted one waits for the login time


# -- idle TCP floods ----------------------------------------------------------------------------------------------
class Flood:
    """Idle TCP connections from several loopback addresses; each either held open by the agent or refused."""

    def __init__(self) -> None:
        self.streams: list[tuple[str, asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def open(self, port: int, source: str, count: int) -> None:
        """``count`` connections from ``source``, one after the other (so the agent sees them in this order)."""
        for _ in range(count):
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
            self.streams.append((source, reader, writer))
            await reader.readline()  # the server's version line: the agent has accepted and decided

    async def held(self) -> dict[str, int]:
        """Per source, how many connections are still open once the refused ones had time to see EOF."""

        async def alive(reader: asyncio.StreamReader) -> bool:
            try:
                await asyncio.wait_for(reader.read(), REFUSED_WITHIN)  # read() returns at EOF
            except TimeoutError:
                return True
            except ConnectionError:
                return False
            return False

        results = await asyncio.gather(*(alive(r) for _, r, _ in self.streams))
        counts: dict[str, int] = {}
        for (source, _, _), open_ in zip(self.streams, results, strict=True):
            counts[source] = counts.get(source, 0) + int(open_)
        return counts

    def close(self) -> None:
        for _, _, writer in self.streams:
            writer.close()


@contextlib.asynccontextmanager
async def flood() -> AsyncIterator[Flood]:
    f = Flood()
    try:
        yield f
    finally:
        f.close()


async def netconf_login(agent, user: str = "admin", password: str = ADMIN_PASSWORD, source: str = "127.0.0.1") -> None:
    """A NETCONF login and one get-config (raw EOM framing over an asyncssh channel)."""
    async with asyncssh.connect(
        "127.0.0.1", agent.netconf_port, username=user, password=password, known_hosts=None,
        local_addr=(source, 0), preferred_auth="password",
    ) as conn:  # fmt: skip
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        writer.write(HELLO + GET)
        data = b""
        while data.count(b"]]>]]>") < 2:
            chunk = await asyncio.wait_for(reader.read(65536), 30)
            assert chunk, data[-300:]
            data += chunk
        assert b"<data" in data and b"rpc-error" not in data, data[-300:]


async def device_login(agent, user: str = "admin", password: str = ADMIN_PASSWORD, source: str = "127.0.0.1") -> str:
    """A device SSH login running one exec command."""
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username=user, password=password, known_hosts=None,
        local_addr=(source, 0), preferred_auth="password",
    ) as conn:  # fmt: skip
        result = await asyncio.wait_for(conn.run("show privilege", check=False), 30)
        return str(result.stdout)


async def test_idle_flood_from_several_addresses_keeps_to_its_per_source_share(fresh_agent) -> None:
    """Before: 16 idle sockets (10 on the device port) refused every login for the whole login time. Now each
    flooding address holds at most max_unauthenticated_per_source waiting connections, the rest are refused at once,
    and the administrator logs in from 127.0.0.1 on both ports while the flood's sockets are still open."""
    agent = fresh_agent(*limits(max_unauthenticated_per_source=2, early_drop_start_percent=100, login_timeout_s=60))
    agent.commit("<ip><ssh><time-out>60</time-out></ssh></ip>")
    sources = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
    async with flood() as f:
        for port in (agent.netconf_port, agent.ssh_port):
            for source in sources:
                await f.open(port, source, 5)
        await netconf_login(agent)
        assert "privilege level is 15" in await device_login(agent)
        assert await f.held() == {s: 4 for s in sources}  # 2 per address on each of the 2 ports; 3 refused each


async def test_a_full_table_makes_room_for_a_new_address(fresh_agent) -> None:
    """With the default per-source bound, two flooding addresses fill the whole table (max_unauthenticated on
    NETCONF, ``ip ssh maxstartups`` on the device port). The lock-out is still there for a flooding address — its
    next login is refused — but a login from an address that holds fewer takes the place of the oldest waiting
    connection of the address that holds the most."""
    agent = fresh_agent(*limits(max_unauthenticated=6, early_drop_start_percent=100, login_timeout_s=60))
    agent.commit("<ip><ssh><maxstartups>6</maxstartups><time-out>60</time-out></ssh></ip>")
    async with flood() as f:
        for port in (agent.netconf_port, agent.ssh_port):
            await f.open(port, "127.0.0.2", 5)
            await f.open(port, "127.0.0.3", 5)
        assert await f.held() == {"127.0.0.2": 6, "127.0.0.3": 6}  # evened out at 3 + 3 per port
        with pytest.raises(asyncssh.DisconnectError, match=r"max_unauthenticated=6"):
            await netconf_login(agent, source="127.0.0.2")
        with pytest.raises(asyncssh.DisconnectError, match=r"ip ssh maxstartups 6"):
            await device_login(agent, source="127.0.0.2")
        await netconf_login(agent)
        assert "privilege level is 15" in await device_login(agent)


async def test_random_early_drop_falls_on_the_flooding_address(fresh_agent) -> None:
    """From half of the bound on, a flooding address's further connections are dropped (here with certainty:
    rate 100), while another address's first connection still gets in."""
    agent = fresh_agent(*limits(max_unauthenticated=8, early_drop_rate_percent=100, login_timeout_s=60))
    async with flood() as f:
        await f.open(agent.netconf_port, "127.0.0.2", 6)  # 4 below start (4 of 8), then 2 dropped
        await f.open(agent.netconf_port, "127.0.0.3", 2)  # the first is spared, the second dropped
        assert await f.held() == {"127.0.0.2": 4, "127.0.0.3": 1}
        await netconf_login(agent)


# -- one user holding everything ----------------------------------------------------------------------------------
async def test_one_user_cannot_hold_every_netconf_session(fresh_agent) -> None:
    """Before: 64 idle sessions of one user refused every other administrator. Now (defaults) one user holds at
    most max_sessions_per_user=16 of the 64, and another administrator logs in."""
    agent = fresh_agent()
    add_user(agent, "ops15", 15, "Ops15-pass")
    agent.wait_for_output(r"NETCONF session \d+ closed")  # add_user's own session is released before we count
    async with asyncssh.connect(
        "127.0.0.1", agent.netconf_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    ) as hog:
        channels = [await hog.open_session(subsystem="netconf", encoding=None) for _ in range(16)]
        with pytest.raises(asyncssh.ChannelOpenError, match="max_sessions_per_user=16"):
            await hog.open_session(subsystem="netconf", encoding=None)
        await netconf_login(agent, "ops15", "Ops15-pass")
        assert len(channels) == 16


@pytest.mark.parametrize("face", ["netconf", "device"])
async def test_connections_per_user_are_bounded(fresh_agent, face: str) -> None:
    """A user (privilege 1 on the device port) cannot hold unlimited authenticated connections: past
    max_connections_per_user the connection is closed after the login with a reason naming the bound."""
    agent = fresh_agent(*limits(max_connections_per_user=3))
    if face == "netconf":
        port, user, password, other = agent.netconf_port, "admin", ADMIN_PASSWORD, netconf_login
        add_user(agent, "ops15", 15, "Ops15-pass")
        agent.wait_for_output(r"NETCONF connection of admin from \S+ closed")  # add_user's login no longer counts
        other_user = ("ops15", "Ops15-pass")
    else:
        port, user, password, other = agent.ssh_port, "op1", "Op1-pass", device_login
        add_user(agent, "op1", 1, "Op1-pass")
        other_user = ("admin", ADMIN_PASSWORD)
    held = [
        await asyncssh.connect("127.0.0.1", port, username=user, password=password, known_hosts=None) for _ in range(3)
    ]
    try:
        extra = await asyncssh.connect("127.0.0.1", port, username=user, password=password, known_hosts=None)
        await asyncio.wait_for(extra.wait_closed(), 10)  # closed right after the login
        with pytest.raises((asyncssh.ChannelOpenError, asyncssh.DisconnectError)):
            await extra.open_session()
        await other(agent, *other_user)
    finally:
        for conn in held:
            conn.close()


# -- connections and sessions that just sit there ------------------------------------------------------------------
@pytest.mark.parametrize("port_name", ["netconf_port", "ssh_port"])
async def test_authenticated_connection_without_a_session_is_closed(fresh_agent, port_name: str) -> None:
    """Before: a connection that logged in and opened nothing was held for ever. Now it is closed after
    auth_idle_timeout_s, while a connection whose session is open stays."""
    agent = fresh_agent(*limits(auth_idle_timeout_s=1))
    port = getattr(agent, port_name)
    idle = await asyncssh.connect("127.0.0.1", port, username="admin", password=ADMIN_PASSWORD, known_hosts=None)
    busy = await asyncssh.connect("127.0.0.1", port, username="admin", password=ADMIN_PASSWORD, known_hosts=None)
    try:
        if port_name == "netconf_port":
            writer, reader, _ = await busy.open_session(subsystem="netconf", encoding=None)
        else:
            writer, reader, _ = await busy.open_session(term_type="vt100")
        await asyncio.wait_for(idle.wait_closed(), 10)
        writer.write(HELLO + GET if port_name == "netconf_port" else "show privilege\n")
        expected = b"<data" if port_name == "netconf_port" else "privilege level is 15"
        seen = await asyncio.wait_for(reader.readuntil(expected), 10)
        assert seen
    finally:
        busy.close()
        idle.close()


async def test_idle_netconf_session_is_closed_after_the_idle_time(fresh_agent) -> None:
    """Before: NETCONF sessions never timed out (idle_timeout_s was 0). Now they do (an hour by default; 2 s
    here): a session that completes no request is closed, its slot freed."""
    agent = fresh_agent(*limits(idle_timeout_s=2, max_sessions_per_user=1))
    async with asyncssh.connect(
        "127.0.0.1", agent.netconf_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        writer.write(HELLO)
        while await asyncio.wait_for(reader.read(65536), 15):
            pass  # the hello, then EOF when the idle time is up
    await netconf_login(agent)  # the one session this user may hold is free again


async def test_a_subscriber_is_not_idle(fresh_agent) -> None:
    """A session that only listens to a notification subscription completes no request either, but it is in use:
    the idle time does not end it (netconfd-pro's rule), while a session without one beside it is ended."""
    agent = fresh_agent(*limits(idle_timeout_s=1))
    async with asyncssh.connect(
        "127.0.0.1", agent.netconf_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        listener_w, listener_r, _ = await conn.open_session(subsystem="netconf", encoding=None)
        plain_w, plain_r, _ = await conn.open_session(subsystem="netconf", encoding=None)
        subscribe = f'<rpc xmlns="{NC}" message-id="1"><create-subscription xmlns="{NOTIF}"/></rpc>]]>]]>'
        listener_w.write(HELLO + subscribe.encode())
        plain_w.write(HELLO)
        data = b""
        while b"<ok/>" not in data:
            chunk = await asyncio.wait_for(listener_r.read(65536), 15)
            assert chunk, data[-300:]
            data += chunk
        while await asyncio.wait_for(plain_r.read(65536), 15):
            pass  # the plain session: its hello, then EOF after the idle time
        deadline = asyncio.get_running_loop().time() + 3  # three idle times: notifications may come, EOF not
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                chunk = await asyncio.wait_for(listener_r.read(65536), left)
            except TimeoutError:
                break
            assert chunk, "the subscriber's session was closed"
        listener_w.write(GET)
        data = b""
        while b"<data" not in data:
            chunk = await asyncio.wait_for(listener_r.read(65536), 15)
            assert chunk, data[-300:]
            data += chunk
