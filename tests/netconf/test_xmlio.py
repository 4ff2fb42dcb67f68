"""Hardened XML parsing: what a hostile or sloppy peer may send, and what comes back out."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from iosxe_agent.limits import DEFAULT_LIMITS, Limits
from iosxe_agent.netconf.xmlio import NC_NS, WD_NS, XmlError, make_parser, parse_message, qn, serialize

RPC = b'<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"><get/></rpc>'


def nested(depth: int) -> bytes:
    return b"<a>" * depth + b"</a>" * depth


def test_parses_a_plain_rpc() -> None:
    root = parse_message(RPC, DEFAULT_LIMITS)
    assert root.tag == qn(NC_NS, "rpc")
    assert root.get("message-id") == "1"


@pytest.mark.parametrize("prefix", [b"\n", b"  \r\n\t", b"\n\n"])
def test_leading_whitespace_before_the_declaration_is_tolerated(prefix: bytes) -> None:
    root = parse_message(prefix + b'<?xml version="1.0" encoding="UTF-8"?>\n' + RPC, DEFAULT_LIMITS)
    assert root.tag == qn(NC_NS, "rpc")


def test_whitespace_inside_content_is_kept() -> None:
    root = parse_message(b"<a>\n  <b> x </b>\n</a>", DEFAULT_LIMITS)
    assert root.text == "\n  "
    assert root[0].text == " x "


def test_predefined_and_character_references_are_fine() -> None:
    assert parse_message(b"<a>&lt;&amp;&#65;&#x42;</a>", DEFAULT_LIMITS).text == "<&AB"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>"""


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(b"<!DOCTYPE a><a/>", id="bare-doctype"),
        pytest.param(b'<!DOCTYPE a [<!ATTLIST a b CDATA "x">]><a/>', id="default-attribute"),
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(b'<!DOCTYPE a [<!ENTITY e "x">]><a b="&e;">&e;</a>', id="internal-entity"),
        pytest.param(b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>', id="external-entity"),
        pytest.param(b'<!DOCTYPE a [<!ENTITY e SYSTEM "http://example.com/x">]><a>&e;</a>', id="network-entity"),
        pytest.param(b'<!DOCTYPE a PUBLIC "-//x//EN" "http://example.com/a.dtd"><a/>', id="network-dtd"),
    ],
)
def test_doctype_and_entities_are_rejected(doc: bytes) -> None:
    with pytest.raises(XmlError):
        parse_message(doc, DEFAULT_LIMITS)


def test_undeclared_entity_reference_is_rejected() -> None:
    with pytest.raises(XmlError, match="malformed"):
        parse_message(b"<a>&foo;</a>", DEFAULT_LIMITS)


def test_doctype_error_names_the_doctype() -> None:
    with pytest.raises(XmlError, match="DOCTYPE"):
        parse_message(BILLION_LAUGHS, DEFAULT_LIMITS)


@pytest.mark.parametrize(
    "doc",
    [
        b'<!DOCTYPE a SYSTEM "{dtd}"><a>&secret;</a>',
        b'<!DOCTYPE a [<!ENTITY % pe SYSTEM "{dtd}"> %pe;]><a>&secret;</a>',
    ],
    ids=["external-subset", "parameter-entity"],
)
def test_local_external_dtd_is_never_read(doc: bytes, tmp_path: Path) -> None:
    # libxml2 opens a local external subset even with load_dtd=False; the parser's resolver must refuse it
    # before any file is touched (a FIFO there would hang the parser).
    dtd = tmp_path / "x.dtd"
    dtd.write_text('<!ENTITY secret "SECRET">')
    with pytest.raises(XmlError, match="external reference refused"):
        parse_message(doc.replace(b"{dtd}", str(dtd).encode()), DEFAULT_LIMITS)


def test_make_parser_returns_independent_parsers() -> None:
    assert make_parser() is not make_parser()


def test_ten_thousand_deep_nesting_is_rejected_cleanly() -> None:
    with pytest.raises(XmlError, match="nested deeper"):
        parse_message(nested(10_000), DEFAULT_LIMITS)


def test_depth_limit_is_explicit() -> None:
    limits = Limits(max_xml_depth=5)
    assert parse_message(nested(5), limits).tag == "a"
    with pytest.raises(XmlError, match="limit of 5 levels"):
        parse_message(nested(6), limits)


def test_depth_is_measured_on_the_deepest_branch() -> None:
    doc = b"<a><b/><b><c><d/></c></b><b/></a>"
    assert parse_message(doc, Limits(max_xml_depth=4)).tag == "a"
    with pytest.raises(XmlError):
        parse_message(doc, Limits(max_xml_depth=3))


def test_default_depth_limit_accepts_exactly_256() -> None:
    assert parse_message(nested(256), DEFAULT_LIMITS).tag == "a"
    with pytest.raises(XmlError, match="limit of 256"):
        parse_message(nested(257), DEFAULT_LIMITS)


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b" \n\t", id="whitespace-only"),
        pytest.param(b"<a>", id="unclosed"),
        pytest.param(b"<a></b>", id="mismatched"),
        pytest.param(b"<a/><b/>", id="two-roots"),
        pytest.param(b"just text", id="text"),
        pytest.param(b'<a x="1" x="2"/>', id="duplicate-attribute"),
        pytest.param(b"<p:a/>", id="unbound-prefix"),
        pytest.param(b"<a>\xff\xfe</a>", id="invalid-utf8"),
        pytest.param(b"<a/>]]>]]>", id="trailing-garbage"),
    ],
)
def test_malformed_input_raises_xml_error(doc: bytes) -> None:
    with pytest.raises(XmlError):
        parse_message(doc, DEFAULT_LIMITS)


def test_message_size_limit() -> None:
    with pytest.raises(XmlError, match="exceeds"):
        parse_message(b"<a>" + b"x" * 100 + b"</a>", Limits(max_message_bytes=50))


def test_serialize_writes_the_ios_declaration_and_utf8() -> None:
    el = etree.Element(qn(NC_NS, "ok"), nsmap={None: NC_NS})
    el.text = "é"
    assert serialize(el) == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<ok xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\xc3\xa9</ok>'
    )


def test_serialize_leaves_out_the_tail() -> None:
    parent = etree.fromstring(b"<p><a/>tail</p>")
    assert serialize(parent[0]).endswith(b"<a/>")


def test_serialize_round_trips_through_parse() -> None:
    root = parse_message(RPC, DEFAULT_LIMITS)
    assert etree.tostring(parse_message(serialize(root), DEFAULT_LIMITS)) == etree.tostring(root)


def test_qn_builds_clark_names() -> None:
    assert qn(WD_NS, "default") == "{urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults}default"
