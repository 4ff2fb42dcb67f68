"""The per-RPC fast paths of the NETCONF layer give exactly what the general paths give.

Each fast path exists only for speed (see the modules' docstrings), so each is checked against the path it
short-cuts on many generated inputs: chunk headers taken whole against the byte-at-a-time state machine,
attribute echo against the one-pass XPath walk, the skipped depth walk against libxml2's own bound, templated
``<ok/>`` replies against the serialised reply tree.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from typing import Any

import pytest
from capture_transport import lock_session
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.limits import DEFAULT_LIMITS, Limits
from iosxe_agent.netconf import ok_reply as ok_reply_module
from iosxe_agent.netconf import xmlio
from iosxe_agent.netconf.errors import rpc_attributes, rpc_reply
from iosxe_agent.netconf.framing import ChunkFramer, FramingError
from iosxe_agent.netconf.ok_reply import MAX_SHAPES, MAX_TEMPLATE_ATTRIBUTES, ok_reply
from iosxe_agent.netconf.operations.params import child
from iosxe_agent.netconf.xmlio import (
    LIBXML2_MAX_DEPTH,
    NC_NS,
    WD_NS,
    XML_NS,
    XmlError,
    make_parser,
    parse_message,
    qn,
    serialize,
)


class _Bytewise(ChunkFramer):
    """The framer without its fast path: every header byte through the state machine (the reference)."""

    def _whole_header(self, data: bytes, pos: int, messages: list[bytes]) -> int:
        return 0


Outcome = tuple[list[bytes], tuple[type[FramingError], str] | None]


def _outcome(framer: ChunkFramer, pieces: list[bytes]) -> Outcome:
    """Messages completed until the first error, and that error (type and text)."""
    messages: list[bytes] = []
    for piece in pieces:
        try:
            messages += framer.feed(piece)
        except FramingError as exc:
            return messages, (type(exc), str(exc))
    return messages, None


# Tokens of a chunked stream: well-formed headers and data, end markers, and bytes that break the grammar
# (a leading zero, letters, stray LFs and hashes, over-long digit runs).
_token = st.one_of(
    st.integers(1, 120).map(lambda n: b"\n#%d\n" % n + b"d" * n),
    st.just(b"\n##\n"),
    st.integers(0, 99_999_999_999).map(lambda n: b"\n#%d\n" % n),
    st.binary(min_size=1, max_size=4).map(lambda b: bytes(c % 4 for c in b).translate(b"\n#0x" + bytes(252))),
    st.text("0123456789#\nab", min_size=1, max_size=14).map(str.encode),
)


@settings(max_examples=400)
@given(
    tokens=st.lists(_token, max_size=12),
    max_chunk=st.integers(1, 150),
    max_message=st.integers(1, 300),
    cuts=st.lists(st.integers(0, 400), max_size=6),
)
def test_whole_headers_decode_as_the_byte_state_machine_does(
    tokens: list[bytes], max_chunk: int, max_message: int, cuts: list[int]
) -> None:
    """Same reads, same messages and same error; and one byte per read (never a whole header) agrees too."""
    stream = b"".join(tokens)
    limits = Limits(max_chunk_bytes=max_chunk, max_message_bytes=max_message)
    bounds = [0, *sorted(c for c in cuts if c < len(stream)), len(stream)]
    pieces = [stream[a:b] for a, b in itertools.pairwise(bounds)]
    assert _outcome(ChunkFramer(limits), pieces) == _outcome(_Bytewise(limits), pieces)
    assert _outcome(ChunkFramer(limits), [stream]) == _outcome(_Bytewise(limits), [stream])
    one_by_one = [stream[i : i + 1] for i in range(len(stream))]
    assert _outcome(ChunkFramer(limits), one_by_one) == _outcome(_Bytewise(limits), one_by_one)


# -- xmlio: one parser per thread, and the depth walk only below libxml2's own bound ----------------------------

_DOCS = [
    b'<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"><get/></rpc>',
    b"\n  <?xml version='1.0' encoding='UTF-8'?>\n<a b='1'>&lt;&amp;&#65;<c/><!-- x --><?pi y?></a>",
    b"<!DOCTYPE a><a/>",
    b'<!DOCTYPE a [<!ENTITY e "x">]><a b="&e;">&e;</a>',
    b'<!DOCTYPE a SYSTEM "/nonexistent/x.dtd"><a>&secret;</a>',
    b'<!DOCTYPE a [<!ENTITY % pe SYSTEM "/nonexistent/x.dtd"> %pe;]><a/>',
    b'<!DOCTYPE a PUBLIC "-//x//EN" "http://127.0.0.1:9/a.dtd"><a/>',
    b"<a>&foo;</a>",
    b"<a><b></a>",
    b"<a xmlns:p='urn:x'><p:b p:c='2'/></a>",
    b"<a>" * 300 + b"</a>" * 300,
    b"<a>" * 256 + b"</a>" * 256,
    b"",
    b"<a/><b/>",
]


def _parsed(doc: bytes) -> tuple[str, bytes | str]:
    """What ``parse_message`` makes of ``doc``: the tree (with its document's DOCTYPE) or the error text."""
    try:
        root = parse_message(doc, DEFAULT_LIMITS)
    except XmlError as exc:
        return "error", str(exc)
    return "tree", etree.tostring(root.getroottree())


class _FreshParser:
    """Stands in for the per-thread parser: a new one for every document (what every parse used to get)."""

    @property
    def parser(self) -> etree.XMLParser:
        return make_parser()


@settings(max_examples=150)
@given(order=st.lists(st.sampled_from(_DOCS), max_size=20))
def test_a_reused_parser_parses_each_document_as_a_fresh_one(order: list[bytes]) -> None:
    """Hostile documents (a DOCTYPE, entities, a refused external load, depth, malformed XML) leave nothing
    behind in the thread's parser: whatever came before, each document gets the fresh parser's answer."""
    reused = [_parsed(doc) for doc in order]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xmlio, "_thread_parser", _FreshParser())
        assert reused == [_parsed(doc) for doc in order]


