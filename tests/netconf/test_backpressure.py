"""Backpressure and bounded parsing in the NETCONF session, in-process: a real :class:`NetconfSession` with a
transport double whose unsent-byte count the test controls, and the pure element counter of :mod:`xmlio`."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from framing import chunk
from get_only_session import get_only_session
from lxml import etree
from namespaces import NC

from iosxe_agent.limits import Limits
from iosxe_agent.netconf.errors import rpc_attributes, rpc_reply
from iosxe_agent.netconf.session import BASE_11, NetconfSession
from iosxe_agent.netconf.xmlio import XmlError, parse_message, within_element_limit

HELLO = f'<hello xmlns="{NC}"><capabilities><capability>{BASE_11}</capability></capabilities></hello>]]>]]>'
GET = f'<rpc xmlns="{NC}" message-id="%d"><get-config><source><running/></source></get-config></rpc>'


class Pipe:
    """A transport whose backlog the test sets; ``drain`` waits for :meth:`drained` like the SSH channel's."""

    def __init__(self) -> None:
        self.sent = bytearray()
        self.backlog = 0
        self.paused = False
        self.pauses = 0
        self.closed = False
        self._writable = asyncio.Event()
        self._writable.set()

    def write(self, data: bytes) -> None:
        self.sent += data

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        self.paused = True
        self.pauses += 1

    def resume_reading(self) -> None:
        self.paused = False

    def write_buffer_size(self) -> int:
        return self.backlog

    async def drain(self) -> None:
        await self._writable.wait()

    def stall(self, backlog: int) -> None:
        self.backlog = backlog
        self._writable.clear()

    def drained(self) -> None:
        self.backlog = 0
        self._writable.set()


def replies(sent: bytes) -> int:
    return sent.count(b"<rpc-reply")


def chunked(*messages: str) -> bytes:
    return b"".join(chunk(m.encode()) for m in messages)


@pytest.fixture
def session(helpers: Any) -> tuple[NetconfSession, Pipe]:
    pipe = Pipe()
    return get_only_session(helpers, Limits(max_pending_output_bytes=1000, max_rpc_queue=4), pipe), pipe


async def until(condition: Any, timeout: float = 10) -> None:
    """Wait for ``condition()`` by yielding to the loop (the session worker runs between checks)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0)


async def test_many_requests_in_one_read_are_all_answered(session: tuple[NetconfSession, Pipe]) -> None:
    s, pipe = session
    s.start()
    s.data_received(HELLO.encode())
    s.data_received(chunked(*(GET % i for i in range(50))))  # far more than max_rpc_queue in one read
    assert pipe.paused  # the queue is over its bound: reading stops
    await until(lambda: replies(pipe.sent) == 50)
    assert not pipe.closed and not pipe.paused
    s.connection_lost()


async def test_a_peer_that_does_not_read_stops_being_read_until_it_drains(
    session: tuple[NetconfSession, Pipe],
) -> None:
    s, pipe = session
    s.start()
    s.data_received(HELLO.encode())
    pipe.stall(5000)  # over max_pending_output_bytes=1000: the peer reads nothing
    s.data_received(chunked(GET % 1))
    await until(lambda: pipe.paused)
    assert replies(pipe.sent) == 1  # the reply went out, then the session waits
    s.data_received(chunked(GET % 2, GET % 3))  # what was already in flight is queued, not answered
    for _ in range(100):
        await asyncio.sleep(0)
    assert replies(pipe.sent) == 1 and pipe.paused
    pipe.drained()
    await until(lambda: replies(pipe.sent) == 3)
    assert not pipe.paused and not pipe.closed
    s.connection_lost()


async def test_too_many_rpc_attributes_get_too_big_with_the_message_id(session: tuple[NetconfSession, Pipe]) -> None:
    s, _ = session
    # with message-id and the xmlns declaration, one more than max_rpc_attributes
    attrs = "".join(f' a{i}="v"' for i in range(s.services.limits.max_rpc_attributes - 1))
    msg = f'<rpc xmlns="{NC}" message-id="7"{attrs}><get-config><source><running/></source></get-config></rpc>'
    reply = await s.handle_message(msg.encode())
    assert reply is not None and reply.get("message-id") == "7" and reply.get("a0") is None
    assert reply.findtext(f".//{{{NC}}}error-tag") == "too-big"
    assert "max_rpc_attributes" in (reply.findtext(f".//{{{NC}}}error-message") or "")
    fewer = msg.replace(' a0="v"', "")  # exactly at the bound: answered, all echoed
    reply = await s.handle_message(fewer.encode())
    assert reply is not None and reply.find(f"{{{NC}}}data") is not None and reply.get("a1") == "v"


def test_rpc_attributes_keep_order_and_namespaces() -> None:
    rpc = etree.fromstring(f'<rpc xmlns="{NC}" xmlns:nc="{NC}" xmlns:x="urn:x" nc:message-id="1" x:a="2" b="3"/>')
    assert list(rpc_attributes(rpc).items()) == [(f"{{{NC}}}message-id", "1"), ("{urn:x}a", "2"), ("b", "3")]
    reply = rpc_reply(rpc)
    assert reply.get(f"{{{NC}}}message-id") == "1" and reply.get("{urn:x}a") == "2" and reply.get("b") == "3"


@pytest.mark.parametrize(
    ("doc", "elements"),
    [
        (b"<a/>", 1),
        (b"<a><b/><c>t</c></a>", 3),
        (b'<?xml version="1.0"?><a x="&lt;"><b/></a>', 2),
        (b"<a><!-- <x><y> --><b/></a>", 2),
        (b"<a><![CDATA[<x><y><z>]]><b/></a>", 2),
        (b"<a><?pi <x>?><b/></a>", 2),
    ],
)
def test_element_count_is_exact(doc: bytes, elements: int) -> None:
    assert within_element_limit(doc, elements)
    assert not within_element_limit(doc, elements - 1)


def test_a_message_over_the_element_bound_is_refused_before_parsing() -> None:
    limits = Limits(max_message_elements=1000)
    doc = b"<rpc><!-- x -->" + b"<a/>" * 1000 + b"</rpc>"
    with pytest.raises(XmlError, match="max_message_elements"):
        parse_message(doc, limits)
    assert len(parse_message(doc.replace(b"<a/>", b"", 1), limits).findall("a")) == 999
