"""Which subtrees an edit changed, so a commit's diff can follow the change instead of the whole tree.

An edit reports the elements whose children or values it changed (created, removed, replaced, moved a child, or
set a leaf's value), with the tags of those children. :class:`Touched` is the trie of the instance identities
leading to them: a node whose own children changed is ``whole`` (compare all its children; ``tags`` says which
kinds of child changed); any other node in the trie has exactly the children it had before, in the same order,
and only those listed in ``children`` may differ inside. Changes deeper inside a whole node are in the trie too,
so a whole node's list entries of a kind not in ``tags`` are as they were unless the trie names them (a
normalizer rewrites only values beside a value the edit wrote): :func:`outside_runs` relies on it.
Identities (tag, plus list keys or a leaf-list value) survive the deep copies every edit makes, so the tries of
several candidate edits merge into one that describes the candidate against running.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from iosxe_agent.data.order import find_single
from iosxe_agent.data.tags import key_child, tag_of
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode, split_clark

Identity = tuple[str, ...]


def identity(el: etree._Element, snode: SchemaNode | None) -> Identity:
    """What names ``el`` among its siblings: the tag, plus the keys of a list entry or a leaf-list's value."""
    name = tag_of(el)
    if snode is None:
        return (name,)
    if snode.kind is Kind.LIST:
        return (name, *((kel.text or "") if (kel := key_child(el, k)) is not None else "" for k in snode.keys))
    if snode.kind is Kind.LEAF_LIST:
        return (name, el.text or "")
    return (name,)


#: A list entry among its siblings by name and key values, in C (variables, so any value is safe to pass).
_ENTRY_BY_KEYS = {
    count: etree.XPath(
        "*[namespace-uri() = $ns and local-name() = $name]"
        + "".join(f"[*[namespace-uri() = $kns{i} and local-name() = $kname{i}] = $kval{i}]" for i in range(count))
    )
    for count in range(1, 9)
}


def find_child(parent: etree._Element, ident: tuple[str, ...], snode: SchemaNode | None) -> etree._Element | None:
    """The child of ``parent`` with identity ``ident``, without computing the identity of every sibling."""
    tag = ident[0]
    if snode is not None and snode.kind is Kind.LEAF_LIST:
        return next((c for c in parent.iterchildren(tag) if (c.text or "") == ident[1]), None)
    if snode is None:
        return next(parent.iterchildren(tag), None)
    if snode.kind is not Kind.LIST:
        return find_single(parent, snode)
    query = _ENTRY_BY_KEYS.get(len(snode.keys))
    if query is None:
        return None  # more keys than prepared for: the caller compares every child instead
    ns, name = split_clark(tag)
    variables = {"ns": ns, "name": name}
    for i, (key, value) in enumerate(zip(snode.keys, ident[1:], strict=True)):
        variables[f"kns{i}"], variables[f"kname{i}"] = split_clark(key)
        variables[f"kval{i}"] = value
    found = query(parent, **variables)
    return found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None


#: More touched entries of one list than this under one parent, and :class:`Children` indexes the list once
#: (one pass over its entries) instead of one scan of the siblings per entry (quadratic for a bulk edit); fewer,
#: and each is found by one scan in C, which beats indexing 10,000 entries to find one.
INDEX_ABOVE = 16


class Children:
    """The children of one element found by identity, for the touched children of one trie node."""

    def __init__(self, parent: etree._Element, touched: Touched) -> None:
        self.parent = parent
        counts: dict[str, int] = {}
        for ident in touched.children:
            counts[ident[0]] = counts.get(ident[0], 0) + 1
        self._many = {tag for tag, count in counts.items() if count > INDEX_ABOVE}
        self._index: dict[str, dict[Identity, etree._Element]] = {}

    def find(self, ident: Identity, snode: SchemaNode | None) -> etree._Element | None:
        """Like :func:`find_child` (the first child with that identity), indexed for a list touched in bulk."""
        tag = ident[0]
        if tag not in self._many or snode is None or snode.kind not in (Kind.LIST, Kind.LEAF_LIST):
            return find_child(self.parent, ident, snode)
        index = self._index.get(tag)
        if index is None:
            index = {}
            for child in self.parent.iterchildren(tag):
                index.setdefault(identity(child, snode), child)
            self._index[tag] = index
        return index.get(ident)


