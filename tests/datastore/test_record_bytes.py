"""A change record's bytes (``change_record.encode_ops``/``decode_ops``) and the XML of its subtrees
(``change_record._serialised``, one incremental writer for a run instead of a ``tostring`` per node).

The XML of a run must be exactly what ``tostring`` writes of each node alone, whatever the namespaces, comments,
processing instructions, tails and characters around it, since replaying a record must give back the committed
tree byte for byte; and the ops a record's bytes decode to must be the ops it was made of, for any identity,
value and XML text.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.datastore import change_record
from iosxe_agent.datastore.change_record import RecordError, decode_ops, encode_ops

NAMESPACES = ["urn:a", "urn:b", "urn:c"]
#: Texts XML can hold: escapes, a carriage return, non-ASCII, the empty string (``<x></x>``) and none (``<x/>``).
TEXTS = st.one_of(st.none(), st.sampled_from(["", "a&b<c>", "q\"uo'te", "\r\n\t", "é ü 漢", "]]>", "plain"]))


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> etree._Element:
    """A parent whose children have namespaces declared on the parent, on themselves or on their own children,
    default or prefixed, with attributes, texts, tails, comments and processing instructions among them."""
    ns = draw(st.sampled_from(NAMESPACES))
    prefix = draw(st.sampled_from([None, "p", "q"]))
    nsmap: dict[str | None, str] = {prefix: ns}
    if draw(st.booleans()):
        nsmap["u"] = "urn:unused"  # declared, used by nothing
    el = etree.Element(f"{{{ns}}}e{depth}", nsmap=nsmap)
    el.text = draw(TEXTS)
    if draw(st.booleans()):
        el.set(f"{{{draw(st.sampled_from(NAMESPACES))}}}at", draw(st.sampled_from(["1", "x&y", "é"])))
    for _ in range(draw(st.integers(0, 3 if depth < 2 else 0))):
        kind = draw(st.sampled_from(["element", "element", "comment", "pi"]))
        if kind == "comment":
            child: etree._Element = etree.Comment(draw(st.sampled_from(["c", " a - b ", "é"])))
        elif kind == "pi":
            child = etree.ProcessingInstruction("pi", draw(st.sampled_from(["x", "y='1'"])))
        else:
            child = draw(trees(depth + 1))
        el.append(child)
        child.tail = draw(st.sampled_from([None, "", " tail ", "\n"]))
    return el


@settings(max_examples=300, deadline=None)
@given(trees(), st.data())
def test_a_run_is_written_as_each_node_alone(parent: etree._Element, data: st.DataObject) -> None:
    """Every run of adjacent children: the same bytes as ``tostring`` of each, without tails, one after the
    other; and the run replays (parsed inside the wrapper) to nodes that write the same bytes again."""
    holder = etree.Element("{urn:top}top", nsmap={None: "urn:top", "p": "urn:a"})
    holder.append(parent)
    nodes = list(parent)
    if not nodes:
        return
    start = data.draw(st.integers(0, len(nodes) - 1))
    end = data.draw(st.integers(start + 1, len(nodes)))
    run = tuple(nodes[start:end])
    alone = b"".join(etree.tostring(n, encoding="UTF-8", with_tail=False) for n in run)
    assert change_record._serialised(run) == alone
    if all(isinstance(n.tag, str) for n in run):
        value = change_record._dump(*run)
        again = change_record._fragments(value) if len(run) > 1 else [change_record._fragment(value)]
        assert b"".join(etree.tostring(n, encoding="UTF-8", with_tail=False) for n in again) == alone


XML = st.binary(min_size=1, max_size=40).filter(lambda b: b"\0" not in b)
IDENTITY = st.lists(st.text(max_size=6), min_size=1, max_size=3)
PATH = st.lists(IDENTITY, max_size=3)
VALUE = st.one_of(XML, st.tuples(XML, st.lists(st.integers(0, 9), min_size=1, max_size=3)).map(list))
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("c"), PATH, st.one_of(st.none(), IDENTITY), VALUE).map(list),
        st.tuples(st.just("n"), PATH, st.one_of(st.none(), IDENTITY), VALUE).map(list),
        st.tuples(st.just("r"), PATH, VALUE).map(list),
        st.tuples(st.just("d"), PATH).map(list),
        st.tuples(st.just("o"), PATH, st.text(max_size=5), st.lists(IDENTITY, max_size=3)).map(list),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(OPS)
def test_the_bytes_decode_to_the_ops(ops: list[list[Any]]) -> None:
    """Any ops (any identities and XML texts, with or without empty-text positions) come back as they went."""
    assert decode_ops(encode_ops(ops)) == ops


def test_xml_holding_a_nul_is_not_recorded() -> None:
    with pytest.raises(ValueError):
        encode_ops([["r", [["t"]], b"<a>\0</a>"]])


def test_the_xml_is_written_raw_after_the_ops() -> None:
    """No escaping of the XML: what a record holds of 10,000 users is their bytes."""
    xml = b'<user xmlns="urn:a"><name>"q"</name></user>'
    assert encode_ops([["d", [["t"]]], ["r", [["t"]], [xml, [1]]]]) == b'[["d",[["t"]]],["r",[["t"]],[0,[1]]]]\0' + xml


def test_a_record_written_before_decodes_as_it_did() -> None:
    """The JSON object of older journals, each XML text inline."""
    assert decode_ops(b'{"ops": [["r", [["t"]], "<a/>"]]}') == [["r", [["t"]], "<a/>"]]
    with pytest.raises(RecordError):
        decode_ops(b'{"ops": 3, "x": }')
