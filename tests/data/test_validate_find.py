"""The validator's look-up of a trie node's touched children: with at most ``INDEX_ABOVE`` of them it calls
``find_child`` directly, as ``Children`` itself would (no list can be touched in bulk then), and past that it
indexes through ``Children``; both find what ``find_child`` finds for every identity, present or not.

Why: ``walk_touched`` checks only the children it finds, and falls back to a whole walk when one is missing; a
look-up that found another entry (or none) would check the wrong node or skip a violation."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.touched import INDEX_ABOVE, Children, Touched, find_child
from iosxe_agent.device.names import n

NAMES = [f"u{i}" for i in range(INDEX_ABOVE * 2)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    users=st.lists(st.sampled_from(NAMES), unique=True, max_size=INDEX_ABOVE * 2),
    singles=st.lists(st.sampled_from(["hostname", "ip", "banner"]), unique=True),
    asked=st.lists(st.one_of(st.sampled_from(NAMES), st.sampled_from(["hostname", "ip", "banner"])), unique=True),
)
def test_the_touched_children_are_found_as_find_child_finds_them(
    ios: Any, users: list[str], singles: list[str], asked: list[str]
) -> None:
    native = ios.schema.root.child(n("native"))
    el = etree.Element(n("native"))
    for tag in ("hostname", "ip", "banner"):
        if tag in singles:
            etree.SubElement(el, n(tag))
    for name in users:
        etree.SubElement(etree.SubElement(el, n("username")), n("name")).text = name
    idents = [(n("username"), a) if a.startswith("u") else (n(a),) for a in asked]
    touched = Touched(children={ident: Touched() for ident in idents})
    children = Children(el, touched)
    for ident in idents:
        cnode = native.child(ident[0])
        assert children.find(ident, cnode) is find_child(el, ident, cnode)
        if len(idents) <= INDEX_ABOVE:  # what walk_touched now calls instead of building Children
            assert not children._many
