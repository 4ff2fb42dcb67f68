"""The change record of a commit replays to running exactly: random edit sequences over the Cisco configuration
(every subtree the CLI table covers, users, removals) and over test-edge's ordered-by-user lists and leaf-lists
(inserts first/last/before/after, moves, composite keys, choices, anydata) give, replayed record by record onto
the starting tree, the very bytes of the final tree.

Transactions are built with the pure layer (apply_edit, the device's normalizers, diff, Transaction), as
``Stores`` builds them, so the records carry what a commit stores (hashed secrets), not what the client sent.
"""

from __future__ import annotations

import copy
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES
from lxml import etree
from namespaces import NC

from iosxe_agent.data.diff import diff
from iosxe_agent.data.edit import EditResult, apply_edit
from iosxe_agent.data.tags import tag_of
from iosxe_agent.data.touched import Touched
from iosxe_agent.datastore import change_record
from iosxe_agent.datastore.change_record import RecordError, encode, replay
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.device.cli_map.flagged import reconcile_flagged_lists
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.yang.schema import Kind, Schema

Y = 'xmlns:yang="urn:ietf:params:xml:ns:yang:1"'
NC_OP = f'xmlns:nc="{NC}"'


def commit(old: etree._Element, result: EditResult, schema: Schema, *, with_touched: bool) -> tuple[Any, bytes]:
    """The new tree and its record, as a commit of ``result`` onto ``old`` makes them."""
    assert result.tree is not None
    new = result.tree
    reconcile_flagged_lists(new)
    hash_clear_secrets(new)
    touched = result.touched if with_touched else None
    txn = Transaction(old, new, diff(old, new, schema, touched), SYSTEM)
    return new, encode(txn, schema, touched)


def committed(ios: Any, bodies: list[str]) -> etree._Element:
    """An empty datastore with each of ``bodies`` committed in turn (those that apply)."""
    tree = ios.empty()
    for body in bodies:
        result = ios.edit(tree, body)
        if result.tree is not None:
            tree, _ = commit(tree, result, ios.schema, with_touched=True)
    return tree


def replayed(start: etree._Element, records: list[bytes], schema: Schema) -> bytes:
    tree = copy.deepcopy(start)
    for record in records:
        replay(tree, record, schema)
    return etree.tostring(tree)


def records_both_ways(old: etree._Element, result: EditResult, schema: Schema) -> tuple[Any, bytes, bytes]:
    """The new tree and the record of ``result`` as :func:`commit` makes it, and the record of that same transaction
    by the general path: every node of the edit report that may hold an ordered-by-user list looked up in the trees,
    with no look-ahead into the report."""
    assert result.tree is not None
    new = result.tree
    reconcile_flagged_lists(new)
    hash_clear_secrets(new)
    txn = Transaction(old, new, diff(old, new, schema, result.touched), SYSTEM)
    record = encode(txn, schema, result.touched)
    with mock.patch.object(change_record, "_reaches_moves", lambda snode, _: change_record._may_hold_moves(snode)):
        return new, record, encode(txn, schema, result.touched)


# -- the Cisco configuration --------------------------------------------------------------------------------------
def removal(el: etree._Element, schema: Schema) -> str:
    """An edit removing ``el`` (its ancestors named with their keys)."""
    chain = [*list(el.iterancestors())[::-1][1:], el]
    snode: Any = schema.root
    opening, closing = "", ""
    for i, step in enumerate(chain):
        snode = snode.child(tag_of(step))
        ns, name = etree.QName(step).namespace, etree.QName(step).localname
        attrs = f' xmlns="{ns}"' + (f' {NC_OP} nc:operation="remove"' if i == len(chain) - 1 else "")
        keys = "".join(str(etree.tostring(key, encoding="unicode", with_tail=False)) for key in _keys(step, snode))
        text = step.text or "" if snode.kind is Kind.LEAF_LIST else ""
        opening += f"<{name}{attrs}>{keys}{text}"
        closing = f"</{name}>" + closing
    return opening + closing


