"""A replayer finds list entries by key in C for its first lookups in a list and indexes the list after that
(``Replayer(index_after=...)``): whichever way an entry is found, random records replay to the same bytes and a
record naming a missing or present entry fails the same way. ``index_after=0`` is the old, always-indexed path."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.data.edit import EditResult
from iosxe_agent.datastore.change_record import INDEX_AFTER, RecordError, Replayer, encode
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.yang.schema import Schema

NC_OP = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"'
NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
#: always index, the default, never index (find every entry by key)
WAYS = (0, INDEX_AFTER, 10**9)


def commit(old: etree._Element, result: EditResult, schema: Schema) -> tuple[etree._Element, bytes]:
    """The new tree and the record a commit of ``result`` onto ``old`` stores."""
    assert result.tree is not None
    new = result.tree
    hash_clear_secrets(new)
    txn = Transaction(old, new, diff(old, new, schema, result.touched), SYSTEM)
    return new, encode(txn, schema, result.touched)


def replayed(start: etree._Element, records: list[bytes], schema: Schema, index_after: int) -> bytes | str:
    """The tree ``records`` make of ``start`` with one replayer (as the journal replays), or the error."""
    tree = copy.deepcopy(start)
    replayer = Replayer(tree, schema, index_after)
    try:
        for record in records:
            replayer.replay(record)
    except RecordError as exc:
        return f"error: {exc}"
    return etree.tostring(tree)


USERS = st.sampled_from([f"u{i}" for i in range(12)])
USER_OPS = st.sampled_from(["", "", f' {NC_OP} nc:operation="remove"', f' {NC_OP} nc:operation="replace"'])


@st.composite
def user_edit(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        privilege = draw(st.sampled_from(["", "<privilege>1</privilege>", "<privilege>15</privilege>"]))
        parts.append(f"<username{draw(USER_OPS)}><name>{draw(USERS)}</name>{privilege}</username>")
    return "".join(parts)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(user_edit(), min_size=1, max_size=8))
def test_user_records_replay_alike_found_or_indexed(ios: Any, edits: list[str]) -> None:
    schema = ios.schema
    users = "".join(f"<username><name>u{i}</name><privilege>1</privilege></username>" for i in range(0, 12, 2))
    tree = first = ios.tree(f"<hostname>R1</hostname>{users}")
    records = []
    for body in edits:
        result = ios.edit(tree, body)
        if result.tree is None or not result.changed:
            continue
        tree, record = commit(tree, result, schema)
        records.append(record)
    for way in WAYS:
        assert replayed(first, records, schema, way) == etree.tostring(tree)


EDGE_PARTS = st.one_of(
    st.builds(
        lambda op, name: f"<rule{op}><name>{name}</name><action>x</action></rule>",
        USER_OPS,
        st.sampled_from(["a", "b", "c", "d"]),
    ),
    st.builds(lambda op, value: f"<tag{op}>{value}</tag>", USER_OPS, st.sampled_from(["t1", "t2", "t3", "t4"])),
    st.builds(
        lambda op, a, b: f"<pair{op}><a>{a}</a><b>{b}</b></pair>",
        USER_OPS,
        st.sampled_from(["p", "q"]),
        st.integers(1, 3),
    ),
    st.builds(lambda op, n: f"<sorted{op}>{n}</sorted>", USER_OPS, st.integers(1, 5)),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.lists(EDGE_PARTS, min_size=1, max_size=6), min_size=1, max_size=8))
def test_edge_records_replay_alike_found_or_indexed(edge: Any, edits: list[list[str]]) -> None:
    """Ordered-by-user lists and leaf-lists, a list with two keys, a system-ordered leaf-list."""
    schema = edge.schema
    tree = first = edge.tree("<rule><name>c</name><action>x</action></rule><tag>t3</tag><tag>t1</tag>")
    records = []
    for parts in edits:
        result = edge.edit(tree, "".join(parts))
        if result.tree is None or not result.changed:
            continue
        tree, record = commit(tree, result, schema)
        records.append(record)
    # alike, not equal to ``tree``: a system-ordered leaf-list whose values were removed and added again in one
    # edit may stand in another order in the tree than the record replays (seen here; ``encode``'s matter)
    assert len({replayed(first, records, schema, way) for way in WAYS}) == 1


def _user_step(*values: str) -> list[str]:
    return [f"{{{NATIVE}}}username", *values]


@pytest.mark.parametrize(
    "ops",
    [
        [["d", [[f"{{{NATIVE}}}native"], _user_step("nobody")]]],  # missing entry
        [["d", [[f"{{{NATIVE}}}native"], _user_step("u0", "extra")]]],  # a step with a key too many
        [["d", [[f"{{{NATIVE}}}native"], _user_step()]]],  # a step with no key
        [["c", [[f"{{{NATIVE}}}native"], _user_step("u2")], None, "<x/>"]],  # exists already
        [["c", [[f"{{{NATIVE}}}native"], _user_step("u9")], _user_step("nobody"), "<x/>"]],  # no sibling
    ],
)
def test_records_naming_the_wrong_entries_fail_alike(ios: Any, ops: list[Any]) -> None:
    users = "".join(f"<username><name>u{i}</name><privilege>1</privilege></username>" for i in range(4))
    start = ios.tree(f"<hostname>R1</hostname>{users}")
    record = json.dumps({"ops": ops}).encode()
    outcomes = {replayed(start, [record], ios.schema, way) for way in WAYS}
    [outcome] = outcomes
    assert isinstance(outcome, str) and outcome.startswith("error: ")


def test_many_lookups_in_one_list_index_it_once(ios: Any) -> None:
    """Past ``index_after`` lookups the list is indexed (and the index followed), so a journal of many records
    still costs a dictionary lookup per entry: the index exists, and later creates and deletes keep it true."""
    users = "".join(f"<username><name>u{i:02}</name><privilege>1</privilege></username>" for i in range(20))
    tree = first = ios.tree(f"<hostname>R1</hostname>{users}")
    records = []
    for i in range(6):
        result = ios.edit(tree, f"<username {NC_OP} nc:operation='remove'><name>u{i:02}</name></username>")
        tree, record = commit(tree, result, ios.schema)
        records.append(record)
        result = ios.edit(tree, f"<username><name>v{i}</name><privilege>1</privilege></username>")
        tree, record = commit(tree, result, ios.schema)
        records.append(record)
    replica = copy.deepcopy(first)
    replayer = Replayer(replica, ios.schema, 2)
    for record in records:
        replayer.replay(record)
    assert etree.tostring(replica) == etree.tostring(tree)
    native = replica.find(f"{{{NATIVE}}}native")
    assert native is not None
    index = replayer._index[id(native)][1][f"{{{NATIVE}}}username"]
    assert sorted(ident[1] for ident in index) == sorted(
        e.findtext(f"{{{NATIVE}}}name") or "" for e in native.iterchildren(f"{{{NATIVE}}}username")
    )
