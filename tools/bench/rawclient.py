"""A minimal NETCONF 1.1 client on asyncssh, for timing the server without a client library's own latency.

ncclient polls its socket every 100 ms, so a request/reply through ncclient never takes less than ~0.1 s
whatever the server does; this client waits on the socket directly.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

import asyncssh

HELLO = (
    b'<?xml version="1.0" encoding="UTF-8"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
    b"<capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>]]>]]>"
)


class RpcFailed(Exception):
    """The server answered an RPC with ``<rpc-error>``: a benchmark must not time a failure as a success."""


class RawNetconf:
    """One session: ``await RawNetconf.open(...)``, then ``await rpc(body)`` returns the reply bytes."""

    def __init__(self, conn: asyncssh.SSHClientConnection, reader: asyncssh.SSHReader[bytes], writer) -> None:
        self._conn, self._reader, self._writer = conn, reader, writer
        self._buf = b""
        self._next_id = 1

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        user: str,
        password: str | None = None,
        client_keys: Sequence[asyncssh.SSHKey] = (),
    ) -> RawNetconf:
        """Connect, authenticate (password, or the already loaded ``client_keys``) and exchange hellos.

        Keys are passed loaded, never as paths: asyncssh would re-read and parse a key file on every connection.
        """
        conn = await asyncssh.connect(
            host, port, username=user, password=password, client_keys=list(client_keys) or None,
            known_hosts=None, agent_path=None,
        )  # fmt: skip
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        self = cls(conn, reader, writer)
        while b"]]>]]>" not in self._buf:
            self._buf += await reader.read(65536)
        self._buf = self._buf.split(b"]]>]]>", 1)[1]
        writer.write(HELLO)
        return self

    async def rpc(self, body: str) -> bytes:
        msg = f'<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="{self._next_id}">{body}</rpc>'
        self._next_id += 1
        data = msg.encode()
        self._writer.write(b"\n#%d\n" % len(data) + data + b"\n##\n")
        return await self._read_message()

    async def ok(self, body: str) -> bytes:
        """:meth:`rpc`, raising :class:`RpcFailed` (with the start of the reply) if the reply is an error."""
        reply = await self.rpc(body)
        if b"<rpc-error" in reply or b":rpc-error" in reply:
            raise RpcFailed(reply[:600].decode(errors="replace"))
        return reply

    async def _read_message(self) -> bytes:
        out = b""
        while True:
            while True:
                m = re.match(rb"\n#(\d+)\n|\n##\n", self._buf)
                if m:
                    break
                self._buf += await self._reader.read(1 << 20)
            self._buf = self._buf[m.end() :]
            if m.group(0) == b"\n##\n":
                return out
            size = int(m.group(1))
            while len(self._buf) < size:
                self._buf += await self._reader.read(1 << 20)
            out += self._buf[:size]
            self._buf = self._buf[size:]

    async def close(self) -> None:
        await self.rpc("<close-session/>")
        self._conn.close()
        await self._conn.wait_closed()


async def _demo() -> None:  # pragma: no cover - manual use
    s = await RawNetconf.open("127.0.0.1", 8830, "admin", "admin")
    print((await s.rpc("<get-config><source><running/></source></get-config>"))[:200])
    await s.close()


if __name__ == "__main__":  # pragma: no cover
    asyncio.run(_demo())