def _keys(entry: etree._Element, snode: Any) -> list[etree._Element]:
    return [key for key in (entry.find(k) for k in snode.keys) if key is not None]


def removable(tree: etree._Element, schema: Schema) -> list[etree._Element]:
    """Nodes an edit may remove: list entries, leaf-list entries and containers below the top level."""
    out = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.getparent() is None or el.getparent() is tree:
            continue
        chain = [*list(el.iterancestors())[::-1][1:], el]
        snode: Any = schema.root
        for step in chain:
            snode = snode.child(tag_of(step)) if snode is not None else None
        if snode is not None and snode.kind in (Kind.LIST, Kind.LEAF_LIST, Kind.CONTAINER) and not snode.is_key:
            out.append(el)
    return out


@st.composite
def ios_steps(draw: st.DrawFn) -> list[tuple[str, Any]]:
    """Steps: ("merge", body), ("replace", body) or ("remove", a number picking an existing node)."""
    kinds = st.sampled_from(["merge", "merge", "replace", "remove", "remove"])
    steps: list[tuple[str, Any]] = []
    for kind in draw(st.lists(kinds, min_size=1, max_size=6)):
        steps.append((kind, draw(st.integers(0, 10_000)) if kind == "remove" else draw(FEATURES)))
    return steps


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=st.lists(FEATURES, max_size=3), steps=ios_steps(), with_touched=st.booleans())
def test_ios_edit_sequences_replay_to_the_final_tree(
    ios: Any, start: list[str], steps: list[tuple[str, Any]], with_touched: bool
) -> None:
    schema = ios.schema
    tree = committed(ios, start)
    first, records = tree, []
    for kind, arg in steps:
        if kind == "remove":
            nodes = removable(tree, schema)
            if not nodes:
                continue
            result = apply_edit(tree, ios.cfg(removal(nodes[arg % len(nodes)], schema), wrap=False), schema)
        elif kind == "replace":
            result = ios.edit(tree, arg, default_operation="replace")
        else:
            result = ios.edit(tree, arg)
        if result.tree is None:
            continue
        tree, record = commit(tree, result, schema, with_touched=with_touched)
        records.append(record)
        event(f"{kind}: {sorted({op[0] for op in change_record.decode_ops(record)})}")
    assert replayed(first, records, schema) == etree.tostring(tree)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=st.lists(FEATURES, max_size=4), steps=st.lists(FEATURES, min_size=1, max_size=4))
def test_the_report_look_ahead_records_what_the_general_path_records(
    ios: Any, start: list[str], steps: list[str]
) -> None:
    """Skipping the lookup of a report node whose reported part holds no ordered-by-user list changes no record."""
    schema = ios.schema
    tree = committed(ios, start)
    for body in steps:
        result = ios.edit(tree, body)
        if result.tree is None:
            continue
        tree, record, general = records_both_ways(tree, result, schema)
        assert record == general


# -- test-edge: ordered-by-user lists and leaf-lists, composite keys, choices, anydata ----------------------------
RULES = st.sampled_from(["a", "b", "c", "d"])
TAGS = st.sampled_from(["t1", "t2", "t3", "t4"])


@st.composite
def insert(draw: st.DrawFn, anchor: st.SearchStrategy[str], list_entry: bool) -> str:
    where = draw(st.sampled_from(["", "first", "last", "before", "after"]))
    if not where:
        return ""
    if where in ("first", "last"):
        return f' {Y} yang:insert="{where}"'
    value = draw(anchor)
    point = f"yang:key=\"[te:name='{value}']\"" if list_entry else f'yang:value="{value}"'
    return f' {Y} yang:insert="{where}" {point}'


OPS = st.sampled_from(["", "", f' {NC_OP} nc:operation="remove"', f' {NC_OP} nc:operation="replace"'])


