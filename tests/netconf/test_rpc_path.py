"""The per-RPC short cuts of the request path answer exactly as the general code they skip.

Each short cut exists only for speed: the element count that ``parse_message`` skips when the text is too short
to need it, the datastore parameter read by one lookup of its element's name, and the session's
request deque (in place of an asyncio.Queue). Each is checked here against the general code it replaces (kept
below as the reference), or pipelining against one request at a time, on many generated inputs, hostile ones
included.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from capture_transport import Capture, lock_session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.datastore.names import Datastore
from iosxe_agent.datastore.store import CANDIDATE, STARTUP
from iosxe_agent.limits import Limits
from iosxe_agent.netconf import xmlio
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import RpcFault, bad_element, missing_element, protocol_error
from iosxe_agent.netconf.framing import ChunkFramer
from iosxe_agent.netconf.operations import params
from iosxe_agent.netconf.xmlio import NC_NS, XmlError, parse_message, qn

# -- xmlio: the element count, skipped when the text is too short to need it --------------------------------------

#: pieces of XML text: elements, markup that holds a raw "<" or "<!" without being an element, a DOCTYPE with
#: and without an internal subset, and broken markup
_PIECE = st.sampled_from(
    [
        b"<a>",
        b"</a>",
        b"<a/>",
        b"<b x='1'/>",
        b"text",
        b"<!-- <a/> <!x -->",
        b"<![CDATA[<a><!b]]>",
        b"<?pi <a/>?>",
        b"<!DOCTYPE a>",
        b'<!DOCTYPE a [<!ENTITY e "x">]>',
        b"<",
        b"<!",
        b"&lt;",
    ]
)


def _reference_within(body: bytes, limit: int) -> bool:
    """``within_element_limit`` before its size bound and its early exits: always makes every count."""
    tags = body.count(b"<") - body.count(b"</") - body.count(b"<!") - body.count(b"<?")
    if tags <= limit:
        return True
    if b"<!" not in body and b"<?" not in body:
        return False
    counter = xmlio._ElementCounter(limit)
    try:
        etree.fromstring(body, xmlio._counting_parser(counter))
    except xmlio._TooManyElements:
        return False
    except (etree.XMLSyntaxError, XmlError):
        pass
    return True


def _reference_parse(data: bytes, limits: Limits) -> etree._Element:
    """``parse_message`` before its short cut: counts the elements of every document."""
    body = data.lstrip(b" \t\r\n")
    if not body:
        raise XmlError("empty message")
    if len(body) > limits.max_message_bytes:
        raise XmlError(
            f"message of {len(body)} bytes exceeds the limit of {limits.max_message_bytes} (max_message_bytes)"
        )
    if not _reference_within(body, limits.max_message_elements):
        raise XmlError(f"the message holds more than {limits.max_message_elements} elements (max_message_elements)")
    try:
        root = etree.fromstring(body, xmlio.make_parser())
    except etree.XMLSyntaxError as err:
        if err.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT and "depth" in str(err):
            raise XmlError(xmlio._depth_message(min(limits.max_xml_depth, xmlio.LIBXML2_MAX_DEPTH))) from None
        raise XmlError(f"malformed XML: {err}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise XmlError("a DOCTYPE (document type declaration) is not allowed in NETCONF messages")
    if limits.max_xml_depth < xmlio.LIBXML2_MAX_DEPTH and xmlio._depth(root) > limits.max_xml_depth:
        raise XmlError(xmlio._depth_message(limits.max_xml_depth))
    return root


def _outcome(parse: Callable[[bytes, Limits], etree._Element], doc: bytes, limits: Limits) -> tuple[str, bytes | str]:
    try:
        root = parse(doc, limits)
    except XmlError as exc:
        return "error", str(exc)
    return "tree", etree.tostring(root.getroottree())


@settings(max_examples=400)
@given(pieces=st.lists(_PIECE, max_size=14), limit=st.integers(0, 12))
def test_the_element_count_is_skipped_only_where_it_would_pass(pieces: list[bytes], limit: int) -> None:
    body = b"".join(pieces)
    assert xmlio.within_element_limit(body, limit) == _reference_within(body, limit)


@settings(max_examples=400)
@given(
    prolog=st.lists(_PIECE, max_size=3),
    pieces=st.lists(_PIECE, max_size=10),
    limit=st.integers(0, 12),
    lead=st.sampled_from([b"", b"\n", b'<?xml version="1.0"?>']),
)
def test_a_message_parses_as_with_every_check_made(
    prolog: list[bytes], pieces: list[bytes], limit: int, lead: bytes
) -> None:
    """Same tree or same error text, DOCTYPEs (before or inside the root) and markup holding "<!" included."""
    doc = lead + b"".join(prolog) + b"<r>" + b"".join(pieces) + b"</r>"
    limits = Limits(max_message_elements=limit)
    assert _outcome(parse_message, doc, limits) == _outcome(_reference_parse, doc, limits)


@pytest.mark.parametrize("doc", [b"<!DOCTYPE r><r/>", b'<!DOCTYPE r [<!ENTITY e "x">]><r/>'])
def test_a_doctype_is_refused(doc: bytes) -> None:
    with pytest.raises(XmlError, match="DOCTYPE"):
        parse_message(doc, Limits())


@pytest.mark.parametrize(
    ("doc", "named"),
    [
        ("<!DOCTYPE r><r/>".encode("utf-16"), "UTF-16"),  # (no "<!" byte pair: a DOCTYPE the byte checks miss)
        ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r><r/>'.encode("utf-16-be"), "UTF-16"),
        ('<?xml version="1.0" encoding="UTF-16"?><r><a/></r>'.encode("utf-16-le"), "UTF-16"),
        (b'<?xml version="1.0" encoding="UTF-7"?>+ADw-r/+AD4-', "UTF-7"),
        ('<?xml version="1.0" encoding="ISO-8859-1"?><r>\u00e9</r>'.encode("latin-1"), "ISO-8859-1"),
    ],
)
def test_a_message_in_another_encoding_is_refused(doc: bytes, named: str) -> None:
    """RFC 6241 section 3: NETCONF messages are UTF-8; the error says so."""
    with pytest.raises(XmlError, match=f"encoded in UTF-8 .* not {named}"):
        parse_message(doc, Limits())


def test_the_element_limit_holds_whatever_the_declaration_says() -> None:
    """A body declared UTF-7 spells each ``<`` as ``+ADw-``: no ``<`` byte to count, and read as UTF-7 it would
    build every element. Read as UTF-8 it builds none."""
    body = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-r+AD4-' + b"+ADw-a/+AD4-" * 50 + b"+ADw-/r+AD4-"
    assert xmlio.within_element_limit(body, 10)  # (the byte count sees none of them)
    with pytest.raises(XmlError, match="UTF-8"):
        parse_message(body, Limits(max_message_elements=10))


@pytest.mark.parametrize(
    "doc",
    [
        b'<?xml version="1.0" encoding="UTF-8"?><r><a>\xc3\xa9</a></r>',
        b"\xef\xbb\xbf<r><a>\xc3\xa9</a></r>",  # a UTF-8 byte-order mark
        b"<?xml version='1.0' encoding='utf-8'?><r><a>\xc3\xa9</a></r>",
        b'<?xml version="1.0" encoding="US-ASCII"?><r><a>&#233;</a></r>',  # ASCII is UTF-8
    ],
)
def test_utf8_messages_parse(doc: bytes) -> None:
    assert parse_message(doc, Limits()).findtext("a") == "\u00e9"


# -- operations.params.datastore: one lookup of the element's name ------------------------------------------------


@dataclass
class _Session:
    candidate: bool


@dataclass
class _Services:
    extensions: bool


@dataclass
class _Ctx:
    session: _Session
    services: _Services


def _reference_datastore(ctx: Any, op: etree._Element, param: str, *, allow_config: bool = False) -> object:
    """``params.datastore`` before the lookup by name (from the element's QName and the enum's values)."""
    holder = params.child(op, param)
    if holder is None:
        raise missing_element(param, etree.QName(op).localname)
    inner = [c for c in holder if isinstance(c.tag, str)]
    if len(inner) != 1:
        raise bad_element(param, f"<{param}> must name exactly one datastore")
    el = inner[0]
    q = etree.QName(el)
    if allow_config and q.localname == "config" and q.namespace in (NC_NS, None):
        return el
    if q.namespace != NC_NS or q.localname not in {d.value for d in Datastore}:
        if q.localname == "url":
            raise protocol_error(
                ErrorTag.OPERATION_NOT_SUPPORTED, "the :url capability is not supported", element="url"
            )
        raise bad_element(param, f"<{q.localname}> is not a datastore")
    if q.localname == STARTUP and not ctx.services.extensions:
        raise protocol_error(
            ErrorTag.INVALID_VALUE,
            "the startup datastore is not available over NETCONF (no :startup capability); save with the device's "
            "save-config RPC",
            element=param,
        )
    if q.localname == CANDIDATE and not ctx.session.candidate:
        raise params.no_candidate(param)
    return Datastore(q.localname)


def _answer(read: Callable[..., object], ctx: _Ctx, op: etree._Element, param: str, allow_config: bool) -> object:
    """What a read gives: the datastore (and its type), the very element, or the fault's errors."""
    try:
        got = read(ctx, op, param, allow_config=allow_config)
    except RpcFault as fault:
        return "fault", list(fault.errors)
    if isinstance(got, etree._Element):
        return "element", got.getroottree().getpath(got)
    return "datastore", got, type(got)


