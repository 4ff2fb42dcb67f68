"""Hidden modules: configuration the datastore keeps whole but the management protocol never sees.

A device's YANG is often a partial view of its configuration (lines that only its CLI knows). Those nodes are
compiled from modules the schema marks hidden (``Schema.hidden_ns``) and live in the one datastore, so every
whole-tree path (commit, persistence, startup, rollback, the CLI) carries them unchanged. Only the protocol face
filters: what it sends passes through :func:`strip_hidden`, and what it writes through :func:`graft_hidden`,
so a client replacing the part it can see never erases the part it cannot. (Requests naming a hidden node are
refused by the edit itself, as nodes of an unknown namespace: ``apply_edit(..., hidden=...)``.)

Both are cheap when there is nothing hidden: the test is one C-level scan per hidden namespace, and a tree
without hidden elements is returned as it is, never copied.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from lxml import etree

from iosxe_agent.data.order import insert_in_schema_order
from iosxe_agent.data.tags import tag_of
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode, split_clark


def _wildcards(namespaces: Iterable[str]) -> list[str]:
    return [f"{{{ns}}}*" for ns in namespaces]


def has_hidden(el: etree._Element, hidden_ns: frozenset[str]) -> bool:
    """True when ``el`` or an element below it is in a hidden namespace."""
    return bool(hidden_ns) and next(el.iter(*_wildcards(hidden_ns)), None) is not None


def is_hidden_path(path_ns: Iterable[tuple[str, str]], hidden_ns: frozenset[str]) -> bool:
    """True when an instance path (its ``(prefix, namespace)`` pairs) goes through a hidden node."""
    return any(ns in hidden_ns for _, ns in path_ns)


def strip_hidden(tree: etree._Element, schema: Schema) -> etree._Element:
    """``tree`` (a datastore or reply root whose children are top-level data nodes) without its hidden subtrees.

    ``tree`` itself when it holds none; otherwise a copy, where a non-presence container left empty by the
    removal goes too (a real server prints no empty shell for configuration it does not model). The copy is the
    root of its own document, as XPath filters need.
    """
    hidden = schema.hidden_ns
    if not has_hidden(tree, hidden):
        return tree
    out = copy.deepcopy(tree)
    for el in list(out.iter(*_wildcards(hidden))):
        parent = el.getparent()
        if parent is None or split_clark(tag_of(parent))[0] in hidden:
            continue  # the root, or inside a hidden subtree removed already
        parent.remove(el)
        _prune_empty(parent, out, schema)
    return out


def _prune_empty(el: etree._Element, root: etree._Element, schema: Schema) -> None:
    """Remove ``el`` and its ancestors while each is an empty non-presence container."""
    while el is not root and not any(isinstance(c.tag, str) for c in el):
        snode = schema.node_for([tag_of(a) for a in reversed(list(el.iterancestors())) if a is not root] + [tag_of(el)])
        parent = el.getparent()
        if snode is None or snode.kind is not Kind.CONTAINER or snode.presence or parent is None:
            return
        parent.remove(el)
        el = parent


def graft_hidden(old: etree._Element, new: etree._Element, snode: SchemaNode, schema: Schema) -> None:
    """Carry the hidden subtrees of ``old`` into ``new`` (both instances of ``snode``, or both datastore roots with
    ``schema.root``), in place.

    What a client replaces is only what it can see: a hidden subtree stays wherever the node that holds it still
    exists in ``new``. Existence follows YANG: a list entry or presence container exists only if ``new`` has it
    (a client that deleted one deleted its hidden content too), while a non-presence container exists whenever its
    parent does, so it is created again to hold what it held.
    """
    hidden = schema.hidden_ns
    if has_hidden(old, hidden):
        _graft(old, new, snode, hidden)


def _graft(old: etree._Element, new: etree._Element, snode: SchemaNode, hidden: frozenset[str]) -> None:
    for child in old:
        if not isinstance(child.tag, str):
            continue
        cnode = snode.child(child.tag)
        if cnode is None:
            continue
        match = _counterpart(new, child, cnode)
        if cnode.ns in hidden:
            if match is None:
                insert_in_schema_order(new, cnode, copy.deepcopy(child))
            continue
        if cnode.kind not in (Kind.CONTAINER, Kind.LIST) or not has_hidden(child, hidden):
            continue
        if match is None and cnode.kind is Kind.CONTAINER and not cnode.presence:
            match = etree.SubElement(new, cnode.tag, nsmap=None if cnode.ns == _ns(new) else {None: cnode.ns})
            _graft(child, match, cnode, hidden)
            if len(match):
                insert_in_schema_order(new, cnode, match)
            else:
                new.remove(match)
        elif match is not None:
            _graft(child, match, cnode, hidden)


def _ns(el: etree._Element) -> str:
    return split_clark(tag_of(el))[0]


def _counterpart(parent: etree._Element, el: etree._Element, snode: SchemaNode) -> etree._Element | None:
    """The instance of ``el``'s node under ``parent``: the same list keys or leaf-list value, else the same tag."""
    same = parent.iterchildren(snode.tag)
    if snode.kind is Kind.LIST:
        keys = [el.findtext(k) for k in snode.keys]
        return next((c for c in same if [c.findtext(k) for k in snode.keys] == keys), None)
    if snode.kind is Kind.LEAF_LIST:
        return next((c for c in same if c.text == el.text), None)
    return next(same, None)
