"""``find_single`` (a container or leaf found from both ends of its siblings, stopping where schema order says it
cannot be) against the plain scan from the first child, on sibling runs of every shape.

Why: it replaced ``next(parent.iterchildren(tag))`` in the edit, the diff and the change record; a wrong "absent"
would make an edit create a second container or a diff miss a change. Lists longer than ``WALK_BOUND`` make it fall
back to the scan; comments among the siblings carry no schema position.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.order import WALK_BOUND, find_single
from iosxe_agent.device.names import NATIVE_NS
from iosxe_agent.yang.schema import Kind

NATIVE = f"{{{NATIVE_NS}}}native"
#: children of native in schema order, each kept or not, lists with a run length
SHAPES = st.lists(st.tuples(st.booleans(), st.integers(0, 2 * WALK_BOUND + 3), st.booleans()), min_size=1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=SHAPES, data=st.data())
def test_found_as_the_scan_from_the_first_child_finds(ios: Any, shape: list[tuple[bool, int, bool]], data: Any) -> None:
    native = ios.schema.root.child(NATIVE)
    children = sorted(native.data_children.values(), key=lambda c: c.order_index)
    # a window of the schema's children, so runs of lists and single nodes meet in every combination
    start = data.draw(st.integers(0, max(0, len(children) - len(shape))))
    window = children[start : start + len(shape)]
    parent = etree.Element(NATIVE)
    for snode, (kept, run, comment) in zip(window, shape, strict=False):
        if comment:
            parent.append(etree.Comment("c"))
        if not kept:
            continue
        count = run if snode.kind in (Kind.LIST, Kind.LEAF_LIST) else 1
        for _ in range(count):
            etree.SubElement(parent, snode.tag)
    for snode in children:
        if snode.kind in (Kind.CONTAINER, Kind.LEAF):
            assert find_single(parent, snode) is next(parent.iterchildren(snode.tag), None)


def test_a_top_level_node_is_found_by_the_scan(ios: Any) -> None:
    native = ios.schema.root.child(NATIVE)
    tree = ios.tree("<hostname>R1</hostname>")
    assert find_single(tree, native) is tree[0]
    assert find_single(etree.Element("config"), native) is None