def test_each_thread_has_its_own_parser() -> None:
    parsers: list[etree.XMLParser] = []
    worker = threading.Thread(target=lambda: parsers.append(xmlio._thread_parser.parser))
    worker.start()
    worker.join()
    assert parsers[0] is not xmlio._thread_parser.parser


def _tree(shape: list[int]) -> bytes:
    """A document whose root has one branch per entry of ``shape``, each that many elements deep."""
    return b"<r>" + b"".join(b"<a>" * depth + b"</a>" * depth for depth in shape) + b"</r>"


@settings(max_examples=100)
@given(shape=st.lists(st.integers(0, 300), min_size=1, max_size=4), limit=st.sampled_from([256, 257, 400, 10**6]))
def test_no_accepted_document_is_deeper_than_libxml2_allows(shape: list[int], limit: int) -> None:
    """The walk is skipped for limits at or above libxml2's bound because libxml2 refuses deeper documents
    itself, with the same message as the walk: checked here, so a libxml2 that stops doing so fails."""
    doc = _tree(shape)
    deepest = 1 + max(shape)
    try:
        root = parse_message(doc, Limits(max_xml_depth=limit))
    except XmlError as exc:
        assert deepest > LIBXML2_MAX_DEPTH
        assert (
            str(exc) == f"XML elements are nested deeper than the limit of {LIBXML2_MAX_DEPTH} levels (max_xml_depth)"
        )
        return
    assert xmlio._depth(root) == deepest <= LIBXML2_MAX_DEPTH


# -- errors.rpc_attributes: ``attrib`` for a few attributes, the XPath walk for many ------------------------------

_NAMES = st.sampled_from(["message-id", "a", "b-c", "{urn:x}message-id", "{urn:y}z", f"{{{XML_NS}}}lang", "q"])
_VALUES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=6)


@settings(max_examples=300)
@given(attrs=st.lists(st.tuples(st.one_of(_NAMES, st.from_regex(r"\Ak[0-9]{1,2}\Z")), _VALUES), max_size=20))
def test_rpc_attributes_reads_as_the_one_pass_walk(attrs: list[tuple[str, str]]) -> None:
    """Same names, values and document order on either side of the threshold, namespaced ones included."""
    rpc = etree.Element(qn(NC_NS, "rpc"), nsmap={None: NC_NS, "x": "urn:x", "y": "urn:y"})
    for name, value in attrs:
        rpc.set(name, value)
    reparsed = parse_message(etree.tostring(rpc), DEFAULT_LIMITS)
    for el in (rpc, reparsed):
        walked = {str(a.attrname): str(a) for a in el.xpath("@*")}
        got = rpc_attributes(el)
        assert list(got.items()) == list(walked.items())
        assert all(type(v) is str for v in got.values())


# -- operations.params.child: the first matching child by ``iterchildren`` rather than ``find`` -----------------

_CHILD = st.tuples(st.sampled_from(["source", "target", "filter", "config"]), st.sampled_from([NC_NS, WD_NS, ""]))


@settings(max_examples=200)
@given(children=st.lists(st.one_of(_CHILD, st.just(("#comment", "")), st.just(("#pi", ""))), max_size=8))
def test_child_finds_what_find_finds(children: list[tuple[str, str]]) -> None:
    op = etree.Element(qn(NC_NS, "get-config"))
    for name, ns in children:
        if name == "#comment":
            op.append(etree.Comment("c"))
        elif name == "#pi":
            op.append(etree.ProcessingInstruction("p", "x"))
        else:
            etree.SubElement(op, qn(ns, name) if ns else name).text = str(len(op))
    for name in ("source", "target", "filter", "config"):
        for ns in (NC_NS, WD_NS):
            assert child(op, name, ns) is op.find(qn(ns, name))


# -- ok_reply: an <ok/> reply's bytes from a per-shape template ---------------------------------------------------

_VALUE_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00\ufffe\uffff")
_ATTR_VALUES = st.one_of(
    st.from_regex(r"\A[0-9]{1,6}\Z"),
    st.text(st.sampled_from("ab1 &<>\"'\t\r\n;:=/é€\U0001f600"), max_size=8),
    st.text(_VALUE_CHARS, max_size=8).filter(lambda v: all(c >= " " or c in "\t\r\n" for c in v)),
)