_NAMES = st.sampled_from(["running", "candidate", "startup", "config", "url", "intended", "operational", "x"])
_SPACES = st.sampled_from([NC_NS, "", "urn:ietf:params:xml:ns:yang:ietf-datastores", "urn:x"])


@settings(max_examples=400)
@given(
    inner=st.lists(st.one_of(st.tuples(_NAMES, _SPACES), st.just(("#comment", ""))), max_size=3),
    param=st.sampled_from(["target", "source"]),
    holder=st.booleans(),
    allow_config=st.booleans(),
    candidate=st.booleans(),
    extensions=st.booleans(),
)
def test_the_datastore_parameter_reads_as_before(
    inner: list[tuple[str, str]], param: str, holder: bool, allow_config: bool, candidate: bool, extensions: bool
) -> None:
    op = etree.Element(qn(NC_NS, "copy-config"))
    where = etree.SubElement(op, qn(NC_NS, param if holder else "other"))
    for name, ns in inner:
        if name == "#comment":
            where.append(etree.Comment("c"))
        else:
            etree.SubElement(where, qn(ns, name) if ns else name)
    ctx = _Ctx(_Session(candidate), _Services(extensions))
    assert _answer(params.datastore, ctx, op, param, allow_config) == _answer(
        _reference_datastore, ctx, op, param, allow_config
    )


