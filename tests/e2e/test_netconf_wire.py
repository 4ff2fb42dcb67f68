"""Wire-level end-to-end tests of the NETCONF server (RFC 6241 / RFC 6242) against a real agent process.

The tests talk raw bytes over an SSH ``netconf`` subsystem channel opened with asyncssh, through a small
client defined here (:class:`WireSession`). Its de-framing is written independently of
``agent/netconf/framing.py`` on purpose: a bug shared by the server's framer and the test's reader would
otherwise go unnoticed.

Hostile-input tests check three things after each attack: the agent process is still alive, a fresh ncclient
session can still read the running configuration, and that configuration is byte-for-byte (after C14N) what it
was before the attack.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncssh
import pytest
from lxml import etree

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NATIVE_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
BASE_10 = "urn:ietf:params:netconf:base:1.0"
BASE_11 = "urn:ietf:params:netconf:base:1.1"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "Adm1n-pass"
EOM = b"]]>]]>"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8"?>'
NSX = {"nc": NC_NS}

# The client hellos worth distinguishing: base:1.0 only keeps end-of-message framing; offering base:1.1
# (alone, as scrapli does, or with base:1.0) switches both sides to chunked framing after the hellos.
HELLO_VARIANTS = {
    "base10": (BASE_10,),
    "base11": (BASE_11,),
    "both": (BASE_10, BASE_11),
}

# RFC 6241 Appendix A (normative): the error-types each error-tag may carry.
ALLOWED_ERROR_TYPES = {
    "in-use": {"protocol", "application"},
    "invalid-value": {"protocol", "application"},
    "too-big": {"transport", "rpc", "protocol", "application"},
    "missing-attribute": {"rpc", "protocol", "application"},
    "bad-attribute": {"rpc", "protocol", "application"},
    "unknown-attribute": {"rpc", "protocol", "application"},
    "missing-element": {"protocol", "application"},
    "bad-element": {"protocol", "application"},
    "unknown-element": {"protocol", "application"},
    "unknown-namespace": {"protocol", "application"},
    "access-denied": {"protocol", "application"},
    "lock-denied": {"protocol"},
    "resource-denied": {"transport", "rpc", "protocol", "application"},
    "rollback-failed": {"protocol", "application"},
    "data-exists": {"application"},
    "data-missing": {"application"},
    "operation-not-supported": {"protocol", "application"},
    "operation-failed": {"rpc", "protocol", "application"},
    "partial-operation": {"application"},
    "malformed-message": {"rpc"},
}


# ---------------------------------------------------------------------------------------------------------------
# An independent RFC 6242 reader and a raw NETCONF-over-SSH client
# ---------------------------------------------------------------------------------------------------------------
class WireFramingError(Exception):
    """The server sent bytes that are not valid RFC 6242 framing."""


class SessionClosed(Exception):
    """The server closed the channel before a complete message arrived."""


_CHUNK_HEADER = re.compile(rb"\n#([1-9][0-9]{0,9})\n")
_END_OF_CHUNKS = b"\n##\n"
# What the start of a chunk header or end-of-chunks marker looks like before all of it has arrived.
_PARTIAL_HEADER = re.compile(rb"\n?|\n#|\n##|\n#[1-9][0-9]{0,9}")


class Deframer:
    """Splits the server's byte stream into messages: ``]]>]]>``-terminated, or RFC 6242 §4.2 chunks."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.chunked = False

    def feed(self, data: bytes) -> None:
        self.buffer += data

    def next_message(self) -> bytes | None:
        """The oldest complete message, removed from the buffer; None if none is complete yet."""
        return self._next_chunked() if self.chunked else self._next_eom()

    def _next_eom(self) -> bytes | None:
        end = self.buffer.find(EOM)
        if end < 0:
            return None
        msg = bytes(self.buffer[:end])
        del self.buffer[: end + len(EOM)]
        return msg

    def _next_chunked(self) -> bytes | None:
        buf = self.buffer
        pos = 0
        parts: list[bytes] = []
        while True:
            if buf.startswith(_END_OF_CHUNKS, pos):
                if not parts:
                    raise WireFramingError("end-of-chunks before any chunk")
                del buf[: pos + len(_END_OF_CHUNKS)]
                return b"".join(parts)
            m = _CHUNK_HEADER.match(buf, pos)
            if m is None:
                if _PARTIAL_HEADER.fullmatch(bytes(buf[pos : pos + 13])):
                    return None  # a header is still arriving
                raise WireFramingError(f"bad chunk header at {pos}: {bytes(buf[pos : pos + 16])!r}")
            size = int(m.group(1))
            if size > 4294967295:
                raise WireFramingError(f"chunk-size {size} exceeds the RFC 6242 maximum")
            start = m.end()
            if len(buf) < start + size:
                return None  # chunk data still arriving
            parts.append(bytes(buf[start : start + size]))
            pos = start + size


