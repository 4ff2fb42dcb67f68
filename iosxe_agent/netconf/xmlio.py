"""Hardened XML input and output for NETCONF messages.

Every byte a peer sends is parsed here, so this is where XML attacks stop: no DTD (so no entity declarations,
no billion laughs, no external entities), no file or network access, bounded nesting. lxml's defaults are not
safe: they expand internal entities, and even with ``load_dtd=False`` libxml2 still opens a local external DTD
subset (``<!DOCTYPE x SYSTEM "/some/path">``; a FIFO there hangs the parser), so the parser also carries a
resolver that refuses every external load before libxml2 touches it.

:func:`make_parser` builds a new parser; :func:`parse_message`, which runs for every request, keeps one per
thread instead (lxml parsers must not be used from two threads at once, and parsing may run in a worker thread;
used in turn, a parser starts each document afresh, and building one costs a third of a small request's parse).

Memory is bounded before a tree exists: an lxml tree costs about 130 bytes per element, so a 55 MB message of
``<a/>`` would take 700 MB; :func:`parse_message` counts the elements first (``max_message_elements``).

A message is read as UTF-8 whatever its XML declaration says: NETCONF messages are UTF-8 (RFC 6241 §3). That is
also what keeps the element count honest: it counts ``<`` bytes, which in UTF-8 are exactly the ``<``
characters, while libxml2 would otherwise decode a body declared as UTF-7 (``+ADw-`` is a ``<``) or UTF-16 and
build every element the count did not see.
"""

from __future__ import annotations

import re
import threading
from typing import TypedDict

from lxml import etree

from iosxe_agent.limits import Limits

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
WD_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults"
XML_NS = "http://www.w3.org/XML/1998/namespace"  # the fixed namespace of the ``xml:`` prefix (xml:lang)

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
LIBXML2_MAX_DEPTH = 256  # libxml2's own nesting limit without XML_PARSE_HUGE (huge_tree)
_XML_WHITESPACE = b" \t\r\n"
#: The one encoding of a NETCONF message (RFC 6241 §3), forced on the parser whatever the message declares.
MESSAGE_ENCODING = "utf-8"
#: The encoding a message names in its XML declaration, and the byte-order marks of UTF-16 and UTF-32.
_DECLARED = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


class XmlError(Exception):
    """A message is not acceptable XML; the text says why and becomes the client's error-message."""


