"""``views.tree.native_of`` (the first ``native`` child found by one scan in C) against ``find``, which it
replaces, on roots of every shape: ``native`` anywhere among other children and comments, more than once, absent,
or the root itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.device.names import n
from iosxe_agent.device.views.tree import native_of

KINDS = st.sampled_from([n("native"), n("ip"), "{urn:other}native", "native", "comment"])


@given(root=st.sampled_from(["{urn:ietf:params:xml:ns:netconf:base:1.0}config", n("native")]),
       children=st.lists(KINDS, max_size=8))  # fmt: skip
def test_native_is_the_child_find_gives(root: str, children: list[str]) -> None:
    tree = etree.Element(root)
    for kind in children:
        tree.append(etree.Comment("c") if kind == "comment" else etree.Element(kind))
    assert native_of(tree) is (tree if root == n("native") else tree.find(n("native")))