def outside_runs(
    parent: etree._Element, snode: SchemaNode, touched: Touched, keep: frozenset[str] = frozenset()
) -> tuple[list[etree._Element], dict[str, int]]:
    """The children of ``parent`` (a node ``touched`` reports whole) that may differ, in document order, and the
    tags of the lists left out, each with the position in that list where its run was.

    A whole node's ``tags`` name every kind of child the edits created, removed, replaced or moved, and the trie
    names every entry changed inside, so the other entries of a list not in ``tags`` are as they were: they are
    left out, except those the trie names (at most :data:`INDEX_ABOVE`; more, and the list is kept) and lists
    in ``keep``. Why: a hostname edit reports ``native`` whole, and walking its 100,000 users in Python cost
    more than the rest of the commit. Siblings are in schema order (:mod:`iosxe_agent.data.edit` keeps them so),
    so a list's entries form one run: its last entry is found in C from the end and the run is stepped over.
    """
    named: dict[str, list[Identity]] = {}
    for ident in touched.children:
        named.setdefault(ident[0], []).append(ident)
    out: list[etree._Element] = []
    left_out: dict[str, int] = {}
    child = next(parent.iterchildren(), None)
    while child is not None:
        tag = child.tag
        if isinstance(tag, str) and tag not in touched.tags and tag not in keep:
            cnode = snode.child(tag)
            idents = named.get(tag, ())
            if cnode is not None and cnode.kind is Kind.LIST and len(idents) <= INDEX_ABOVE:
                found = [e for ident in idents if (e := find_child(parent, ident, cnode)) is not None]
                if len(found) < len(idents):
                    return [c for c in parent if isinstance(c.tag, str)], {}  # not as the report says
                left_out[tag] = len(out)
                out.extend(sorted(found, key=parent.index) if len(found) > 1 else found)
                child = next(parent.iterchildren(tag, reversed=True)).getnext()
                continue
        if isinstance(tag, str):
            out.append(child)
        child = child.getnext()
    return out, left_out


@dataclass(slots=True)
class Touched:
    """One node of the trie; the root stands for the datastore's top-level wrapper."""

    whole: bool = False
    tags: set[str] = field(default_factory=set)
    children: dict[Identity, Touched] = field(default_factory=dict)

    def merge(self, other: Touched) -> None:
        """Add ``other``'s changes (of a later edit of the same tree) to this trie, in place."""
        self.whole = self.whole or other.whole
        self.tags |= other.tags
        for ident, sub in other.children.items():
            mine = self.children.get(ident)
            if mine is None:
                self.children[ident] = _copy(sub)
            else:
                mine.merge(sub)


def _copy(t: Touched) -> Touched:
    return Touched(t.whole, set(t.tags), {ident: _copy(sub) for ident, sub in t.children.items()})


def touched_of(root: etree._Element, changed: Mapping[int, tuple[etree._Element, set[str]]], schema: Schema) -> Touched:
    """The trie of the elements of tree ``root`` whose children or values changed (``changed``: by id, each with
    the tags of the changed children; elements no longer in the tree are ignored: their removal changed a
    parent, which is in ``changed`` too).

    A change inside a child whose kind its parent already reports as changed adds nothing (that parent is
    compared whole, and the whole subtree of that kind counts as changed), so 10,000 new users cost one entry.
    """
    trie = Touched()
    for el, tags in changed.values():
        chain = [el]
        for ancestor in el.iterancestors():
            reported = changed.get(id(ancestor))
            if reported is not None and chain[-1].tag in reported[1]:
                break
            chain.append(ancestor)
        else:
            if chain[-1] is root:
                _add(trie, chain[-2::-1], tags, schema)
    return trie


def _add(trie: Touched, path: list[etree._Element], tags: set[str], schema: Schema) -> None:
    """Record the last element of ``path`` (top-level node first) as changed in ``tags``."""
    node = trie
    snode: SchemaNode | None = schema.root
    for step in path:
        snode = snode.child(tag_of(step)) if snode is not None else None
        node = node.children.setdefault(identity(step, snode), Touched())
    node.whole = True
    node.tags |= tags
