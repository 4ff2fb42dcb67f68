"""The physical floor: a bare asyncssh NETCONF 1.1 responder that answers every RPC with a fixed ``<ok/>``.

Run as its own process (``python3 floor.py``; it prints its port) so that it, like the servers, has a core of
its own. Its session set-up and RPC round trip are what SSH + framing alone cost on this machine: whatever a
server takes beyond them is the server's own work.
"""

from __future__ import annotations

import asyncio
import re

import asyncssh

USER, PASSWORD = "bench", "floor"
HELLO = (
    b'<?xml version="1.0" encoding="UTF-8"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
    b"<capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities>"
    b"<session-id>1</session-id></hello>]]>]]>"
)
_REPLY = b'<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="%s"><ok/></rpc-reply>'
_CHUNK = re.compile(rb"\n#(\d+)\n")
_END = b"\n##\n"
_MESSAGE_ID = re.compile(rb'message-id="([^"]*)"')


class _Server(asyncssh.SSHServer):
    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == USER and password == PASSWORD


async def _session(reader: asyncssh.SSHReader[bytes], writer: asyncssh.SSHWriter[bytes]) -> None:
    """Hello, then echo an ``<ok/>`` with the request's message-id for every chunked message until EOF."""
    writer.write(HELLO)
    buf = b""
    while b"]]>]]>" not in buf:
        data = await reader.read(65536)
        if not data:
            return
        buf += data
    buf = buf.split(b"]]>]]>", 1)[1]
    while True:
        while _END not in buf:
            data = await reader.read(1 << 20)
            if not data:
                writer.close()
                return
            buf += data
        message, buf = buf.split(_END, 1)
        body = _CHUNK.sub(b"", message)
        m = _MESSAGE_ID.search(body)
        reply = _REPLY % (m.group(1) if m else b"")
        writer.write(b"\n#%d\n%s\n##\n" % (len(reply), reply))
        if b"close-session" in body:
            writer.close()
            return


async def _process(process: asyncssh.SSHServerProcess[bytes]) -> None:
    await _session(process.stdin, process.stdout)
    process.exit(0)


async def _main() -> None:
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)  # as IOS XE's host key
    server = await asyncssh.listen(
        "127.0.0.1", 0, server_factory=_Server, server_host_keys=[key], process_factory=_process,
        encoding=None, line_editor=False, allow_pty=False,
    )  # fmt: skip
    server_port = server.sockets[0].getsockname()[1]
    print(f"floor on 127.0.0.1:{server_port}", flush=True)
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(_main())
