"""``touched.created_only`` (old entries counted in C, the named entries picked from the new run in one pass)
against the form it replaced: the same lists found created, with the same entries in document order.

Why: a list found created is compared to nothing, so a wrong answer would hide a change from the diff; the new
form is for speed only. Drawn: entries of the new tree (created or kept), of another tree, of another kind."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.touched import Touched, created_only
from iosxe_agent.yang.schema import Kind, SchemaNode

USER = "{http://cisco.com/ns/yang/Cisco-IOS-XE-native}username"


def _reference(
    old: etree._Element, new: etree._Element, snode: SchemaNode, touched: Touched
) -> dict[str, list[etree._Element]]:
    out: dict[str, list[etree._Element]] = {}
    for tag, elements in touched.bulk.items():
        cnode = snode.child(tag)
        before = sum(1 for _ in old.iterchildren(tag))
        if not before or cnode is None or cnode.kind is not Kind.LIST or not cnode.keys:
            continue
        named = {id(e): e for e in elements}
        if any(e.getparent() is not new for e in named.values()):
            continue
        run = list(new.iterchildren(tag))
        if len(run) - before == len(named):
            out[tag] = [e for e in run if id(e) in named]
    return out


def _users(names: set[int]) -> str:
    return "".join(f"<username><name>u{i:02d}</name></username>" for i in sorted(names))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kept=st.sets(st.integers(0, 30), max_size=12),
    added=st.sets(st.integers(31, 60), max_size=12),
    picks=st.lists(st.tuples(st.sampled_from(["added", "kept", "other", "again"]), st.integers(0, 40)), max_size=16),
    other_kind=st.booleans(),
)
def test_created_only_is_as_before(
    ios: Any, kept: set[int], added: set[int], picks: list[tuple[str, int]], other_kind: bool
) -> None:
    old = ios.tree(_users(kept) + "<hostname>R</hostname>")
    new = ios.tree(_users(kept | added) + "<hostname>R</hostname>")
    o_native, n_native = old[0], new[0]
    snode = ios.schema.root.child(n_native.tag)
    entries = {"kept": [], "added": [], "other": list(old[0].iterchildren(USER))}
    for e in n_native.iterchildren(USER):
        entries["kept" if int(e[0].text[1:]) in kept else "added"].append(e)
    elements = list(entries["added"])  # every created entry, then drawn mixes of what a report could name
    for source, index in picks:
        pool = entries["added"] if source == "again" else entries[source]
        if pool:
            elements.append(pool[index % len(pool)])
    bulk = {USER: elements}
    if other_kind:
        bulk[f"{{{snode.ns}}}hostname"] = list(n_native.iterchildren(f"{{{snode.ns}}}hostname"))
    touched = Touched(True, set(bulk), bulk=bulk)
    assert created_only(o_native, n_native, snode, touched) == _reference(o_native, n_native, snode, touched)


def test_a_plain_bulk_create_is_found(ios: Any) -> None:
    """The property above reaches the answer that matters: every named entry created."""
    old, new = ios.tree(_users({1, 2})), ios.tree(_users({1, 2, 40, 41}))
    snode = ios.schema.root.child(new[0].tag)
    created = [e for e in new[0] if e[0].text in ("u40", "u41")]
    assert created_only(old[0], new[0], snode, Touched(True, {USER}, bulk={USER: created})) == {USER: created}