def chunk(msg: bytes, sizes: Iterable[int] | int | None = None) -> bytes:
    """Frame ``msg`` in base:1.1 chunks: one chunk, chunks of a fixed size, or of the sizes given in turn."""
    if sizes is None:
        sizes = len(msg)
    if isinstance(sizes, int):
        step = sizes
        pieces = [msg[i : i + step] for i in range(0, len(msg), step)]
    else:
        pieces, pos = [], 0
        it = iter(sizes)
        while pos < len(msg):
            n = next(it)
            pieces.append(msg[pos : pos + n])
            pos += n
    return b"".join(b"\n#%d\n%s" % (len(p), p) for p in pieces) + _END_OF_CHUNKS


def hello_xml(caps: Iterable[str], extra: str = "") -> bytes:
    body = "".join(f"<capability>{c}</capability>" for c in caps)
    return XML_DECL + (f'<hello xmlns="{NC_NS}"><capabilities>{body}</capabilities>{extra}</hello>').encode()


def rpc_xml(body: str, message_id: str | None = "1", attrs: str = "") -> bytes:
    mid = f' message-id="{message_id}"' if message_id is not None else ""
    return XML_DECL + f'<rpc{mid} xmlns="{NC_NS}"{attrs}>{body}</rpc>'.encode()


GET_CONFIG_HOSTNAME = (
    f'<get-config><source><running/></source><filter type="subtree"><native xmlns="{NATIVE_NS}">'
    "<hostname/></native></filter></get-config>"
)


