"""A whole node's report may name the entries of a changed list kind (``Touched.entries``: only those were
created, deleted or replaced): the diff, validation and the secret normaliser then look at those entries instead
of the whole list, and must find exactly what the general path finds. The names here come from an oracle (every
entry whose bytes differ, or that one side lacks), so the property holds for any edit that names truthfully;
:func:`touched_of` turning an editor's marks into names is tested below on hand-made marks."""

from __future__ import annotations

import copy
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import Change, diff
from iosxe_agent.data.tags import tag_of
from iosxe_agent.data.touched import INDEX_ABOVE, Touched, find_child, identity, outside_runs, touched_of
from iosxe_agent.data.validate import validate
from iosxe_agent.device import secrets
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

NC_OP = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"'
OPS = st.sampled_from(["", "", f' {NC_OP} nc:operation="delete"', f' {NC_OP} nc:operation="replace"'])


def named(old: etree._Element | None, new: etree._Element, snode: SchemaNode, touched: Touched) -> Touched:
    """``touched`` with every whole node naming, for each list kind of its ``tags``, the entries that differ
    between ``old`` and ``new`` (at most :data:`INDEX_ABOVE` of a kind; more, and the kind is left unnamed)."""
    out = Touched(touched.whole, set(touched.tags))
    for ident, sub in touched.children.items():
        cnode = snode.child(ident[0])
        after = find_child(new, ident, cnode)
        before = find_child(old, ident, cnode) if old is not None else None
        out.children[ident] = named(before, after, cnode, sub) if after is not None and cnode else _copy(sub)
    if not touched.whole:
        return out
    for tag in touched.tags:
        cnode = snode.child(tag)
        if cnode is None or cnode.kind is not Kind.LIST:
            continue
        sides = [
            {identity(e, cnode): etree.tostring(e) for e in el.iterchildren(tag)} for el in (old, new) if el is not None
        ]
        if len(sides) < 2:
            continue
        differ = {i for i in sides[0].keys() | sides[1].keys() if sides[0].get(i) != sides[1].get(i)}
        if len(differ) <= INDEX_ABOVE:
            out.entries[tag] = differ
    return out


def _copy(t: Touched) -> Touched:
    merged = Touched()
    merged.merge(t)
    return merged


def changes(found: tuple[Change, ...]) -> list[tuple[Any, ...]]:
    return [
        (c.op, c.path, c.path_ns, c.old is not None and etree.tostring(c.old), c.new is not None and c.new.tag)
        for c in found
    ]


def check_alike(doc: Any, old: etree._Element, body: str) -> int:
    """Apply ``body``; assert the named report gives the general path's diff, validation and secrets; how many
    kinds it named."""
    schema: Schema = doc.schema
    result = doc.edit(old, body)
    if result.tree is None or result.touched is None:
        return 0
    new = result.tree
    report = named(old, new, schema.root, result.touched)
    with mock.patch.object(secrets, "type9_hash", lambda value: f"$9$h{len(value)}"):
        everywhere, only_named = copy.deepcopy(new), copy.deepcopy(new)
        secrets.hash_clear_secrets(everywhere, None)
        secrets.hash_clear_secrets(only_named, report)
        assert etree.tostring(only_named) == etree.tostring(everywhere)
        new = only_named
    assert changes(diff(old, new, schema, report)) == changes(diff(old, new, schema, None))
    full = validate(new, schema)
    assert validate(new, schema, touched=report) == validate(new, schema, touched=result.touched)
    if not validate(old, schema):
        assert validate(new, schema, touched=report) == full
    return sum(len(t.entries) for t in _nodes(report))


def _nodes(t: Touched) -> list[Touched]:
    return [t, *(n for sub in t.children.values() for n in _nodes(sub))]


USERS = st.sampled_from([f"u{i:02}" for i in range(40)])