@st.composite
def _requests(draw: st.DrawFn) -> etree._Element:
    """A parsed ``<rpc>``: the base namespace as default or as ``nc:``, extra declarations, attributes in no
    namespace or in a declared one, values plain or needing escapes."""
    nsmap: dict[str | None, str] = {"nc": NC_NS} if draw(st.booleans()) else {None: NC_NS}
    for prefix in draw(st.lists(st.sampled_from(["x", "y", "nc2"]), unique=True, max_size=2)):
        nsmap[prefix] = draw(st.sampled_from(["urn:x", "urn:y", NC_NS, "urn:a&b"]))
    rpc = etree.Element(qn(NC_NS, "rpc"), nsmap=nsmap)
    id_name = draw(st.sampled_from(["message-id", qn(NC_NS, "message-id")]))
    rpc.set(id_name, draw(_ATTR_VALUES))
    for name in draw(st.lists(st.sampled_from(["a", "b", "{urn:x}c", "{urn:y}d", "k9"]), unique=True, max_size=9)):
        rpc.set(name, draw(_ATTR_VALUES))
    etree.SubElement(rpc, qn(NC_NS, "commit"))
    return parse_message(etree.tostring(rpc), DEFAULT_LIMITS)


@settings(max_examples=200)
@given(requests=st.lists(_requests(), min_size=1, max_size=4))
def test_ok_reply_is_byte_identical_to_the_serialised_reply_tree(requests: list[etree._Element]) -> None:
    for rpc in requests * 2:  # the second time round, every shape has its template
        general = serialize(rpc_reply(rpc))
        fast = ok_reply(rpc)
        assert fast is None or fast == general
        plain = all(not set(v) & set('&<>"\t\r\n') for v in rpc.attrib.values())
        if plain and len(rpc.attrib) <= MAX_TEMPLATE_ATTRIBUTES:
            assert fast == general  # the template is used whenever it can be


def test_ok_reply_bounds_its_templates() -> None:
    for i in range(MAX_SHAPES * 3):
        rpc = parse_message(f'<rpc xmlns="{NC_NS}" message-id="{i}" a{i}="v"><commit/></rpc>'.encode(), DEFAULT_LIMITS)
        assert ok_reply(rpc) == serialize(rpc_reply(rpc))
        assert len(ok_reply_module._templates) <= MAX_SHAPES


def test_ok_reply_leaves_long_attribute_lists_to_the_general_path() -> None:
    attrs = "".join(f' a{i}="v"' for i in range(MAX_TEMPLATE_ATTRIBUTES))
    rpc = parse_message(f'<rpc xmlns="{NC_NS}" message-id="1"{attrs}><commit/></rpc>'.encode(), DEFAULT_LIMITS)
    assert ok_reply(rpc) is None


_LOCK = (
    f'<nc:rpc xmlns:nc="{NC_NS}" nc:message-id="m&amp;1" x="y">'
    "<nc:lock><nc:target><nc:running/></nc:target></nc:lock></nc:rpc>"
)


@pytest.mark.parametrize("message_id", ["1", "m&amp;1", "é€"])
async def test_an_ok_reply_goes_out_as_the_reply_tree_would(helpers: Any, message_id: str) -> None:
    session, capture = lock_session(helpers, DEFAULT_LIMITS)
    request = f'<rpc xmlns="{NC_NS}" message-id="{message_id}"><lock><target><running/></target></lock></rpc>'
    rpc = parse_message(request.encode(), DEFAULT_LIMITS)
    session.data_received(ChunkFramer().encode(request.encode()))
    async with asyncio.timeout(10):
        while not capture.sent.endswith(b"\n##\n"):
            await asyncio.sleep(0)
    assert bytes(capture.sent) == ChunkFramer().encode(serialize(rpc_reply(rpc)))
    session.connection_lost()


async def test_an_ok_reply_over_max_reply_bytes_is_still_refused_as_too_big(helpers: Any) -> None:
    session, capture = lock_session(helpers, Limits(max_reply_bytes=100))
    rpc = parse_message(_LOCK.encode(), DEFAULT_LIMITS)
    size = len(serialize(rpc_reply(rpc)))
    assert size > 100
    session.data_received(ChunkFramer().encode(_LOCK.encode()))
    async with asyncio.timeout(10):
        while not capture.sent.endswith(b"\n##\n"):
            await asyncio.sleep(0)
    reply = parse_message(ChunkFramer().feed(bytes(capture.sent))[0], DEFAULT_LIMITS)
    assert reply.get(qn(NC_NS, "message-id")) == "m&1" and reply.get("x") == "y"
    assert reply.findtext(f"{{{NC_NS}}}rpc-error/{{{NC_NS}}}error-tag") == "too-big"
    message = f"the reply of {size} bytes exceeds the limit of 100 (max_reply_bytes)"
    assert reply.findtext(f"{{{NC_NS}}}rpc-error/{{{NC_NS}}}error-message") == message
    session.connection_lost()
