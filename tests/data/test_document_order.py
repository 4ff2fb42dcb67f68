"""``in_document_order`` and ``instances`` (children put in order and found by schema order) against the plain
answers: ``parent.index`` and the scan from the first child, on sibling runs of every shape.

Why: the limited validation of a commit visits the children it checks in document order (so its errors come in
the order a full walk reports them) and finds the untouched nodes it re-checks; it counted and scanned from the
first child, which beside 100,000 users cost a scan of the users per commit.
"""

from __future__ import annotations

from typing import Any

from edit_reports import edited
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.order import SCAN_EACH_UP_TO, WALK_BOUND, in_document_order, instances
from iosxe_agent.data.touched import Touched
from iosxe_agent.data.validate import validate
from iosxe_agent.device.names import AAA_NS, NATIVE_NS
from iosxe_agent.yang.schema import Kind

NATIVE = f"{{{NATIVE_NS}}}native"
#: children of native in schema order: each kept or not, a run length for lists, a comment before it or not
SHAPES = st.lists(st.tuples(st.booleans(), st.integers(0, 2 * SCAN_EACH_UP_TO + 3), st.booleans()), min_size=1)


def _native_children(ios: Any, shape: list[tuple[bool, int, bool]], data: Any) -> etree._Element:
    """A ``native`` holding instances of a window of its schema children, in schema order."""
    native = ios.schema.root.child(NATIVE)
    children = sorted(native.data_children.values(), key=lambda c: c.order_index)
    start = data.draw(st.integers(0, max(0, len(children) - len(shape))))
    parent = etree.Element(NATIVE)
    for snode, (kept, run, comment) in zip(children[start : start + len(shape)], shape, strict=False):
        if comment:
            parent.append(etree.Comment("c"))
        if kept:
            for _ in range(run if snode.kind in (Kind.LIST, Kind.LEAF_LIST) else 1):
                etree.SubElement(parent, snode.tag)
    return parent


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=SHAPES, data=st.data())
def test_children_are_put_in_document_order(ios: Any, shape: list[tuple[bool, int, bool]], data: Any) -> None:
    parent = _native_children(ios, shape, data)
    native = ios.schema.root.child(NATIVE)
    elements = [c for c in parent if isinstance(c.tag, str)]
    picked = data.draw(st.lists(st.sampled_from(elements), unique_by=id) if elements else st.just([]))
    items = [(el, native.child(el.tag), i) for i, el in enumerate(picked)]
    assert in_document_order(parent, items) == sorted(items, key=lambda item: parent.index(item[0]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.lists(st.tuples(st.booleans(), st.integers(0, 2 * WALK_BOUND + 3), st.booleans()), min_size=1),
       data=st.data())  # fmt: skip
def test_instances_are_those_the_scan_finds(ios: Any, shape: list[tuple[bool, int, bool]], data: Any) -> None:
    parent = _native_children(ios, shape, data)
    for snode in ios.schema.root.child(NATIVE).data_children.values():
        assert instances(parent, snode) == list(parent.iterchildren(snode.tag))


def _by_index(parent: etree._Element, children: Any) -> list[Any]:
    """The order the limited validation used before: each child's position counted from the first child."""
    return sorted(children, key=lambda item: parent.index(item[0]))


A = f'xmlns="{AAA_NS}"'


def _user(i: int, attribute: str) -> str:
    """User ``u{i}`` naming the AAA attribute list ``attribute`` (a leafref; OTHER is never defined)."""
    aaa = f"<aaa {A}><attribute><list>{attribute}</list></attribute></aaa>"
    return f"<username><name>u{i}</name><privilege>1</privilege>{aaa}</username>"


BAD_AUTHORIZATION = (
    f"<aaa><authorization {A}><commands><level>15</level><list-name>default</list-name><a1><group>OTHER</group>"
    "</a1></commands></authorization></aaa>"
)
BAD_VTY = (
    "<line><vty><first>0</first><last>4</last><access-class><acccess-list><direction>in</direction></acccess-list>"
    "</access-class></vty></line>"
)
REMOVE_TAC = f'<aaa><attribute {A}><list nc:operation="remove"><name>TAC</name></list></attribute></aaa>'
#: more users in one edit than are placed one by one
MANY_BAD_USERS = "".join(_user(i, "OTHER") for i in range(10, 10 + SCAN_EACH_UP_TO + 2))
#: edits beside and among the users, several of them leaving constraints violated in different children
EDITS = st.lists(
    st.sampled_from(
        [
            "<hostname>R9</hostname>",
            "<ip><domain><name>example.com</name></domain></ip>",
            "<ip><ssh><time-out>60</time-out></ssh></ip>",
            '<username nc:operation="remove"><name>u2</name></username>',
            _user(5, "OTHER"),
            _user(31, "OTHER"),
            _user(7, "TAC"),
            MANY_BAD_USERS,
            REMOVE_TAC,
            BAD_AUTHORIZATION,
            BAD_VTY,
        ]
    ),
    min_size=1,
    max_size=4,
)


def _edited(ios: Any, changes: list[str]) -> tuple[etree._Element, Touched]:
    """Users u1..u38 (u38 naming the attribute list TAC) beside ``ip ssh``, then ``changes``: the tree and the
    edits' report."""
    users = "".join(f"<username><name>u{i}</name><privilege>1</privilege></username>" for i in range(1, 38))
    users += _user(38, "TAC")  # valid until an edit removes TAC: found again only as a revisited entry
    tac = f"<aaa><attribute {A}><list><name>TAC</name></list></attribute></aaa>"
    return edited(
        ios, ios.tree(f"<hostname>R1</hostname>{users}<ip><ssh><time-out>30</time-out></ssh></ip>{tac}"), changes
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=EDITS)
@example(changes=[_user(5, "OTHER"), BAD_VTY, _user(31, "OTHER"), BAD_AUTHORIZATION])
@example(changes=[MANY_BAD_USERS, _user(5, "OTHER"), BAD_VTY])
@example(changes=[REMOVE_TAC, _user(5, "OTHER")])
def test_limited_validation_reports_in_the_order_it_did(ios: Any, changes: list[str], monkeypatch: Any) -> None:
    """The errors of a limited validation, in order, as when every instance a constraint may read was found by
    a scan and placed by ``parent.index`` (every entry of a revisited list walked), and the same set as a full
    validation finds."""
    tree, touched = _edited(ios, changes)
    found = validate(tree, ios.schema, touched=touched)
    with monkeypatch.context() as patch:  # the walk before: every instance found by a scan, placed by its index
        patch.setattr("iosxe_agent.data.validate.in_document_order", _by_index)
        patch.setattr("iosxe_agent.data.validate.instances", lambda parent, snode: list(parent.iterchildren(snode.tag)))
        patch.setattr("iosxe_agent.data.validate._holding_checks", lambda *_: None)
        assert found == validate(tree, ios.schema, touched=touched)
    assert sorted(found, key=repr) == sorted(validate(tree, ios.schema), key=repr)


def test_the_examples_order_errors_of_several_kinds(ios: Any) -> None:
    """The examples above report errors in users, ``aaa`` and ``line``, in document order: the comparison with
    the old order has an order to get wrong."""
    tree, touched = _edited(ios, [_user(5, "OTHER"), BAD_VTY, _user(31, "OTHER"), BAD_AUTHORIZATION])
    paths = [e.path or "" for e in validate(tree, ios.schema, touched=touched)]
    assert [p.split("/")[2].split("[")[0] for p in paths] == ["ios:username", "ios:username", "ios:aaa", "ios:line"]
    assert "'u31'" in paths[0] and "'u5'" in paths[1]  # key order, not the order of the edits
    tree, touched = _edited(ios, [MANY_BAD_USERS])
    assert len(validate(tree, ios.schema, touched=touched)) == SCAN_EACH_UP_TO + 2
    tree, touched = _edited(ios, [REMOVE_TAC])
    [error] = validate(tree, ios.schema, touched=touched)
    assert "'u38'" in (error.path or "")  # an entry the edits did not touch, revisited
