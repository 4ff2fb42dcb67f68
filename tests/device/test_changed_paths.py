"""``carry.changed_paths`` (changed nodes gathered by parent, each parent's path found once) against a path worked
out for each change on its own: the same set, cut to the same depth, ``()`` for a change at or naming no node.

Why: a view keeps its memo only when no changed path touches its inputs; the grouping is for speed only."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import Change, ChangeOp
from iosxe_agent.data.tags import tag_of
from iosxe_agent.device.views.carry import changed_paths

TAGS = ["{urn:a}x", "{urn:a}y", "{urn:b}z"]


def _tree(shape: list[tuple[int, str]]) -> list[etree._Element]:
    """Elements of one tree: each new one a child of an earlier one (by index, so depths and parents vary)."""
    nodes = [etree.Element("{urn:a}root")]
    for parent, tag in shape:
        nodes.append(etree.SubElement(nodes[parent % len(nodes)], tag))
    return nodes


def _reference(changes: list[Change], depth: int) -> frozenset[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for change in changes:
        el = change.new if change.new is not None else change.old
        if el is None or el.getparent() is None:
            out.add(())
            continue
        path = [tag_of(el), *(tag_of(a) for a in el.iterancestors())][:-1]
        out.add(tuple(reversed(path))[:depth])
    return frozenset(out)


@given(
    shape=st.lists(st.tuples(st.integers(0, 50), st.sampled_from(TAGS)), max_size=25),
    picks=st.lists(st.tuples(st.integers(-1, 50), st.booleans()), max_size=30),
    depth=st.integers(1, 4),
)
def test_changed_paths_are_those_of_each_change(
    shape: list[tuple[int, str]], picks: list[tuple[int, bool]], depth: int
) -> None:
    nodes = _tree(shape)
    changes = []
    for index, is_new in picks:
        el = nodes[index % len(nodes)] if index >= 0 else None  # -1: a change naming no node
        op = ChangeOp.CREATE if is_new else ChangeOp.DELETE
        changes.append(Change(op, "/p", (), None if is_new else el, el if is_new else None))
    assert changed_paths(changes, depth) == _reference(changes, depth)