@st.composite
def edge_part(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 7))
    if kind == 0:
        body = f"<name>{draw(RULES)}</name><action>{draw(st.sampled_from(['x', 'y']))}</action>"
        body += draw(st.sampled_from(["", "<prio>1</prio>", "<prio>2</prio>"]))
        return f"<rule{draw(OPS)}{draw(insert(RULES, True))}>{body}</rule>"
    if kind == 1:
        # anchored on any value, itself included (a new value anchored on itself is refused, as a list entry is)
        return f"<tag{draw(OPS)}{draw(insert(TAGS, False))}>{draw(TAGS)}</tag>"
    if kind == 2:
        return f"<sorted{draw(OPS)}>{draw(st.integers(1, 5))}</sorted>"
    if kind == 3:
        a, b = draw(st.sampled_from(["p", "q"])), draw(st.integers(1, 3))
        return f"<pair{draw(OPS)}><a>{a}</a><b>{b}</b></pair>"
    if kind == 4:
        leaf = draw(st.sampled_from(["<ratio>1.5</ratio>", "<ratio>2</ratio>", "<mode>fast</mode>", "<big>7</big>"]))
        return leaf if draw(st.booleans()) else leaf.replace(">", f"{draw(OPS)}>", 1)
    if kind == 5:
        return draw(st.sampled_from(["<tcp-port>50</tcp-port>", "<udp-port>53</udp-port>", "<raw/>"]))
    if kind == 6:
        return f"<pres{draw(OPS)}><knob>{draw(st.integers(0, 3))}</knob></pres>"
    return f"<blobdata><any xmlns='urn:x'>{draw(st.integers(0, 2))}</any></blobdata>"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(st.lists(edge_part(), min_size=1, max_size=4), st.sampled_from([False] * 4 + [True])),
        min_size=1,
        max_size=8,
    ),
    with_touched=st.booleans(),
)
def test_edge_edit_sequences_replay_to_the_final_tree(
    edge: Any, steps: list[tuple[list[str], bool]], with_touched: bool
) -> None:
    schema = edge.schema
    rules = "".join(f"<rule><name>{name}</name><action>x</action></rule>" for name in "cab")
    tree = first = edge.tree(f"{rules}<tag>t3</tag><tag>t1</tag><tag>t2</tag>")
    records = []
    for parts, replace in steps:
        result = edge.edit(tree, "".join(parts), default_operation="replace" if replace else "merge")
        if result.tree is None or not result.changed:
            continue
        if with_touched:  # the look-ahead into the edit report records what looking up every node records
            tree, record, general = records_both_ways(tree, result, schema)
            assert record == general
        else:
            tree, record = commit(tree, result, schema, with_touched=False)
        records.append(record)
        event(f"ops: {sorted({op[0] for op in change_record.decode_ops(record)})}")
    assert replayed(first, records, schema) == etree.tostring(tree)


def test_a_move_in_an_ordered_list_is_recorded_as_the_new_order(edge: Any) -> None:
    """The diff reports nothing for an entry that only moved: the record carries the list's new order."""
    old = edge.tree("<rule><name>a</name><action>x</action></rule><rule><name>b</name><action>y</action></rule>")
    result = edge.edit(old, f'<rule {Y} yang:insert="first"><name>b</name></rule>')
    new, record = commit(old, result, edge.schema, with_touched=True)
    ops = change_record.decode_ops(record)
    assert [op[0] for op in ops] == ["o"]
    assert [entry[1] for entry in ops[0][3]] == ["b", "a"]
    assert replayed(old, [record], edge.schema) == etree.tostring(new)


def test_one_leaf_beside_many_users_is_a_small_record(ios: Any) -> None:
    users = "".join(f"<username><name>u{i}</name><privilege>1</privilege></username>" for i in range(2000))
    old = ios.tree(f"<hostname>R1</hostname>{users}")
    result = ios.edit(old, "<hostname>R2</hostname>")
    new, record = commit(old, result, ios.schema, with_touched=True)
    assert len(record) < 300
    assert replayed(old, [record], ios.schema) == etree.tostring(new)


