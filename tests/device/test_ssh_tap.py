"""The SSH packet tap on a live asyncssh connection: the owner sees every packet, asyncssh's own log is unchanged.

The tap asks asyncssh's packet log only when asyncssh's debug level would write it
(:mod:`iosxe_agent.device.ssh_tap`); both sides of that gate are checked here against what asyncssh writes, and
the owner's packets against the channel data that really went through.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator

import asyncssh
import pytest
from asyncssh.logging import SSHLogger

from iosxe_agent.device import ssh_tap

MSG_CHANNEL_DATA = 94


class _Observer(asyncssh.SSHServer):
    """A server owner that wants its packets, as the device SSH server does while ``debug ip ssh`` is on."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, bytes]] = []
        self.received: list[tuple[int, bytes]] = []
        self.reads = 0

    def begin_auth(self, username: str) -> bool:
        return False

    def wants_packets(self) -> bool:
        return True

    def bytes_received(self, count: int) -> None:
        self.reads += count

    def packet_sent(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> None:
        self.sent.append((pkttype, payload))

    def packet_received(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> None:
        self.received.append((pkttype, payload))


async def _echo(process: asyncssh.SSHServerProcess[bytes]) -> None:
    data = await process.stdin.read(5)
    process.stdout.write(data.upper())
    process.exit(0)


@pytest.fixture
async def owners() -> AsyncIterator[tuple[list[_Observer], int]]:
    ssh_tap.install()
    made: list[_Observer] = []

    def factory() -> _Observer:
        made.append(_Observer())
        return made[-1]

    key = asyncssh.generate_private_key("ssh-ed25519")
    server = await asyncssh.listen(
        "127.0.0.1", 0, server_factory=factory, server_host_keys=[key], process_factory=_echo, encoding=None
    )
    try:
        yield made, int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()


async def _exchange(port: int) -> bytes:
    async with asyncssh.connect("127.0.0.1", port, known_hosts=None, username="u") as conn:
        result = await conn.run("echo", input=b"hello", encoding=None)
    assert isinstance(result.stdout, bytes)
    return result.stdout


class _Records(logging.Handler):
    """asyncssh's packet log records (those carrying the packet's bytes)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.packets: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "packet"):
            self.packets.append(record)


@pytest.fixture
def records() -> Iterator[_Records]:
    logger = logging.getLogger("asyncssh")
    handler, level, debug = _Records(), logger.level, SSHLogger._debug_level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)
    asyncssh.set_debug_level(debug)


def _data(packets: list[tuple[int, bytes]]) -> bytes:
    """The channel data carried by ``packets`` (type, recipient channel, string length, then the bytes)."""
    return b"".join(payload[9:] for pkttype, payload in packets if pkttype == MSG_CHANNEL_DATA)


@pytest.mark.parametrize("level", [1, 2, 3])
async def test_the_owner_sees_each_packet_and_asyncssh_logs_as_its_debug_level_says(
    owners: tuple[list[_Observer], int], records: _Records, level: int
) -> None:
    made, port = owners
    asyncssh.set_debug_level(level)
    assert await _exchange(port) == b"HELLO"
    await asyncio.sleep(0.05)  # the server's side of the close
    (owner,) = made
    assert _data(owner.received) == b"hello"
    assert _data(owner.sent) == b"HELLO"
    assert owner.reads > 0
    assert all(payload[0] == pkttype for pkttype, payload in owner.sent + owner.received)
    if level >= 3:  # both connection ends log here: the server's packets are among them
        assert len(records.packets) >= len(owner.sent) + len(owner.received)
    else:
        assert records.packets == []


class _Handler:
    """A key exchange, authentication or channel handler: it holds its connection in ``_conn``."""

    def __init__(self, conn: object) -> None:
        self._conn = conn


def test_a_handler_leads_to_its_connection() -> None:
    conn = asyncssh.SSHServerConnection.__new__(asyncssh.SSHServerConnection)
    assert ssh_tap._connection(conn) is conn
    assert ssh_tap._connection(_Handler(conn)) is conn
    assert ssh_tap._connection(_Handler(None)) is None  # a closed channel
    assert ssh_tap._connection(object()) is None
