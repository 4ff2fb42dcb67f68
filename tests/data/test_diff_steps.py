"""The path step of a changed node (``diff._step``, and ``_Kind.step`` the bulk create formats 10,000 entries with)
against the per-node formatting it replaced: name with prefix, one predicate per key in key order (a missing key
reads as empty), a leaf-list entry by value, quotes chosen by the value, a node the schema does not know bare.

Why: the shared parts of a kind's steps are worked out once for speed only; every path must stay byte-identical
(paths are what netconf-config-change reports and what the change record finds nodes by)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data import diff as diff_mod
from iosxe_agent.data.tags import key_child, tag_of
from iosxe_agent.yang.schema import Kind, SchemaNode, split_clark


def _reference(snode: SchemaNode | None, el: etree._Element) -> tuple[str, str, str]:
    """The step as it was formatted node by node before kinds were shared."""
    if snode is None:
        ns, name = split_clark(tag_of(el))
        return f"{name}", "", ns
    pred = ""
    if snode.kind is Kind.LIST:
        for k in snode.keys:
            kel = key_child(el, k)
            pred += f"[{snode.prefix}:{split_clark(k)[1]}={diff_mod._quote(kel.text or '' if kel is not None else '')}]"
    elif snode.kind is Kind.LEAF_LIST:
        pred = f"[.={diff_mod._quote(el.text or '')}]"
    return f"{snode.prefix}:{snode.name}{pred}", snode.prefix, snode.ns


def _nodes(root: SchemaNode, depth: int) -> list[SchemaNode]:
    """Every schema node down to ``depth`` levels (lists with one key and several, leaf-lists, containers)."""
    out: list[SchemaNode] = []
    level = [root]
    for _ in range(depth):
        level = [child for node in level for child in node.children]
        out.extend(level)
    return out


TEXTS = st.one_of(st.none(), st.sampled_from(["", "a", "it's", 'say "hi"', "both ' and \"", "9", "x y"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), unknown=st.booleans())
def test_steps_are_formatted_as_node_by_node(ios: Any, data: st.DataObject, unknown: bool) -> None:
    snode = data.draw(st.sampled_from([n for n in _nodes(ios.schema.root, 3) if n.kind is not Kind.LEAF]))
    el = etree.Element(snode.tag if not unknown else "{urn:x}odd")
    el.text = data.draw(TEXTS)
    for key in snode.keys if snode.kind is Kind.LIST else ():
        if data.draw(st.booleans()):  # before, after or instead of the key: other children
            etree.SubElement(el, f"{{{snode.ns}}}other").text = "o"
        if data.draw(st.booleans()):
            etree.SubElement(el, key).text = data.draw(TEXTS)
    shown = None if unknown else snode
    assert diff_mod._step(shown, el) == _reference(shown, el)
    assert diff_mod._kind(shown, tag_of(el)).step(el) == _reference(shown, el)[0]


def test_kinds_with_several_keys_and_by_value_are_drawn(ios: Any) -> None:
    """The property above reaches a list of several keys and a leaf-list of the Cisco schema."""
    nodes = _nodes(ios.schema.root, 3)
    assert any(n.kind is Kind.LIST and len(n.keys) > 1 for n in nodes)
    assert any(n.kind is Kind.LEAF_LIST for n in nodes)
