"""A raw base:1.1 NETCONF client on asyncssh for tests that misbehave on purpose or time the agent.

ncclient polls its socket every 100 ms and always reads what it is sent, so it can neither measure a latency
below that nor play a client that never reads; this one writes and reads exactly what a test says.
"""

from __future__ import annotations

import asyncio

import asyncssh
from agents import ADMIN_PASSWORD, ADMIN_USER
from framing import EOM, Deframer, chunk
from lxml import etree
from namespaces import NC

MB = 1024 * 1024
HELLO = (
    f'<hello xmlns="{NC}"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability>'
    "</capabilities></hello>"
).encode() + EOM


class Netconf:
    """A raw base:1.1 NETCONF session that may read its replies, or never read anything."""

    def __init__(self, conn: asyncssh.SSHClientConnection, writer, reader) -> None:
        self.conn, self.writer, self.reader = conn, writer, reader
        self.deframer = Deframer()

    @classmethod
    async def open(cls, agent, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, hello: bool = True) -> Netconf:
        """Log in, read the server's hello and (unless ``hello`` is false, for tests of the hello itself) send
        a base:1.1 hello."""
        conn = await asyncio.wait_for(
            asyncssh.connect("127.0.0.1", agent.netconf_port, username=user, password=password, known_hosts=None),
            30,
        )
        try:
            writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        except asyncssh.ChannelOpenError:
            conn.close()
            raise
        self = cls(conn, writer, reader)
        await self.reply(30)  # the server's hello
        if hello:
            writer.write(HELLO)
            self.deframer.chunked = True
        return self

    def send(self, msg: bytes) -> None:
        """``msg`` in chunks of at most 1 MB, without waiting for anything."""
        self.writer.write(chunk(msg, MB))

    async def call(self, msg: bytes, timeout: float = 60) -> etree._Element:
        self.send(msg)
        return await self.reply(timeout)

    async def rpc(self, body: str, message_id: str = "1") -> etree._Element:
        """``body`` as the operation of an ``<rpc>``; its reply."""
        return await self.call(f'<rpc xmlns="{NC}" message-id="{message_id}">{body}</rpc>'.encode())

    async def reply(self, timeout: float = 60) -> etree._Element:
        """The next message."""
        async with asyncio.timeout(timeout):
            while (msg := self.deframer.next_message()) is None:
                data = await self.reader.read(1 << 20)
                if not data:
                    raise EOFError("closed")
                self.deframer.feed(data)
        return etree.fromstring(msg.lstrip())

    async def closed_within(self, seconds: float) -> bool:
        """True if the server closes the channel within ``seconds`` (anything it sends meanwhile is kept)."""
        try:
            async with asyncio.timeout(seconds):
                while data := await self.reader.read(65536):
                    self.deframer.feed(data)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()
