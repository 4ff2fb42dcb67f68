"""``single_children`` (nodes held at most once, found from both ends of ``native``'s children) against the scan
from the first child, on sibling runs of every shape.

Why: the SSH view, read again on every commit that changes ``ip ssh``, found ``ip`` and ``line`` by a scan of
every child of ``native`` (100,000 users beside them); a wrong "absent" would drop the vty lines or the SSH
settings from the view the listener applies.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.order import WALK_BOUND, single_children
from iosxe_agent.device.names import NATIVE_NS
from iosxe_agent.device.views.single import find_in
from iosxe_agent.yang.schema import Kind

NATIVE = f"{{{NATIVE_NS}}}native"
#: children of native in any order: a schema node (by position), a run length for lists, a comment before or not
SHAPES = st.lists(st.tuples(st.integers(0, 200), st.integers(0, 2 * WALK_BOUND + 3), st.booleans()), max_size=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=SHAPES, data=st.data())
def test_found_as_the_scan_from_the_first_child_finds(ios: Any, shape: list[tuple[int, int, bool]], data: Any) -> None:
    children = sorted(ios.schema.root.child(NATIVE).data_children.values(), key=lambda c: c.order_index)
    parent = etree.Element(NATIVE)
    singles: set[str] = set()
    for position, run, comment in shape:
        snode = children[position % len(children)]
        if comment:
            parent.append(etree.Comment("c"))
        if snode.kind in (Kind.LIST, Kind.LEAF_LIST):
            for _ in range(run):
                etree.SubElement(parent, snode.tag)
        elif snode.tag not in singles:  # at most once, in any place: no schema order is assumed
            singles.add(snode.tag)
            etree.SubElement(parent, snode.tag)
    tags = data.draw(st.lists(st.sampled_from([c.tag for c in children if c.kind not in (Kind.LIST, Kind.LEAF_LIST)]),
                              unique=True, min_size=1, max_size=4))  # fmt: skip
    found = single_children(parent, *tags)
    assert found == {tag: next(parent.iterchildren(tag), None) for tag in tags}
    inner = data.draw(st.sampled_from(["{x}in", "{x}in/{x}deeper"]))
    for el in parent.iterchildren(*tags):
        if data.draw(st.booleans()):
            etree.SubElement(etree.SubElement(el, "{x}in"), "{x}deeper")
    for tag in tags:
        assert find_in(parent, tag) is parent.find(tag)
        assert find_in(parent, tag, inner) is parent.find(f"{tag}/{inner}")


def test_an_empty_parent_holds_nothing() -> None:
    assert single_children(etree.Element(NATIVE), "{x}a", "{x}b") == {"{x}a": None, "{x}b": None}
    assert find_in(None, "{x}a", "{x}b") is None


def test_a_node_in_the_middle_of_a_long_run_is_found_by_the_scan() -> None:
    parent = etree.Element(NATIVE)
    for _ in range(WALK_BOUND + 5):
        etree.SubElement(parent, "{x}user")
    middle = etree.SubElement(parent, "{x}ip")
    for _ in range(WALK_BOUND + 5):
        etree.SubElement(parent, "{x}user")
    assert single_children(parent, "{x}ip", "{x}line") == {"{x}ip": middle, "{x}line": None}
