"""The printable check pairs each element of the checked tree with the element the parser read back at the same
identity path (printable._counterparts): the pairing is exactly the one the identities of the data layer give
(iosxe_agent.data.touched.identity: the tag, plus a list entry's keys or a leaf-list's value), for random
configurations, with values the text may not carry among them."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES, build
from lxml import etree

from iosxe_agent.data.touched import Identity, identity
from iosxe_agent.device.cli_map.parse import read_back
from iosxe_agent.device.cli_map.render import render_sourced
from iosxe_agent.device.printable import _counterparts
from iosxe_agent.yang.schema import Schema

Path = tuple[Identity, ...]


def _by_path(root: etree._Element, schema: Schema) -> dict[Path, etree._Element]:
    """Every element below ``root`` by its path of identities (the first of any repeated path)."""
    out: dict[Path, etree._Element] = {}
    stack: list[tuple[etree._Element, Path, Any]] = [(root, (), schema.root)]
    while stack:
        el, path, snode = stack.pop()
        for child in el:
            if isinstance(child.tag, str):
                cnode = snode.child(child.tag) if snode is not None else None
                here = (*path, identity(child, cnode))
                out.setdefault(here, child)
                stack.append((child, here, cnode))
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_each_element_is_paired_with_the_one_read_back_at_its_identity_path(trees: Any, data: st.DataObject) -> None:
    tree = build(trees.empty(), trees.doc.cfg, trees.schema, data.draw(st.lists(FEATURES, min_size=1, max_size=6)))
    text, _ = render_sourced(tree)
    parsed, _ = read_back(text)
    mine = _by_path(tree, trees.schema)
    theirs = _by_path(parsed, trees.schema)
    expected = {id(el): theirs[path] for path, el in mine.items() if path in theirs}
    found = _counterparts(tree, parsed, trees.schema)
    assert {k: found.get(k) for k in expected} == expected
    assert set(found) <= {id(el) for el in mine.values()}


def test_entries_whose_keys_differ_only_in_a_missing_key_are_told_apart(trees: Any) -> None:
    """A list entry without its key element pairs with an entry whose key is empty, as the identities say."""
    n = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
    tree = etree.fromstring(
        f"<config xmlns='urn:ietf:params:xml:ns:netconf:base:1.0'><native xmlns='{n}'>"
        "<username><name>a</name></username><username><privilege>1</privilege></username></native></config>"
    )
    parsed = etree.fromstring(
        f"<config xmlns='urn:ietf:params:xml:ns:netconf:base:1.0'><native xmlns='{n}'>"
        "<username><name/><privilege>2</privilege></username><username><name>a</name></username></native></config>"
    )
    users, back = tree[0], parsed[0]
    alive = list(tree.iter())  # (an element's id() holds while its proxy is referenced)
    found = _counterparts(tree, parsed, trees.schema)
    assert len(alive) == 6
    assert found[id(users[0])] is back[1]
    assert found[id(users[1])] is back[0]
    assert found[id(users[1][0])] is back[0][1]