@st.composite
def user_edit(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        inner = draw(
            st.sampled_from(
                ["", "<privilege>15</privilege>", "<secret><encryption>0</encryption><secret>pw1</secret></secret>"]
            )
        )
        parts.append(f"<username{draw(OPS)}><name>{draw(USERS)}</name>{inner}</username>")
    parts.append(draw(st.sampled_from(["", "<hostname>R2</hostname>", "<ip><ssh><time-out>30</time-out></ssh></ip>"])))
    return "".join(draw(st.permutations(parts)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=user_edit())
def test_named_users_give_the_general_answers(ios: Any, body: str) -> None:
    users = "".join(
        f"<username><name>u{i:02}</name><privilege>1</privilege>"
        f"<secret><encryption>9</encryption><secret>$9$x{i}</secret></secret></username>"
        for i in range(0, 40, 2)
    )
    old = ios.tree(f"<hostname>R1</hostname>{users}")
    check_alike(ios, old, body)


EDGE = st.one_of(
    st.builds(
        lambda op, name, prio: f"<rule{op}><name>{name}</name><action>x</action>{prio}</rule>",
        OPS,
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.sampled_from(["", "<prio>1</prio>", "<prio>2</prio>"]),
    ),
    st.builds(
        lambda op, a, b: f"<pair{op}><a>{a}</a><b>{b}</b></pair>", OPS, st.sampled_from(["p", "q"]), st.integers(1, 3)
    ),
    st.sampled_from(["<ratio>1.5</ratio>", "<mode>fast</mode>"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(EDGE, min_size=1, max_size=5))
def test_named_entries_of_unique_and_counted_lists_give_the_general_answers(edge: Any, parts: list[str]) -> None:
    """``rule`` is unique in ``prio`` with a mandatory leaf, ``pair`` has 1 to 3 entries: a named create or
    delete changes the count, which is then checked from the tree."""
    rules = "".join(f"<rule><name>{n}</name><action>x</action><prio>{p}</prio></rule>" for n, p in (("a", 5), ("c", 6)))
    old = edge.tree(f"{rules}<pair><a>p</a><b>1</b></pair><pair><a>q</a><b>2</b></pair>")
    check_alike(edge, old, "".join(parts))


def test_one_user_created_beside_many_is_looked_up_not_compared(ios: Any) -> None:
    """The named entry is what ``outside_runs`` keeps of the list: the other users are stepped over."""
    users = "".join(f"<username><name>u{i:04}</name><privilege>1</privilege></username>" for i in range(300))
    old = ios.tree(f"<hostname>R1</hostname>{users}")
    assert check_alike(ios, old, "<username><name>zz</name><privilege>1</privilege></username>") == 1
    result = ios.edit(old, "<username><name>zz</name><privilege>1</privilege></username>")
    assert result.tree is not None and result.touched is not None
    report = named(old, result.tree, ios.schema.root, result.touched)
    (native_ident, native_report), native = next(iter(report.children.items())), result.tree[0]
    kept, left_out = outside_runs(native, ios.schema.root.child(native_ident[0]), native_report)
    assert [identity(e, ios.node("native", "username")) for e in kept if tag_of(e).endswith("}username")] == [
        (ios.node("native", "username").tag, "zz")
    ]
    assert ios.node("native", "username").tag in left_out
    assert check_alike(ios, old, f"<username {NC_OP} nc:operation='delete'><name>u0150</name></username>") == 1


# -- touched_of and merge -------------------------------------------------------------------------------------
def test_marks_name_entries_and_a_change_in_another_entry_is_kept(ios: Any) -> None:
    tree = ios.tree("".join(f"<username><name>u{i}</name><privilege>1</privilege></username>" for i in range(3)))
    native = tree[0]
    users = list(native.iterchildren(ios.node("native", "username").tag))
    tag = ios.node("native", "username").tag
    privilege = ios.node("native", "username", "privilege").tag
    changed = {
        id(native): (native, {tag}),
        id(users[1]): (users[1], {privilege}),
        id(users[2]): (users[2], {privilege}),
    }
    report = touched_of(tree, changed, ios.schema, {id(native): {tag: [users[2]]}})
    native_report = report.children[(native.tag,)]
    assert native_report.entries == {tag: {(tag, "u2")}}
    assert list(native_report.children) == [(tag, "u1")]  # inside a named entry: nothing more; in another: kept
    unnamed = touched_of(tree, changed, ios.schema, {id(native): {tag: None}})
    assert unnamed.children[(native.tag,)].entries == {} and not unnamed.children[(native.tag,)].children
    many = touched_of(tree, changed, ios.schema, {id(native): {tag: users * INDEX_ABOVE}})
    assert many.children[(native.tag,)].entries == {}


def test_merging_keeps_a_kind_named_only_while_every_change_to_it_is() -> None:
    a = Touched(True, {"u", "v"}, entries={"u": {("u", "1")}})
    b = Touched(True, {"u"}, entries={"u": {("u", "2")}})
    a.merge(b)
    assert a.entries == {"u": {("u", "1"), ("u", "2")}}
    a.merge(Touched(True, {"u"}))
    assert a.entries == {}
    c = Touched(True, {"w"})
    c.merge(Touched(True, {"u"}, entries={"u": {("u", "3")}}))
    assert c.entries == {"u": {("u", "3")}} and c.tags == {"u", "w"}


# -- kept runs ------------------------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(siblings=st.lists(st.sampled_from(["a", "b", "c", "#"]), max_size=14))
def test_kept_runs_are_every_data_child_in_order(edge: Any, siblings: list[str]) -> None:
    """Runs collected in C (``outside_runs`` keeping a kind the edits changed) hold every data child once, in
    document order, however the siblings interleave and wherever a comment sits."""
    parent = etree.Element("p")
    for name in siblings:
        parent.append(etree.Comment("x") if name == "#" else etree.Element(name))
    report = Touched(True, {"a", "b", "c"})
    kept, left_out = outside_runs(parent, edge.schema.root, report)
    assert kept == [c for c in parent if isinstance(c.tag, str)]
    assert left_out == {}