class WireSession:
    """One NETCONF session over a raw asyncssh channel; every byte sent and received is under test control."""

    def __init__(self, conn: asyncssh.SSHClientConnection, writer: asyncssh.SSHWriter[bytes], reader) -> None:
        self.conn = conn
        self.writer = writer
        self.reader: asyncssh.SSHReader[bytes] = reader
        self.deframer = Deframer()
        self.eof = False
        self.received = bytearray()  # every byte the server sent, before de-framing
        self.server_hello_raw = b""
        self.server_hello: etree._Element | None = None

    @classmethod
    async def open(cls, host: str, port: int) -> WireSession:
        conn = await asyncssh.connect(
            host,
            port,
            username=ADMIN_USER,
            password=ADMIN_PASSWORD,
            known_hosts=None,
            client_keys=None,
            agent_path=None,
            preferred_auth="password",
        )
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        return cls(conn, writer, reader)

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()

    # -- reading ---------------------------------------------------------------------------------------------
    async def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no complete message from the server in time")
        data = await asyncio.wait_for(self.reader.read(1 << 20), remaining)
        if not data:
            self.eof = True
            raise SessionClosed("the server closed the channel")
        self.received += data
        self.deframer.feed(data)

    async def recv(self, timeout: float = 10.0) -> bytes:
        """The next complete message (de-framed bytes)."""
        deadline = time.monotonic() + timeout
        while (msg := self.deframer.next_message()) is None:
            if self.eof:
                raise SessionClosed("the server closed the channel")
            await self._fill(deadline)
        return msg

    async def recv_xml(self, timeout: float = 10.0) -> etree._Element:
        return etree.fromstring(strip_leading_ws(await self.recv(timeout)))

    async def read_server_hello(self) -> bytes:
        self.server_hello_raw = await self.recv()
        self.server_hello = etree.fromstring(self.server_hello_raw)
        return self.server_hello_raw

    async def wait_closed(self, timeout: float = 10.0) -> bytes:
        """Wait for the server to close the channel; return whatever arrived before that, undecoded."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            try:
                await self._fill(deadline)
            except SessionClosed:
                break
        rest = bytes(self.deframer.buffer)
        self.deframer.buffer.clear()
        return rest

    async def messages_until_closed(self, timeout: float = 10.0) -> list[bytes]:
        """Every complete message until the server closes the channel (which must happen within ``timeout``)."""
        deadline = time.monotonic() + timeout
        out: list[bytes] = []
        while True:
            try:
                out.append(await self.recv(max(0.01, deadline - time.monotonic())))
            except SessionClosed:
                return out

    # -- writing ---------------------------------------------------------------------------------------------
    async def write(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    def frame(self, msg: bytes) -> bytes:
        return chunk(msg) if self.deframer.chunked else msg + EOM

    async def send(self, msg: bytes) -> None:
        await self.write(self.frame(msg))

    async def hello(self, caps: Iterable[str] = (BASE_10, BASE_11)) -> None:
        """Read the server hello, send ours (always end-of-message framed) and switch framing as negotiated."""
        caps = tuple(caps)
        await self.read_server_hello()
        await self.write(hello_xml(caps) + EOM)
        self.deframer.chunked = BASE_11 in caps

    async def rpc(self, body: str, message_id: str = "1", timeout: float = 10.0) -> etree._Element:
        await self.send(rpc_xml(body, message_id))
        return await self.recv_xml(timeout)


def strip_leading_ws(msg: bytes) -> bytes:
    return msg.lstrip(b" \t\r\n")


@asynccontextmanager
async def wire(agent, caps: Iterable[str] | None = (BASE_10, BASE_11)) -> AsyncIterator[WireSession]:
    """A raw session to ``agent``; the hello exchange is done unless ``caps`` is None."""
    s = await WireSession.open(agent.host, agent.netconf_port)
    try:
        if caps is not None:
            await s.hello(caps)
        yield s
    finally:
        await s.close()


# ---------------------------------------------------------------------------------------------------------------
# Reply inspection
# ---------------------------------------------------------------------------------------------------------------
def rpc_errors(reply: etree._Element) -> list[etree._Element]:
    assert reply.tag == f"{{{NC_NS}}}rpc-reply", etree.tostring(reply)
    return reply.findall("nc:rpc-error", NSX)


def one_error(reply: etree._Element) -> etree._Element:
    errs = rpc_errors(reply)
    assert len(errs) == 1, etree.tostring(reply)
    return errs[0]


def err_field(err: etree._Element, name: str) -> str | None:
    el = err.find(f"nc:{name}", NSX)
    return None if el is None else (el.text or "")


def err_info(err: etree._Element) -> dict[str, str]:
    info = err.find("nc:error-info", NSX)
    if info is None:
        return {}
    return {etree.QName(c).localname: (c.text or "") for c in info if isinstance(c.tag, str)}


def assert_error_message_lang(err: etree._Element) -> None:
    msg = err.find("nc:error-message", NSX)
    if msg is not None:
        assert msg.get(f"{{{XML_NS}}}lang") == "en", etree.tostring(msg)


def error_path_namespaces(err: etree._Element) -> dict[str, str]:
    """The prefixes in scope on ``<error-path>`` (RFC 6241 §4.3: those are the ones the path may use)."""
    path_el = err.find("nc:error-path", NSX)
    assert path_el is not None
    return {p: uri for p, uri in path_el.nsmap.items() if p is not None}


def assert_path_prefixes_resolve(err: etree._Element) -> None:
    path_el = err.find("nc:error-path", NSX)
    if path_el is None:
        return
    nsmap = error_path_namespaces(err)
    for prefix in set(re.findall(r"([A-Za-z_][\w.-]*):(?!:)", path_el.text or "")):
        assert prefix in nsmap, f"prefix {prefix!r} of {path_el.text!r} is not declared; in scope: {nsmap}"


# ---------------------------------------------------------------------------------------------------------------
# Agent health and datastore safety
# ---------------------------------------------------------------------------------------------------------------
def running_c14n(agent) -> bytes:
    """The running configuration, read through a fresh ncclient session, in canonical form."""
    m = agent.connect()
    try:
        data = m.get_config(source="running").data_ele
        return etree.tostring(data, method="c14n")
    finally:
        m.close_session()


async def snapshot(agent) -> bytes:
    return await asyncio.to_thread(running_c14n, agent)


async def assert_unharmed(agent, before: bytes) -> None:
    """The agent survived, still serves a new session, and running is exactly as it was."""
    assert agent.alive(), "the agent process died"
    after = await snapshot(agent)
    assert after == before, "the running configuration changed"
    assert agent.alive()


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KiB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
