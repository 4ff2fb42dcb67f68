"""Wire-level end-to-end tests of the NETCONF server (RFC 6241 / RFC 6242) against a real agent process.

The tests talk raw bytes over an SSH ``netconf`` subsystem channel opened with asyncssh, through a small
client defined here (:class:`WireSession`). Its de-framing is written independently of
``iosxe_agent/netconf/framing.py`` on purpose: a bug shared by the server's framer and the test's reader would
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
from agents import ADMIN_PASSWORD, ADMIN_USER
from framing import EOM, Deframer, chunk
from lxml import etree
from namespaces import IOS, NC

XML_NS = "http://www.w3.org/XML/1998/namespace"
BASE_10 = "urn:ietf:params:netconf:base:1.0"
BASE_11 = "urn:ietf:params:netconf:base:1.1"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8"?>'
NSX = {"nc": NC}

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
class SessionClosed(Exception):
    """The server closed the channel before a complete message arrived."""


def hello_xml(caps: Iterable[str], extra: str = "") -> bytes:
    body = "".join(f"<capability>{c}</capability>" for c in caps)
    return XML_DECL + (f'<hello xmlns="{NC}"><capabilities>{body}</capabilities>{extra}</hello>').encode()


def rpc_xml(body: str, message_id: str | None = "1", attrs: str = "") -> bytes:
    mid = f' message-id="{message_id}"' if message_id is not None else ""
    return XML_DECL + f'<rpc{mid} xmlns="{NC}"{attrs}>{body}</rpc>'.encode()


GET_CONFIG_HOSTNAME = (
    f'<get-config><source><running/></source><filter type="subtree"><native xmlns="{IOS}">'
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
    assert reply.tag == f"{{{NC}}}rpc-reply", etree.tostring(reply)
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


def hello_params(*names: str) -> list:
    return [pytest.param(HELLO_VARIANTS[n], id=n) for n in names]


ALL_HELLOS = hello_params("base10", "base11", "both")
CHUNKED_HELLOS = hello_params("base11", "both")


# ---------------------------------------------------------------------------------------------------------------
# 1. Hello exchange
# ---------------------------------------------------------------------------------------------------------------
async def test_server_hello_is_eom_framed_and_formatted_like_ios_xe(agent) -> None:
    async with wire(agent, caps=None) as s:
        raw = await s.read_server_hello()
        # End-of-message framed: the first bytes are the XML declaration (no chunk header), and the message
        # is followed by ]]>]]> and nothing else.
        assert bytes(s.received) == raw + EOM
        assert raw.startswith(XML_DECL + b"\n"), raw[:80]
        lines = raw.decode().split("\n")
        cap_lines = [ln for ln in lines if "<capability>" in ln]
        assert all(re.fullmatch(r"<capability>[^<\n]+</capability>", ln) for ln in cap_lines), cap_lines
        assert raw.count(b"<capability>") == len(cap_lines)  # exactly one per line
        hello = s.server_hello
        assert hello is not None and hello.tag == f"{{{NC}}}hello"
        caps = [c.text for c in hello.iterfind("nc:capabilities/nc:capability", NSX)]
        assert len(cap_lines) == len(caps)
        assert BASE_10 in caps and BASE_11 in caps
        sid = hello.findtext("nc:session-id", namespaces=NSX)
        assert sid is not None and re.fullmatch(r"[1-9][0-9]*", sid), sid


async def test_two_sessions_get_different_session_ids(agent) -> None:
    async with wire(agent) as a, wire(agent) as b:
        ids = [s.server_hello.findtext("nc:session-id", namespaces=NSX) for s in (a, b)]  # type: ignore[union-attr]
        assert ids[0] != ids[1], ids
        # both sessions are usable at the same time
        for s in (a, b):
            assert not rpc_errors(await s.rpc(GET_CONFIG_HOSTNAME))


async def test_client_hello_with_session_id_closes_the_session(agent) -> None:
    async with wire(agent, caps=None) as s:
        await s.read_server_hello()
        await s.write(hello_xml((BASE_10, BASE_11), "<session-id>4</session-id>") + EOM)
        assert await s.messages_until_closed(5) == []


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(rpc_xml(GET_CONFIG_HOSTNAME) + EOM, id="rpc-before-hello"),
        pytest.param(XML_DECL + b'<capabilities xmlns="' + NC.encode() + b'"/>' + EOM, id="other-element"),
        pytest.param(b"hello there" + EOM, id="not-xml"),
        pytest.param(hello_xml(("urn:example:other:1.0",)) + EOM, id="no-common-base"),
    ],
)
async def test_first_message_that_is_not_a_usable_hello_closes_the_session(agent, first: bytes) -> None:
    async with wire(agent, caps=None) as s:
        await s.read_server_hello()
        await s.write(first)
        assert await s.messages_until_closed(5) == []


# ---------------------------------------------------------------------------------------------------------------
# 2. Framing
# ---------------------------------------------------------------------------------------------------------------
async def test_eom_request_and_response(agent) -> None:
    async with wire(agent, caps=(BASE_10,)) as s:
        await s.write(rpc_xml(GET_CONFIG_HOSTNAME, "11") + EOM)
        reply = await s.recv_xml()
        assert reply.get("message-id") == "11"
        assert reply.find("nc:data", NSX) is not None
        reply_bytes = bytes(s.received).split(EOM)[1]  # [server hello, reply, ""]
        assert reply_bytes.startswith(XML_DECL), reply_bytes[:60]
        assert bytes(s.received).endswith(EOM)


@pytest.mark.parametrize("caps", CHUNKED_HELLOS)
async def test_chunked_reply_decodes(agent, caps) -> None:
    async with wire(agent, caps=caps) as s:
        await s.send(rpc_xml("<get-config><source><running/></source></get-config>", "12"))
        reply = await s.recv_xml()
        after_hello = bytes(s.received)[len(s.server_hello_raw) + len(EOM) :]
        assert re.match(rb"\n#[1-9][0-9]*\n", after_hello), after_hello[:40]
        assert after_hello.endswith(b"\n##\n")
        assert reply.get("message-id") == "12"
        assert reply.find(f"nc:data/{{{IOS}}}native", NSX) is not None


@pytest.mark.parametrize(
    "sizes",
    [
        pytest.param(1, id="1-byte-chunks"),
        pytest.param(7, id="7-byte-chunks"),
        pytest.param((1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584), id="growing"),
    ],
)
@pytest.mark.parametrize("caps", CHUNKED_HELLOS)
async def test_request_split_into_many_chunks(agent, caps, sizes) -> None:
    async with wire(agent, caps=caps) as s:
        await s.write(chunk(rpc_xml(GET_CONFIG_HOSTNAME, "13"), sizes))
        reply = await s.recv_xml()
        assert reply.get("message-id") == "13"
        assert not rpc_errors(reply)
        assert reply.findtext(f"nc:data/{{{IOS}}}native/{{{IOS}}}hostname", namespaces=NSX)


@pytest.mark.parametrize("caps", ALL_HELLOS)
async def test_message_written_one_byte_at_a_time(agent, caps) -> None:
    """Chunk headers, chunk data and the ]]>]]> delimiter may each be split across reads."""
    async with wire(agent, caps=caps) as s:
        msg = rpc_xml(GET_CONFIG_HOSTNAME, "14")
        framed = chunk(msg, 40) if s.deframer.chunked else msg + EOM  # chunked: several headers to split
        for i in range(len(framed)):
            await s.write(framed[i : i + 1])
            if i % 16 == 0:
                await asyncio.sleep(0.001)
        reply = await s.recv_xml()
        assert reply.get("message-id") == "14"
        assert not rpc_errors(reply)


@pytest.mark.parametrize("caps", ALL_HELLOS)
async def test_pipelined_rpcs_in_one_write_are_answered_in_order(agent, caps) -> None:
    async with wire(agent, caps=caps) as s:
        ids = ["21", "22", "23"]
        bodies = [GET_CONFIG_HOSTNAME, "<get-config><source><running/></source><foo/></get-config>", "<get/>"]
        await s.write(b"".join(s.frame(rpc_xml(b, i)) for b, i in zip(bodies, ids, strict=True)))
        replies = [await s.recv_xml() for _ in ids]
        assert [r.get("message-id") for r in replies] == ids
        assert not rpc_errors(replies[0]) and rpc_errors(replies[1]) and not rpc_errors(replies[2])


@pytest.mark.parametrize("caps", CHUNKED_HELLOS)
async def test_hello_and_first_chunked_rpc_in_one_write(agent, caps) -> None:
    async with wire(agent, caps=None) as s:
        await s.read_server_hello()
        await s.write(hello_xml(caps) + EOM + chunk(rpc_xml(GET_CONFIG_HOSTNAME, "24")))
        s.deframer.chunked = True
        reply = await s.recv_xml(timeout=3)
        assert reply.get("message-id") == "24"
        assert not rpc_errors(reply)


async def test_hello_and_first_eom_rpc_in_one_write(agent) -> None:
    async with wire(agent, caps=None) as s:
        await s.read_server_hello()
        await s.write(hello_xml((BASE_10,)) + EOM + rpc_xml(GET_CONFIG_HOSTNAME, "25") + EOM)
        reply = await s.recv_xml(timeout=3)
        assert reply.get("message-id") == "25"
        assert not rpc_errors(reply)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(b"\n#abc\n", id="non-digit-size"),
        pytest.param(b"\n#0\n", id="zero-size"),
        pytest.param(b"\n#01\nx", id="leading-zero"),
        pytest.param(b"\n##\n", id="end-of-chunks-first"),
        pytest.param(b"#5\nhello", id="missing-lf"),
        pytest.param(b"\n#-5\n", id="negative"),
        pytest.param(b"\n# 5\n", id="space"),
    ],
)
async def test_bad_chunk_header_closes_only_that_session(agent, bad: bytes) -> None:
    before = await snapshot(agent)
    async with wire(agent, caps=(BASE_11,)) as bystander, wire(agent, caps=(BASE_11,)) as victim:
        await victim.write(bad)
        assert await victim.messages_until_closed(5) == []
        reply = await bystander.rpc(GET_CONFIG_HOSTNAME, "31")
        assert reply.get("message-id") == "31" and not rpc_errors(reply)
    await assert_unharmed(agent, before)


# ---------------------------------------------------------------------------------------------------------------
# 3. scrapli quirks (scrapli_netconf channel/base_channel.py and constants.py, byte for byte)
# ---------------------------------------------------------------------------------------------------------------
SCRAPLI_HELLO = """
<?xml version="1.0" encoding="utf-8"?>
    <hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
        <capabilities>
            <capability>{}</capability>
        </capabilities>
