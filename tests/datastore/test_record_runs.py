"""Runs of created nodes in the change record (``n`` ops) and the diff's created-only lists.

Why: a bulk create is one ``n`` op (the run serialised, parsed and inserted in C) instead of one ``c`` op per
node, and the diff skips the old entries of a list the edit only added to (``touched.created_only``). Both exist for
speed only, so random user edits (runs created at the start, middle and end of the list, mixed with removals,
replacements and other leaves; sometimes a second edit of a copy, its report merged as a candidate's is) must give
the diff of the full compare, and records that replay to the committed tree exactly as the same record with each
run spelled as the ``c`` ops records always had. Journals written before runs existed still replay.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import Change, diff
from iosxe_agent.data.edit import EditResult
from iosxe_agent.data.tags import tag_of
from iosxe_agent.data.touched import Touched, created_only, identity
from iosxe_agent.datastore import change_record
from iosxe_agent.datastore.change_record import INDEX_AFTER, Replayer, encode
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.yang.schema import Schema

NC_OP = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"'
NAMES = 60


def user(i: int, privilege: int = 1) -> str:
    return f"<username><name>u{i:02d}</name><privilege>{privilege}</privilege></username>"


def removal(i: int) -> str:
    return f'<username {NC_OP} nc:operation="remove"><name>u{i:02d}</name></username>'


def replayed(start: etree._Element, records: list[bytes], schema: Schema, index_after: int = INDEX_AFTER) -> bytes:
    tree = copy.deepcopy(start)
    replayer = Replayer(tree, schema, index_after)
    for record in records:
        replayer.replay(record)
    return etree.tostring(tree)


def as_single_creates(record: bytes, schema: Schema) -> bytes:
    """``record`` with each ``n`` op spelled as the ``c`` ops of its nodes, one after the other."""
    ops: list[Any] = []
    for op in change_record.decode_ops(record):
        if op[0] != "n":
            ops.append(op)
            continue
        _, path, after, value = op
        snode: Any = schema.root
        for step in path:
            snode = snode.child(step[0])
        for el in change_record._fragments(value):
            ident = list(identity(el, snode.child(tag_of(el))))
            ops.append(["c", [*path, ident], after, change_record._dump(el)])
            after = ident
    return change_record.encode_ops(ops)


def _seen(changes: tuple[Change, ...]) -> list[tuple[object, ...]]:
    return [(c.op, c.path, c.path_ns, c.old, c.new) for c in changes]


@st.composite
def user_edit(draw: st.DrawFn, present: set[int]) -> str:
    """Creations (often many, in runs), removals and new privileges of users, maybe a new hostname."""
    absent = sorted(set(range(NAMES)) - present)
    low = draw(st.integers(0, NAMES // 2))
    high = draw(st.integers(low, NAMES))
    created = [i for i in absent if low <= i < high]  # a range: runs at the start, middle or end of the list
    ordered = sorted(present) if draw(st.booleans()) else []  # half of them only create
    removed = draw(st.lists(st.sampled_from(ordered), unique=True, max_size=3)) if ordered else []
    changed = draw(st.lists(st.sampled_from(ordered), unique=True, max_size=2)) if ordered else []
    parts = [user(i) for i in created] + [removal(i) for i in removed if i not in changed]
    parts += [user(i, 15) for i in changed]
    parts = draw(st.permutations(parts))
    return "".join(parts) + draw(st.sampled_from(["", "<hostname>R2</hostname>"]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), start=st.sets(st.integers(0, NAMES - 1), max_size=NAMES // 2), twice=st.booleans())
def test_runs_replay_as_single_creates_and_diff_as_the_full_compare(
    ios: Any, data: st.DataObject, start: set[int], twice: bool
) -> None:
    schema = ios.schema
    old = ios.tree("<hostname>R1</hostname>" + "".join(user(i) for i in sorted(start)))
    result: EditResult = ios.edit(old, data.draw(user_edit(start)))
    assert result.tree is not None, result.errors
    new, touched = result.tree, result.touched
    if twice:  # a candidate edited again: the second edit works on a copy, the reports are merged
        names = {int(e.findtext("{*}name")[1:]) for e in new.iter("{*}username")}  # type: ignore[index]
        second = ios.edit(new, data.draw(user_edit(names)))
        assert second.tree is not None, second.errors
        merged = Touched()
        merged.merge(touched)
        merged.merge(second.touched)
        new, touched = second.tree, merged
    changes = diff(old, new, schema, touched)
    event(f"bulk: {bool(touched.children and next(iter(touched.children.values())).bulk)}")
    assert _seen(changes) == _seen(diff(old, new, schema))
    record = encode(Transaction(old, new, changes, SYSTEM), schema, touched)
    event(f"ops: {sorted({op[0] for op in change_record.decode_ops(record)})}")
    assert replayed(old, [record], schema) == etree.tostring(new)
    assert replayed(old, [record], schema, 0) == etree.tostring(new)  # the list indexed: the run is remembered
    assert replayed(old, [as_single_creates(record, schema)], schema) == etree.tostring(new)


def test_a_bulk_create_is_a_run_per_gap_and_found_created(ios: Any) -> None:
    old = ios.tree("<hostname>R1</hostname>" + "".join(user(i) for i in range(0, NAMES, 10)))
    result = ios.edit(old, "".join(user(i) for i in range(31, 50)))
    assert result.tree is not None
    native = result.tree[0]
    [report] = result.touched.children.values()
    [created] = created_only(old[0], native, ios.schema.root.child(tag_of(native)), report).values()
    assert [e.findtext("{*}name") for e in created] == [f"u{i}" for i in range(31, 50) if i != 40]
    txn = Transaction(old, result.tree, diff(old, result.tree, ios.schema, result.touched), SYSTEM)
    ops = change_record.decode_ops(encode(txn, ios.schema, result.touched))
    assert [(op[0], op[2][1]) for op in ops] == [("n", "u30"), ("n", "u40")]


def test_a_bulk_create_with_a_change_inside_another_entry_is_not_created_only(ios: Any) -> None:
    """The report names no change inside an entry of a kind its parent reports whole: that one is no longer as it
    was, so the kind's bulk is dropped and the list compared."""
    old = ios.tree("<hostname>R1</hostname>" + user(0))
    result = ios.edit(old, "".join(user(i) for i in range(10, 40)) + user(0, 15))
    assert result.tree is not None
    [report] = result.touched.children.values()
    assert not report.bulk
    assert _seen(diff(old, result.tree, ios.schema, result.touched)) == _seen(diff(old, result.tree, ios.schema))


def test_records_written_before_runs_replay_alike(ios: Any) -> None:
    """A journal of the encoder before runs (one ``c`` op per created node, golden file) replays to its tree."""
    golden = json.loads((Path(__file__).parent / "data" / "old_records.json").read_text())
    start = etree.fromstring(golden["start"].encode())
    records = [record.encode() for record in golden["records"]]
    for way in (0, INDEX_AFTER, 10**9):
        assert replayed(start, records, ios.schema, way) == golden["final"].encode()