# -- session: pipelined requests through the worker's deque, answered in order ------------------------------------


class _Pipe(Capture):
    """A capture that honours pause/resume as the SSH channel does."""

    def __init__(self) -> None:
        super().__init__()
        self.paused = False

    def pause_reading(self) -> None:
        assert not self.paused
        self.paused = True

    def resume_reading(self) -> None:
        assert self.paused
        self.paused = False


_OPS = {
    "lock": "<lock><target><running/></target></lock>",
    "unlock": "<unlock><target><running/></target></unlock>",
    "bad": "<lock><target><nowhere/></target></lock>",
    "unknown": "<frobnicate/>",
}


def _request(i: int, op: str) -> bytes:
    return ChunkFramer().encode(f'<rpc xmlns="{NC_NS}" message-id="{i}">{_OPS[op]}</rpc>'.encode())


async def _replies(helpers: Any, ops: list[str], cuts: list[int], turns: list[int], queue: int) -> list[bytes]:
    """The replies to ``ops``, sent as one stream cut at ``cuts``, with ``turns`` loop turns after each read and
    the next read only while the session reads (as the SSH channel delivers)."""
    limits = Limits(max_rpc_queue=queue, hello_timeout_s=0)
    pipe = _Pipe()
    session, _ = lock_session(helpers, limits, pipe)
    stream = b"".join(_request(i, op) for i, op in enumerate(ops))
    bounds = [0, *sorted(c for c in cuts if c < len(stream)), len(stream)]
    async with asyncio.timeout(10):
        for k, (a, b) in enumerate(itertools.pairwise(bounds)):
            while pipe.paused:
                await asyncio.sleep(0)
            session.data_received(stream[a:b])
            for _ in range(turns[k % len(turns)] if turns else 0):
                await asyncio.sleep(0)
        while len(replies := ChunkFramer().feed(bytes(pipe.sent))) < len(ops):
            await asyncio.sleep(0)
    assert not pipe.paused and not pipe.closed
    session.connection_lost()
    return [re.sub(rb"since [0-9-]+ [0-9:]+", b"since T", reply) for reply in replies]  # lock-denied's clock


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=st.lists(st.sampled_from(sorted(_OPS)), min_size=1, max_size=12),
    cuts=st.lists(st.integers(0, 1500), max_size=8),
    turns=st.lists(st.integers(0, 3), max_size=4),
    queue=st.integers(1, 4),
)
def test_pipelined_requests_get_the_replies_of_one_at_a_time(
    helpers: Any, ops: list[str], cuts: list[int], turns: list[int], queue: int
) -> None:
    """However the stream is cut and however far the worker is behind, the replies are those of the same requests
    sent one by one, in order; and reading is paused and resumed in step (the transport checks each change)."""
    pipelined = asyncio.run(_replies(helpers, ops, cuts, turns, queue))
    one_by_one = [asyncio.run(_replies(helpers, ops[: i + 1], [], [], queue))[-1] for i in range(len(ops))]
    assert pipelined == one_by_one