class _RefuseExternal(etree.Resolver):
    """Answers every request for an external DTD or entity with an error instead of reading it."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> None:
        raise XmlError(f"external reference refused: {system_url or public_id}")


def qn(ns: str, name: str) -> str:
    """Return the Clark name ``{ns}name`` that lxml uses for namespaced tags and attributes."""
    return f"{{{ns}}}{name}"


class _SafeOptions(TypedDict):
    resolve_entities: bool
    load_dtd: bool
    no_network: bool
    huge_tree: bool
    remove_blank_text: bool
    collect_ids: bool


#: ``huge_tree=False`` keeps libxml2's own limits (nesting 256, text nodes 10 MB); ``remove_blank_text=False``
#: keeps whitespace as sent; ``collect_ids=False`` skips an unused ID table.
_SAFE: _SafeOptions = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "remove_blank_text": False,
    "collect_ids": False,
}


def make_parser(encoding: str | None = None) -> etree.XMLParser:
    """Return a new parser that never expands entities, loads a DTD, touches the network or reads a file;
    ``encoding``: read every document in it, whatever the document declares."""
    parser = etree.XMLParser(encoding=encoding, **_SAFE)
    parser.resolvers.add(_RefuseExternal())
    return parser


class _ThreadParser(threading.local):
    """The safe parser of the current thread, built on first use."""

    def __init__(self) -> None:
        self.parser = make_parser(MESSAGE_ENCODING)


_thread_parser = _ThreadParser()


def _counting_parser(counter: _ElementCounter) -> etree.XMLParser:
    """The same safe parser, sending its start events to ``counter`` instead of building a tree."""
    # types-lxml wants a target with every ParserTarget method; lxml calls only those it has (fewer is faster)
    parser: etree.XMLParser = etree.XMLParser(  # type: ignore[call-overload]
        target=counter, encoding=MESSAGE_ENCODING, **_SAFE
    )
    parser.resolvers.add(_RefuseExternal())
    return parser


def parse_message(data: bytes, limits: Limits) -> etree._Element:
    """Parse one de-framed NETCONF message and return its root element.

    Leading whitespace is dropped first: clients such as scrapli send ``\\n<?xml …``, and an XML declaration
    is only valid at the very first byte. Entity references other than the five predefined ones and character
    references need a DTD to be declared; a DTD is refused outright, so libxml2 rejects them as undefined.

    Raises:
        XmlError: the message is empty, not UTF-8, larger than ``max_message_bytes``, holds more than
            ``max_message_elements`` elements, is not well-formed, has a DOCTYPE, refers to an external resource,
            or nests elements deeper than ``max_xml_depth`` (and never deeper than libxml2's 256, whatever the
            limit says).
    """
    body = data.lstrip(_XML_WHITESPACE)
    if not body:
        raise XmlError("empty message")
    if len(body) > limits.max_message_bytes:
        raise XmlError(
            f"message of {len(body)} bytes exceeds the limit of {limits.max_message_bytes} (max_message_bytes)"
        )
    if not within_element_limit(body, limits.max_message_elements):
        raise XmlError(f"the message holds more than {limits.max_message_elements} elements (max_message_elements)")
    try:
        root = etree.fromstring(body, _thread_parser.parser)
    except etree.XMLSyntaxError as err:
        if err.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT and "depth" in str(err):
            raise XmlError(_depth_message(min(limits.max_xml_depth, LIBXML2_MAX_DEPTH))) from None
        other = _other_encoding(body)
        if other is not None:
            raise XmlError(f"NETCONF messages are encoded in UTF-8 (RFC 6241 section 3), not {other}") from None
        raise XmlError(f"malformed XML: {err}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise XmlError("a DOCTYPE (document type declaration) is not allowed in NETCONF messages")
    # libxml2 has already refused anything deeper than its own bound: only a lower limit needs the walk
    if limits.max_xml_depth < LIBXML2_MAX_DEPTH and _depth(root) > limits.max_xml_depth:
        raise XmlError(_depth_message(limits.max_xml_depth))
    return root


def _other_encoding(body: bytes) -> str | None:
    """The encoding other than UTF-8 that ``body`` is in by its byte-order mark or declares, if any (why a body
    read as UTF-8 did not parse)."""
    if body.startswith(_WIDE_BOMS) or b"\x00" in body[:4]:
        return "UTF-16 or UTF-32"
    declared = _DECLARED.match(body)
    if declared is None:
        return None
    name = declared.group(1).decode("ascii")
    return None if name.lower() in ("utf-8", "utf8") else name


def serialize(el: etree._Element) -> bytes:
    """Return ``el`` (without its tail) as UTF-8 bytes after the XML declaration a Cisco box sends.

    lxml's own ``xml_declaration=True`` writes single quotes; IOS XE writes ``<?xml version="1.0"
    encoding="UTF-8"?>`` followed by a newline, and clients that compare transcripts notice the difference.
    """
    return XML_DECLARATION + b"\n" + etree.tostring(el, encoding="UTF-8", with_tail=False)


def within_element_limit(body: bytes, limit: int) -> bool:
    """True unless the XML text ``body`` holds more than ``limit`` elements; no tree is built.

    Every element has exactly one start tag, a ``<`` not followed by ``/``, ``!`` or ``?``, so counting bytes
    (C speed, linear) is exact unless a comment, CDATA section or processing instruction holds a raw ``<``;
    only when that count is over the limit and such markup is present, a parser that builds no tree counts the
    elements, stopping at the first one over the limit. Malformed text counts as within the limit: the real
    parse reports it. A text of at most ``limit`` bytes is within it without a count (the count is of bytes, so it
    never exceeds the length): the usual request is far below the limit and need not be scanned four times.
    """
    if len(body) <= limit:
        return True
    # each count is a pass over the text (~1.5 ms per 2 MB): the next is made only when the bound so far is over
    tags = body.count(b"<")
    if tags <= limit:
        return True
    tags -= body.count(b"</")
    if tags <= limit:
        return True
    tags -= body.count(b"<!") + body.count(b"<?")
    if tags <= limit:
        return True
    if b"<!" not in body and b"<?" not in body:
        return False
    counter = _ElementCounter(limit)
    try:
        etree.fromstring(body, _counting_parser(counter))
    except _TooManyElements:
        return False
    except (etree.XMLSyntaxError, XmlError):
        pass
    return True


class _TooManyElements(Exception):
    """Raised by :class:`_ElementCounter` to stop the parse."""


class _ElementCounter:
    """A parser target that only counts start tags and stops the parse past ``limit``."""

    def __init__(self, limit: int) -> None:
        self._left = limit

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._left -= 1
        if self._left < 0:
            raise _TooManyElements

    def close(self) -> None:
        return None


def _depth(root: etree._Element) -> int:
    """Deepest element nesting under ``root`` (root alone is 1), walked iteratively so no Python recursion."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _depth_message(limit: int) -> str:
    return f"XML elements are nested deeper than the limit of {limit} levels (max_xml_depth)"