</hello>]]>]]>"""


def scrapli_rpc(message_id: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rpc xmlns="{NC}" message-id="{message_id}">{GET_CONFIG_HOSTNAME}</rpc>'
    ).encode()


async def test_scrapli_base10_newline_before_xml_declaration(agent) -> None:
    """scrapli writes its hello starting with a newline and a return after every message, so each message
    after the first ]]>]]> begins with ``\\n<?xml``; an XML declaration is otherwise only valid at byte 0."""
    async with wire(agent, caps=None) as s:
        await s.read_server_hello()
        await s.write(SCRAPLI_HELLO.format(BASE_10).encode())
        await s.write(b"\n")
        for mid in ("41", "42", "43"):
            await s.write(scrapli_rpc(mid) + EOM)
            await s.write(b"\n")
            reply = await s.recv_xml()
            assert reply.get("message-id") == mid
            assert not rpc_errors(reply)


@pytest.mark.parametrize(
    "coalesced",
    [
        pytest.param(False, id="separate-writes"),
        pytest.param(
            True,
            id="hello-and-return-in-one-write",
        ),
    ],
)
async def test_scrapli_base11_only_hello_and_chunk_framing(agent, coalesced: bool) -> None:
    """scrapli offers only base:1.1 and frames ``#N\\n<xml>\\n##`` followed by two returns: the LF that opens
    each chunk header is the return written after the previous message (or after the hello)."""
    async with wire(agent, caps=None) as s:
        await s.read_server_hello()
        hello = SCRAPLI_HELLO.format(BASE_11).encode()
        if coalesced:
            await s.write(hello + b"\n")
        else:
            await s.write(hello)
            await s.write(b"\n")
        s.deframer.chunked = True
        for mid in ("44", "45", "46"):
            msg = scrapli_rpc(mid)
            await s.write(b"#%d\n%s\n##" % (len(msg), msg))
            await s.write(b"\n")
            await s.write(b"\n")
            reply = await s.recv_xml(timeout=3)
            assert reply.get("message-id") == mid
            assert not rpc_errors(reply)


# ---------------------------------------------------------------------------------------------------------------
# 4. rpc attributes are echoed on rpc-reply (RFC 6241 §4.2)
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("caps", hello_params("base10", "both"))
async def test_rpc_attributes_are_echoed(agent, caps) -> None:
    async with wire(agent, caps=caps) as s:
        await s.send(
            XML_DECL
            + f'<rpc message-id="101" xmlns="{NC}" xmlns:ex="http://example.net/x" ex:user-id="fred">'
            f"{GET_CONFIG_HOSTNAME}</rpc>".encode()
        )
        reply = await s.recv_xml()
        assert reply.get("message-id") == "101"
        assert reply.get("{http://example.net/x}user-id") == "fred"
        assert not rpc_errors(reply)
        assert reply.find("nc:data", NSX) is not None


# The PyPI ``netconf`` client (choppsv1/netconf, netconf/client.py) sends
#     <nc:rpc nc:message-id="N" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">
# and matches replies with ``reply.get(qmap("nc") + "message-id")``. RFC 6241's XSD declares message-id as an
# unqualified attribute, so strictly ``nc:message-id`` is a different attribute; but the RFC also says the server
# returns every attribute of <rpc> unmodified, and IOS XE accepts this form. A real client relies on it, so the
# attribute must be echoed (test 1, passes) and the rpc must succeed (test 2).
NC_PREFIXED_RPC = (
    f'<nc:rpc nc:message-id="7" xmlns:nc="{NC}"><nc:get-config><nc:source><nc:running/></nc:source>'
    f'<nc:filter type="subtree"><native xmlns="{IOS}"><hostname/></native></nc:filter>'
    "</nc:get-config></nc:rpc>"
)


async def test_namespaced_message_id_is_echoed(agent) -> None:
    async with wire(agent) as s:
        await s.send(NC_PREFIXED_RPC.encode())
        reply = await s.recv_xml()
        assert reply.get(f"{{{NC}}}message-id") == "7"


async def test_namespaced_message_id_rpc_succeeds(agent) -> None:
    async with wire(agent) as s:
        await s.send(NC_PREFIXED_RPC.encode())
        reply = await s.recv_xml()
        assert reply.get(f"{{{NC}}}message-id") == "7"
        assert not rpc_errors(reply), etree.tostring(reply)
        assert reply.findtext(f"nc:data/{{{IOS}}}native/{{{IOS}}}hostname", namespaces=NSX)


# ---------------------------------------------------------------------------------------------------------------
# 5. rpc-error contents
# ---------------------------------------------------------------------------------------------------------------
TIMEOUT_EDIT = (
    f'<edit-config><target><running/></target><config><native xmlns="{IOS}"><ip><ssh>'
    "<time-out>121</time-out></ssh></ip></native></config></edit-config>"
)

# id, message-id, operation body, expected error-tag, required error-info, expected error-path
ERROR_CASES = [
    ("missing-message-id", None, GET_CONFIG_HOSTNAME, "missing-attribute",
     {"bad-attribute": "message-id", "bad-element": "rpc"}, None),
    ("unknown-base-operation", "51", "<frobnicate/>", "operation-not-supported", {}, None),
    ("unknown-namespace", "52", '<frob xmlns="urn:example:nope"/>', "unknown-namespace",
     {"bad-element": "frob", "bad-namespace": "urn:example:nope"}, None),
    ("no-operation", "53", "", "missing-element", {"bad-element": "rpc"}, None),
    ("two-operations", "54", "<get/><get/>", "unknown-element", {"bad-element": "get"}, None),
    ("get-config-without-source", "55", "<get-config/>", "missing-element", {"bad-element": "source"}, None),
    ("source-not-a-datastore", "56", "<get-config><source><bogus/></source></get-config>", "bad-element",
     {"bad-element": "source"}, None),
    ("unknown-parameter", "57", "<get-config><source><running/></source><foo/></get-config>", "unknown-element",
     {"bad-element": "foo"}, None),
    ("value-out-of-range", "58", TIMEOUT_EDIT, "invalid-value", {},
     "/ios:native/ios:ip/ios:ssh/ios:time-out"),
]  # fmt: skip
ERROR_IDS = [c[0] for c in ERROR_CASES]


async def request_error(agent, message_id: str | None, body: str) -> tuple[etree._Element, etree._Element]:
    async with wire(agent) as s:
        await s.send(rpc_xml(body, message_id))
        reply = await s.recv_xml()
        return reply, one_error(reply)


@pytest.mark.parametrize(("name", "mid", "body", "tag", "info", "path"), ERROR_CASES, ids=ERROR_IDS)
async def test_rpc_error_contents(agent, name, mid, body, tag, info, path) -> None:
    before = await snapshot(agent)
    reply, err = await request_error(agent, mid, body)
    assert reply.get("message-id") == mid  # echoed; absent when the request had none
    assert err_field(err, "error-type") in {"transport", "rpc", "protocol", "application"}
    assert err_field(err, "error-tag") == tag
    assert err_field(err, "error-severity") == "error"
    got_info = err_info(err)
    for key, value in info.items():
        assert got_info.get(key) == value, (key, got_info)
    assert err_field(err, "error-message")
    assert_error_message_lang(err)
    assert_path_prefixes_resolve(err)
    assert err_field(err, "error-path") == path
    # the children come in the order of the RFC 6241 XSD
    order = ["error-type", "error-tag", "error-severity", "error-app-tag", "error-path", "error-message",
             "error-info"]  # fmt: skip
    names = [etree.QName(c).localname for c in err]
    assert names == sorted(names, key=order.index), names
    await assert_unharmed(agent, before)


async def test_error_path_resolves_to_the_offending_node(agent) -> None:
    _, err = await request_error(agent, "59", TIMEOUT_EDIT)
    assert err_field(err, "error-type") == "application"
    assert err_info(err).get("bad-element") == "time-out"
    nsmap = error_path_namespaces(err)
    assert nsmap.get("ios") == IOS
    # Evaluate the path against the data the request carried: it must select the <time-out> that was refused.
    request = etree.fromstring(rpc_xml(TIMEOUT_EDIT, "59"))
    native = request.find(f".//{{{IOS}}}native")
    hits = etree.ElementTree(native).xpath(err_field(err, "error-path"), namespaces=nsmap)
    assert [h.text for h in hits] == ["121"]


@pytest.mark.parametrize(
    ("name", "mid", "body", "tag"),
    [pytest.param(*case[:4], id=case[0]) for case in ERROR_CASES],
)
async def test_error_type_is_allowed_by_rfc6241_appendix_a(agent, name, mid, body, tag) -> None:
    _, err = await request_error(agent, mid, body)
    assert err_field(err, "error-tag") == tag
    assert err_field(err, "error-type") in ALLOWED_ERROR_TYPES[tag]


# ---------------------------------------------------------------------------------------------------------------
# 6 + 7. Malformed and hostile input: an error reply or a clean close, never a crash, never a changed datastore
# ---------------------------------------------------------------------------------------------------------------
def _filter_rpc(inner: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<rpc message-id="1" xmlns="{NC}"><get-config>'
        f'<source><running/></source><filter type="subtree"><native xmlns="{IOS}"><hostname>{inner}'
        "</hostname></native></filter></get-config></rpc>"
    ).encode()


BILLION_LAUGHS = _filter_rpc(
    "&j;",
    '<!DOCTYPE rpc [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{f"&{chr(97 + i)};" * 10}">' for i in range(9))
    + "]>",
)
EXTERNAL_ENTITY = _filter_rpc("&x;", '<!DOCTYPE rpc [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
EXTERNAL_PARAMETER_ENTITY = _filter_rpc("", '<!DOCTYPE rpc [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>')
EXTERNAL_DTD = _filter_rpc("", '<!DOCTYPE rpc SYSTEM "file:///etc/passwd">')
DEEP_NESTING = (
    f'<rpc message-id="1" xmlns="{NC}"><get-config><source><running/></source><filter type="subtree">'
    + "<a>" * 10_000
    + "</a>" * 10_000
    + "</filter></get-config></rpc>"
).encode()
INVALID_UTF8 = _filter_rpc("@@").replace(b"@@", b"\xff\xfe\xc3\x28\xed\xa0\x80")
_rng = random.Random(20240611)
GARBAGE = bytes(_rng.randrange(256) for _ in range(8192)).replace(EOM, b"")
PASSWD_FIRST_LINE = Path("/etc/passwd").read_bytes().split(b"\n", 1)[0]

HOSTILE_MESSAGES = [
    pytest.param(b'<rpc message-id="1"><get-config>', id="unclosed-xml"),
    pytest.param(BILLION_LAUGHS, id="billion-laughs"),
    pytest.param(EXTERNAL_ENTITY, id="external-entity"),
    pytest.param(EXTERNAL_PARAMETER_ENTITY, id="external-parameter-entity"),
    pytest.param(EXTERNAL_DTD, id="external-dtd"),
    pytest.param(_filter_rpc("&undefined;"), id="undeclared-entity"),
    pytest.param(DEEP_NESTING, id="10000-deep"),
    pytest.param(INVALID_UTF8, id="invalid-utf8"),
    pytest.param(_filter_rpc("a\x00b"), id="nul-byte"),
    pytest.param(GARBAGE, id="binary-garbage"),
]


def assert_no_leak(received: bytes) -> None:
    assert PASSWD_FIRST_LINE not in received, "file content leaked into a reply"
    assert b"a" * 20 not in received, "an entity was expanded"


def assert_error_replies(messages: list[bytes], caps: tuple[str, ...], *, parsed: bool = True) -> None:
    """Whatever the server answered before closing is an rpc-error of type rpc. When the message was framed
    correctly (``parsed``), a base:1.1 peer is told malformed-message (RFC 6241 Appendix A); when the framing
    itself was refused, closing without a reply is just as acceptable (RFC 6242 has no way to resynchronise)."""
    for msg in messages:
        reply = etree.fromstring(strip_leading_ws(msg))
        errs = rpc_errors(reply)
        assert errs, msg
        for err in errs:
            assert err_field(err, "error-type") == "rpc"
            assert err_field(err, "error-severity") == "error"
            assert_error_message_lang(err)
    if parsed and BASE_11 in caps:
        assert len(messages) == 1, messages
        assert err_field(one_error(etree.fromstring(strip_leading_ws(messages[0]))), "error-tag") == (
            "malformed-message"
        )


@pytest.mark.parametrize("payload", HOSTILE_MESSAGES)
@pytest.mark.parametrize("caps", hello_params("base10", "base11"))
async def test_hostile_message_gets_error_and_close(agent, caps, payload: bytes) -> None:
    before = await snapshot(agent)
    async with wire(agent, caps=caps) as s:
        await s.send(payload)  # correctly framed, so only the content is hostile
        messages = await s.messages_until_closed(10)
        assert_error_replies(messages, caps)
        assert_no_leak(bytes(s.received))
    await assert_unharmed(agent, before)


@pytest.mark.parametrize(
    "payload",
    [pytest.param(b'<rpc message-id="1"><get-config>', id="unclosed-xml"), pytest.param(GARBAGE, id="garbage")],
)
async def test_malformed_message_tag_is_not_sent_to_base10_client(agent, payload: bytes) -> None:
    async with wire(agent, caps=(BASE_10,)) as s:
        await s.send(payload)
        messages = await s.messages_until_closed(10)
    tags = [err_field(e, "error-tag") for m in messages for e in rpc_errors(etree.fromstring(strip_leading_ws(m)))]
    assert "malformed-message" not in tags, tags


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"\n#4294967296\n" + b"x" * 1024, id="chunk-size-2**32"),
        pytest.param(b"\n#4294967295\n" + b"x" * 1024, id="chunk-size-rfc-max"),
        pytest.param(b"\n#99999999999999999999999\n", id="chunk-size-23-digits"),
        pytest.param(GARBAGE, id="unframed-garbage"),
    ],
)
async def test_hostile_chunk_stream_closes_the_session(agent, raw: bytes) -> None:
    before = await snapshot(agent)
    async with wire(agent, caps=(BASE_11,)) as s:
        await s.write(raw)
        messages = await s.messages_until_closed(10)
        assert_error_replies(messages, (BASE_11,), parsed=False)
    await assert_unharmed(agent, before)


async def test_garbage_instead_of_hello(agent) -> None:
    before = await snapshot(agent)
    async with wire(agent, caps=None) as s:
        await s.read_server_hello()
        await s.write(GARBAGE + EOM)
        assert await s.messages_until_closed(5) == []
    await assert_unharmed(agent, before)


MIB = 1 << 20


@pytest.mark.timeout(60)
@pytest.mark.parametrize("caps", hello_params("base10", "base11"))
async def test_100mb_message_is_refused_without_exhausting_memory(fresh_agent, caps) -> None:
    """Stream a 100 MiB message in 1 MiB writes and never delimit it: the 64 MiB per-message limit must end the
    session (or produce an error) before the whole message is accepted, and memory must stay bounded."""
    agent = fresh_agent()
    before = await snapshot(agent)
    assert agent.proc is not None
    rss_before, _ = rss_kib(agent.proc.pid)
    head = rpc_xml('<get-config><source><running/></source><filter type="subtree"><x>', "1")
    started = time.monotonic()
    sent = 0
    async with wire(agent, caps=caps) as s:
        for i in range(100):
            piece = head + b"a" * (MIB - len(head)) if i == 0 else b"a" * MIB
            data = b"\n#%d\n" % len(piece) + piece if s.deframer.chunked else piece
            try:
                s.writer.write(data)
                await asyncio.wait_for(s.writer.drain(), 25)
            except (BrokenPipeError, ConnectionError, asyncssh.Error):
                break
            sent += len(piece)
            assert time.monotonic() - started < 25
        messages = await s.messages_until_closed(10)
        assert_error_replies(messages, caps, parsed=False)
    assert sent < 100 * MIB, "the server accepted the whole 100 MiB message"
    _, peak = rss_kib(agent.proc.pid)
    assert (peak - rss_before) * 1024 < 2 * 64 * MIB, f"peak RSS grew by {(peak - rss_before) // 1024} MiB"
    await assert_unharmed(agent, before)
    assert time.monotonic() - started < 30


# ---------------------------------------------------------------------------------------------------------------
# 8. close-session and kill-session
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("caps", ALL_HELLOS)
async def test_close_session_replies_ok_then_closes(agent, caps) -> None:
    async with wire(agent, caps=caps) as s:
        reply = await s.rpc("<close-session/>", "81")
        assert reply.get("message-id") == "81"
        assert reply.find("nc:ok", NSX) is not None and len(reply) == 1
        assert await s.messages_until_closed(5) == []


async def test_close_session_drops_pipelined_requests_behind_it(agent) -> None:
    async with wire(agent) as s:
        await s.write(
            b"".join(
                s.frame(rpc_xml(body, mid))
                for body, mid in ((GET_CONFIG_HOSTNAME, "82"), ("<close-session/>", "83"), ("<get/>", "84"))
            )
        )
        messages = await s.messages_until_closed(5)
        replies = [etree.fromstring(m) for m in messages]
        assert [r.get("message-id") for r in replies] == ["82", "83"]
        assert replies[1].find("nc:ok", NSX) is not None


LOCK_RUNNING = "<lock><target><running/></target></lock>"
UNLOCK_RUNNING = "<unlock><target><running/></target></unlock>"


def session_id(s: WireSession) -> str:
    assert s.server_hello is not None
    sid = s.server_hello.findtext("nc:session-id", namespaces=NSX)
    assert sid
    return sid


async def test_kill_session_closes_the_victim_and_releases_its_lock(agent) -> None:
    async with wire(agent) as a, wire(agent, caps=(BASE_10,)) as b:
        a_id = session_id(a)
        assert (await a.rpc(LOCK_RUNNING, "91")).find("nc:ok", NSX) is not None

        err = one_error(await b.rpc(LOCK_RUNNING, "92"))
        assert err_field(err, "error-tag") == "lock-denied"
        assert err_field(err, "error-type") == "protocol"
        assert err_info(err).get("session-id") == a_id

        reply = await b.rpc(f"<kill-session><session-id>{a_id}</session-id></kill-session>", "93")
        assert reply.get("message-id") == "93"
        assert reply.find("nc:ok", NSX) is not None, etree.tostring(reply)
        assert await a.messages_until_closed(5) == []

        assert (await b.rpc(LOCK_RUNNING, "94")).find("nc:ok", NSX) is not None
        assert (await b.rpc(UNLOCK_RUNNING, "95")).find("nc:ok", NSX) is not None


@pytest.mark.parametrize(
    ("target", "tag"),
    [
        pytest.param("self", "invalid-value", id="own-session"),
        pytest.param("999999", "invalid-value", id="no-such-session"),
        pytest.param("abc", "invalid-value", id="not-a-number"),
        pytest.param("²", "invalid-value", id="a-digit-int-refuses"),
        pytest.param("٣", "invalid-value", id="another-scripts-digit"),
    ],
)
async def test_kill_session_refusals(agent, target: str, tag: str) -> None:
    async with wire(agent) as s:
        sid = session_id(s) if target == "self" else target
        reply = await s.rpc(f"<kill-session><session-id>{sid}</session-id></kill-session>", "96")
        err = one_error(reply)
        assert err_field(err, "error-tag") == tag
        assert err_field(err, "error-type") in ALLOWED_ERROR_TYPES[tag]
        # the session is still usable
        assert not rpc_errors(await s.rpc(GET_CONFIG_HOSTNAME, "97"))