def test_records_carry_the_stored_value_not_the_sent_one(ios: Any) -> None:
    """A clear secret is hashed by the normalizer before the commit: the record holds the hash."""
    old = ios.tree("<hostname>R1</hostname>")
    body = "<username><name>ops</name><secret><encryption>0</encryption><secret>Clear-1</secret></secret></username>"
    new, record = commit(old, ios.edit(old, body), ios.schema, with_touched=True)
    assert b"Clear-1" not in record and b"<encryption>9</encryption>" in record
    assert replayed(old, [record], ios.schema) == etree.tostring(new)


@pytest.mark.parametrize(
    "record",
    [
        b"",
        b"3",
        b'{"ops": 3}',
        b"[3]",
        b"[\0<a/>",
        b'[["c", [["{urn:test:edge}top"], ["{urn:test:edge}x"]], null, 0]]',
        b'[["r", [["{urn:test:edge}top"], ["{urn:test:edge}tag", "t1"]], 1]]\0<tag xmlns="urn:test:edge">t1</tag>',
        b'[["r", [["{urn:test:edge}top"], ["{urn:test:edge}tag", "t1"]], 0]]\0<tag xmlns="urn:test:edge"/>\0<a/>',
        b'[["r", [["{urn:test:edge}top"], ["{urn:test:edge}tag", "t1"]], "<tag xmlns=\'urn:test:edge\'>t1</tag>"]]',
        b'{"ops": [["x"]]}',
        b'{"ops": [["d", [["{urn:test:edge}top"], ["{urn:test:edge}nothing"]]]]}',
        b'{"ops": [["c", [["{urn:test:edge}top"]], null, "<top xmlns=\'urn:test:edge\'/>"]]}',
        b'{"ops": [["r", [["{urn:test:edge}top"], ["{urn:test:edge}tag", "t1"]], "<unclosed>"]]}',
        b'{"ops": [["o", [["{urn:test:edge}top"]], "{urn:test:edge}tag", [["{urn:test:edge}tag", "t1"]]]]}',
        b'{"ops": [["d", [[1]]]]}',
    ],
)
def test_a_record_that_does_not_fit_is_refused(edge: Any, record: bytes) -> None:
    tree = edge.tree("<tag>t1</tag><tag>t2</tag>")
    with pytest.raises(RecordError):
        replay(tree, record, edge.schema)


def test_an_empty_touched_report_records_nothing(edge: Any) -> None:
    tree = edge.tree("<tag>t1</tag>")
    assert change_record.decode_ops(encode(Transaction(tree, tree, (), SYSTEM), edge.schema, Touched())) == []


def test_entries_with_another_node_among_them_are_recorded_with_their_holder(edge: Any) -> None:
    """A tree out of canonical order (another node among a list's entries) cannot be replayed from an order:
    the record replaces the node holding them."""
    old = edge.tree("<tag>t1</tag><tag>t2</tag><tcp-port>5</tcp-port>")
    new = copy.deepcopy(old)
    top = new[0]
    top.append(top[0])  # t2, tcp-port, t1
    txn = Transaction(old, new, diff(old, new, edge.schema), SYSTEM)
    record = encode(txn, edge.schema)
    assert [op[0] for op in change_record.decode_ops(record)] == ["r"]
    assert replayed(old, [record], edge.schema) == etree.tostring(new)


def test_a_value_taken_out_and_put_back_moves_in_a_system_ordered_leaf_list(edge: Any) -> None:
    """The edit keeps a system-ordered leaf-list in the order its values came: removing a value and adding it back
    moves it last, which the diff does not report; the record still gives back that order."""
    old = edge.tree("<sorted>2</sorted><sorted>1</sorted>")
    result = edge.edit(old, f'<sorted {NC_OP} nc:operation="remove">2</sorted><sorted>2</sorted>')
    assert result.tree is not None
    new, record = commit(old, result, edge.schema, with_touched=True)
    assert [e.text for e in new.iter("{urn:test:edge}sorted")] == ["1", "2"]
    assert replayed(old, [record], edge.schema) == etree.tostring(new)
