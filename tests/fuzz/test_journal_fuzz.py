"""Hostile journals: a record that is well-formed (ops as JSON with their XML after them, or the older all-JSON
form) but not a valid change (wrong shapes, unknown ops, paths that name nothing, broken XML) is refused with
RecordError and nothing else; a journal file with any bytes at all after its whole records loads as the snapshot
plus exactly those records, and is cut back to them.
"""

from __future__ import annotations

import copy
import json
import tempfile
import zlib
from pathlib import Path
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.change_record import RecordError, decode_ops, encode, replay
from iosxe_agent.datastore.journal import FRAME, RunningJournal
from iosxe_agent.datastore.persist import serialize
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.limits import Limits

FUZZ = settings.get_profile("iosxe-fuzz")
TOP, TAG, RULE = "{urn:test:edge}top", "{urn:test:edge}tag", "{urn:test:edge}rule"

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "c", "d", "r", "o", TOP, TAG, RULE, "t1"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["ops", "x"]), inner, max_size=2),
    max_leaves=12,
)
FRAGMENTS = st.sampled_from(["<tag xmlns='urn:test:edge'>t9</tag>", "<unclosed", "<x/>", "", "<tag/>"])


@st.composite
def mutated(draw: st.DrawFn, record: bytes) -> bytes:
    """A real record with one part of one op replaced by something else (an XML text's number too), or one of its
    XML texts."""
    header, *texts = record.split(b"\0")
    ops = json.loads(header)
    if not ops:
        return record
    if texts and draw(st.booleans()):
        texts[draw(st.integers(0, len(texts) - 1))] = draw(FRAGMENTS).encode()
    else:
        op = ops[draw(st.integers(0, len(ops) - 1))]
        op[draw(st.integers(0, len(op) - 1))] = draw(JSON | FRAGMENTS)
    return b"\0".join([json.dumps(ops).encode(), *texts])


@st.composite
def mutated_as_before(draw: st.DrawFn, record: bytes) -> bytes:
    """A real record in the form journals had before ``encode_ops`` (a JSON object, each XML text inline), with
    one part of one op replaced by something else."""
    ops = [[_inline(part) for part in op] for op in decode_ops(record)]
    if ops:
        op = ops[draw(st.integers(0, len(ops) - 1))]
        op[draw(st.integers(0, len(op) - 1))] = draw(JSON | FRAGMENTS)
    return json.dumps({"ops": ops}).encode()


def _inline(part: Any) -> Any:
    """An op's part as the older records held it: XML as a string."""
    if isinstance(part, bytes):
        return part.decode()
    if isinstance(part, list) and part and isinstance(part[0], bytes):
        return [part[0].decode(), *part[1:]]
    return part


def start(edge: Any) -> Any:
    rules = "".join(f"<rule><name>{n}</name><action>x</action></rule>" for n in "abc")
    return edge.tree(f"{rules}<tag>t1</tag><tag>t2</tag><big>1</big>")


def record_of(edge: Any, tree: Any, body: str) -> tuple[Any, bytes]:
    result = edge.edit(tree, body)
    assert result.tree is not None
    txn = Transaction(tree, result.tree, diff(tree, result.tree, edge.schema, result.touched), SYSTEM)
    return result.tree, encode(txn, edge.schema, result.touched)


BODIES = [
    "<big>2</big>",
    "<tag>t3</tag>",
    "<rule><name>d</name><action>y</action></rule>",
    '<rule xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"><name>b</name></rule>',
    '<tag xmlns:yang="urn:ietf:params:xml:ns:yang:1" yang:insert="first">t2</tag>',
]


@settings(FUZZ, max_examples=max(1, FUZZ.max_examples // 2))
@given(data=st.data())
def test_a_record_that_is_not_a_change_of_this_tree_is_refused(edge: Any, data: st.DataObject) -> None:
    tree = start(edge)
    _, good = record_of(edge, tree, data.draw(st.sampled_from(BODIES)))
    record = data.draw(
        mutated(good) | mutated_as_before(good) | JSON.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=40)
    )
    target = copy.deepcopy(tree)
    try:
        replay(target, record, edge.schema)
        event("applied")
    except RecordError:
        event("refused")


@settings(FUZZ, max_examples=max(1, FUZZ.max_examples // 4))
@given(data=st.data())
def test_any_tail_after_whole_records_is_cut_off(edge: Any, data: st.DataObject) -> None:
    tree = start(edge)
    trees, records = [tree], []
    for body in data.draw(st.lists(st.sampled_from(BODIES), min_size=1, max_size=4)):
        tree, record = record_of(edge, tree, body)
        trees.append(tree)
        records.append(record)
    kept = data.draw(st.integers(0, len(records)))
    frames = [FRAME.pack(len(r), zlib.crc32(r)) + r for r in records]
    tail = data.draw(
        st.binary(max_size=64)
        | st.sampled_from(frames).map(lambda f: f[: len(f) // 2])
        | st.sampled_from(frames).map(lambda f: f[:-1] + bytes([f[-1] ^ 0xFF]))
    )
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        (state / "running-config.1.xml").write_bytes(serialize(trees[0]))
        body = b"".join(frames[:kept])
        (state / "running-config.1.journal").write_bytes(body + tail)
        loaded = RunningJournal(state / "running-config.xml", edge.schema, Limits()).load()
        assert loaded is not None
        size = (state / "running-config.1.journal").stat().st_size
    # the tail may itself hold a whole valid frame (a record of the next commit): then it is kept
    if size == len(body):
        assert etree.tostring(loaded) == etree.tostring(trees[kept])
    else:
        event("the tail was a whole record")
        assert size > len(body)
