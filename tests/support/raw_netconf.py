"""A raw base:1.1 NETCONF client on asyncssh for tests that misbehave on purpose or time the agent.

ncclient polls its socket every 100 ms and always reads what it is sent, so it can neither measure a latency
below that nor play a client that never reads; this one writes and reads exactly what a test says.
"""

from __future__ import annotations

import asyncio

import asyncssh
from lxml import etree

NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
MB = 1024 * 1024
PASSWORD = "Adm1n-pass"  # the admin password of the tests' agents (tests/conftest.py)
HELLO = (
    f'<hello xmlns="{NC}"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability>'
    "</capabilities></hello>]]>]]>"
).encode()


def chunk(msg: bytes) -> bytes:
    """``msg`` framed in base:1.1 chunks of at most 1 MB."""
    parts = (msg[i : i + MB] for i in range(0, len(msg), MB))
    return b"".join(b"\n#%d\n" % len(part) + part for part in parts) + b"\n##\n"


class Netconf:
    """A raw base:1.1 NETCONF session that may read its replies, or never read anything."""

    def __init__(self, conn: asyncssh.SSHClientConnection, writer, reader) -> None:
        self.conn, self.writer, self.reader = conn, writer, reader
        self.buf = b""

    @classmethod
    async def open(cls, agent, password: str = PASSWORD) -> Netconf:
        conn = await asyncio.wait_for(
            asyncssh.connect("127.0.0.1", agent.netconf_port, username="admin", password=password, known_hosts=None),
            30,
        )
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        self = cls(conn, writer, reader)
        while b"]]>]]>" not in self.buf:
            self.buf += await asyncio.wait_for(reader.read(65536), 30)
        self.buf = self.buf.split(b"]]>]]>", 1)[1]
        writer.write(HELLO)
        return self

    async def call(self, msg: bytes, timeout: float = 60) -> etree._Element:
        self.writer.write(chunk(msg))
        return await self.reply(timeout)

    async def reply(self, timeout: float = 60) -> etree._Element:
        """The next message, de-chunked."""
        out = b""
        async with asyncio.timeout(timeout):
            while True:
                while self.buf.startswith(b"\n#"):
                    if self.buf.startswith(b"\n##\n"):
                        self.buf = self.buf[4:]
                        return etree.fromstring(out.lstrip())
                    end = self.buf.find(b"\n", 2)
                    if end < 0:
                        break
                    size = int(self.buf[2:end])
                    if len(self.buf) < end + 1 + size:
                        break
                    out += self.buf[end + 1 : end + 1 + size]
                    self.buf = self.buf[end + 1 + size :]
                data = await self.reader.read(1 << 20)
                if not data:
                    raise EOFError("closed")
                self.buf += data

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()
