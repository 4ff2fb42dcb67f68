"""Which subtrees an edit changed, so a commit's diff can follow the change instead of the whole tree.

An edit reports the elements whose children or values it changed (created, removed, replaced, moved a child, or
set a leaf's value), with the tags of those children. :class:`Touched` is the trie of the instance identities
leading to them: a node whose own children changed is ``whole`` (compare all its children; ``tags`` says which
kinds of child changed); any other node in the trie has exactly the children it had before, in the same order,
and only those listed in ``children`` may differ inside. Changes deeper inside a whole node are in the trie too,
so a whole node's list entries of a kind not in ``tags`` are as they were unless the trie names them (a
normalizer rewrites only values beside a value the edit wrote): :func:`outside_runs` relies on it. A kind in
``tags`` may also be in ``entries``: the edits only created, deleted or replaced the entries named there, so the
others are as they were too (one user created beside 100,000 is one entry to look at, not a list to compare).
More than :data:`INDEX_ABOVE` such entries are kept as the edited tree's elements in ``bulk`` instead: looking each
up by identity would cost what comparing the list does, but the diff can tell from them and two counts that they
were all created (:func:`created_only`), and then looks for no old counterpart of any (10,000 new users).
Identities (tag, plus list keys or a leaf-list value) survive the deep copies every edit makes, so the tries of
several candidate edits merge into one that describes the candidate against running.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from iosxe_agent.data.order import find_single
from iosxe_agent.data.tags import children_count, key_child, tag_of
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


@functools.lru_cache(maxsize=4096)  # one per list of the schema
def _entry_by_keys(tag: str, keys: tuple[str, ...]) -> etree.XPath:
    """The entry of list ``tag`` among its siblings whose ``keys`` have the values ``$k0``, ``$k1`` …, in C
    (values passed as variables, so any value is safe). Names are matched by prefix, not by comparing
    ``namespace-uri()`` and ``local-name()`` strings at each sibling: five times faster over 100,000 users."""
    namespaces: dict[str, str] = {}
    steps = []
    for name in (tag, *keys):
        ns, local = split_clark(name)
        steps.append(f"{namespaces.setdefault(ns, f'p{len(namespaces)}')}:{local}" if ns else local)
    # each key's first child, as :func:`identity` reads it, and the first entry found: both let libxml2 stop
    # early (the scan of 100,000 users took ~50 ms without them, ~20 ms with)
    predicates = "".join(f"[{step}[1] = $k{i}]" for i, step in enumerate(steps[1:]))
    return etree.XPath(f"{steps[0]}{predicates}[1]", namespaces={prefix: ns for ns, prefix in namespaces.items()})


def find_child(parent: etree._Element, ident: tuple[str, ...], snode: SchemaNode | None) -> etree._Element | None:
    """The child of ``parent`` with identity ``ident``, without computing the identity of every sibling."""
    tag = ident[0]
    if snode is not None and snode.kind is Kind.LEAF_LIST:
        return next((c for c in parent.iterchildren(tag) if (c.text or "") == ident[1]), None)
    if snode is None:
        return next(parent.iterchildren(tag), None)
    if snode.kind is not Kind.LIST:
        return find_single(parent, snode)
    if not snode.keys:
        return None  # a keyless list's entries have no identity to find: the caller compares every child instead
    values = {f"k{i}": value for i, (_, value) in enumerate(zip(snode.keys, ident[1:], strict=True))}
    found = _entry_by_keys(tag, snode.keys)(parent, **values)
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
    parent: etree._Element,
    snode: SchemaNode,
    touched: Touched,
    keep: frozenset[str] = frozenset(),
    only: Mapping[str, list[etree._Element]] | None = None,
) -> tuple[list[etree._Element], dict[str, int]]:
    """The children of ``parent`` (a node ``touched`` reports whole) that may differ, in document order, and the
    tags of the lists left out, each with the position in that list where its run was.

    A whole node's ``tags`` name every kind of child the edits created, removed, replaced or moved, and the trie
    names every entry changed inside, so the other entries of a list not in ``tags`` are as they were: they are
    left out, except those the trie names (at most :data:`INDEX_ABOVE`; more, and the list is kept) and lists
    in ``keep``; so are those of a kind in ``tags`` that is in ``entries``, but for the named entries this side
    holds (a created entry is only on the new side, a deleted one only on the old). Why: a hostname edit reports
    ``native`` whole, and walking its 100,000 users in Python cost more than the rest of the commit. Siblings are
    in schema order (:mod:`iosxe_agent.data.edit` keeps them so), so a list's entries form one run: its last entry
    is found in C from the end and the run is stepped over. ``only``: lists of which exactly the given entries of
    this side may differ (:func:`created_only`'s, none on the old side), at the place of their run, which is not
    counted among those left out (one side may have none).
    """
    named: dict[str, dict[Identity, None]] = {}  # (a dict: an identity both in the trie and in ``entries`` once)
    for ident in touched.children:
        named.setdefault(ident[0], {})[ident] = None
    for kind, entries in touched.entries.items():
        named.setdefault(kind, {}).update(dict.fromkeys(entries))
    out: list[etree._Element] = []
    left_out: dict[str, int] = {}
    met: set[str] = set()  # tags whose run was tried: a broken run is stepped one by one, not tried at each entry
    child = next(parent.iterchildren(), None)
    while child is not None:
        tag = child.tag
        if only is not None and isinstance(tag, str) and tag in only:
            out.extend(only[tag])
            child = next(parent.iterchildren(tag, reversed=True)).getnext()
            continue
        if isinstance(tag, str) and (tag not in touched.tags or tag in touched.entries) and tag not in keep:
            cnode = snode.child(tag)
            idents = named.get(tag, {})
            if cnode is not None and cnode.kind is Kind.LIST and len(idents) <= INDEX_ABOVE:
                may_lack = touched.entries.get(tag, set())
                found = []
                for ident in idents:
                    entry = find_child(parent, ident, cnode)
                    if entry is not None:
                        found.append(entry)
                    elif ident not in may_lack:
                        return [c for c in parent if isinstance(c.tag, str)], {}  # not as the report says
                left_out[tag] = len(out)
                out.extend(sorted(found, key=parent.index) if len(found) > 1 else found)
                child = next(parent.iterchildren(tag, reversed=True)).getnext()
                continue
        if isinstance(tag, str):
            run = _run(parent, child, tag) if tag not in met else [child]
            met.add(tag)
            out.extend(run)
            child = run[-1].getnext()
        else:
            child = child.getnext()
    return out, left_out


def _run(parent: etree._Element, first: etree._Element, tag: str) -> list[etree._Element]:
    """``first`` (the first child ``tag``) and the others of its tag, when they all follow it with nothing
    between (a list's run, collected in C: 100,000 kept users stepped one by one in Python cost ~20 ms a side);
    else ``first`` alone."""
    after = first.getnext()
    if after is None or after.tag != tag:
        return [first]
    run = list(parent.iterchildren(tag))
    if run[0] is not first or parent.index(run[-1]) - parent.index(first) != len(run) - 1:
        return [first]
    return run


def created_only(
    old: etree._Element, new: etree._Element, snode: SchemaNode, touched: Touched
) -> dict[str, list[etree._Element]]:
    """Per keyed list whose ``bulk`` entries (of node ``touched`` reports whole, ``old`` and ``new`` its two sides)
    were all created: those entries, in document order. Why they were: every one is a child of ``new``, and the
    list grew by as many entries. The others of the list are as they were (they have their old counterpart), so
    ``new`` has ``|old| + created - deleted`` entries while the edit named ``created + replaced`` of them here:
    the counts are equal only when nothing was replaced or deleted. Elements of another tree (a trie merged from an
    edit of an earlier copy) are not children of ``new``: that list is compared as before."""
    out: dict[str, list[etree._Element]] = {}
    for tag, elements in touched.bulk.items():
        cnode = snode.child(tag)
        if cnode is None or cnode.kind is not Kind.LIST or not cnode.keys:
            continue
        before = int(children_count(tag)(old))
        if not before:
            continue  # (no entry before: the diff finds no counterpart to compare anyway, at no cost per entry)
        named = {id(e) for e in elements}
        run = list(new.iterchildren(tag))
        if len(run) - before == len(named):
            created = [e for e in run if id(e) in named]
            if len(created) == len(named):  # each is a child of ``new``
                out[tag] = created
    return out


@dataclass(slots=True)
class Touched:
    """One node of the trie; the root stands for the datastore's top-level wrapper."""

    whole: bool = False
    tags: set[str] = field(default_factory=set)
    children: dict[Identity, Touched] = field(default_factory=dict)
    #: kinds of ``tags`` whose every change is the creation, deletion or replacement of the entries named here
    #: (by identity; possibly absent on either side); a kind of ``tags`` not here may have changed in any way
    entries: dict[str, set[Identity]] = field(default_factory=dict)
    #: kinds of ``tags`` whose every change is the creation, deletion or replacement of more entries than
    #: :data:`INDEX_ABOVE`, as elements of the edited tree (created and replaced ones there, deleted ones out of
    #: it), and inside no other entry of that kind
    bulk: dict[str, list[etree._Element]] = field(default_factory=dict)

    def merge(self, other: Touched) -> None:
        """Add ``other``'s changes (of a later edit of the same tree) to this trie, in place."""
        self.whole = self.whole or other.whole
        self.entries = _named_entries(self, other)
        self.bulk = _bulk_entries(self, other)
        self.tags |= other.tags
        for ident, sub in other.children.items():
            mine = self.children.get(ident)
            if mine is None:
                self.children[ident] = _copy(sub)
            else:
                mine.merge(sub)


def _named_entries(a: Touched, b: Touched) -> dict[str, set[Identity]]:
    """The ``entries`` of ``a`` and ``b`` merged: a kind stays named only while every change to it is named."""
    named: dict[str, set[Identity]] = {}
    for tag in a.tags | b.tags:
        if (tag not in a.tags or tag in a.entries) and (tag not in b.tags or tag in b.entries):
            named[tag] = set(a.entries.get(tag, ())) | b.entries.get(tag, set())
    return named


def _bulk_entries(a: Touched, b: Touched) -> dict[str, list[etree._Element]]:
    """The ``bulk`` of ``a`` and ``b`` merged: a kind stays only where one edit alone changed it, in it or below."""
    return {
        tag: elements
        for mine, other in ((a, b), (b, a))
        for tag, elements in mine.bulk.items()
        if tag not in other.tags and all(ident[0] != tag for ident in other.children)
    }


def _copy(t: Touched) -> Touched:
    return Touched(
        t.whole,
        set(t.tags),
        {ident: _copy(sub) for ident, sub in t.children.items()},
        {tag: set(idents) for tag, idents in t.entries.items()},
        {tag: list(elements) for tag, elements in t.bulk.items()},
    )


def touched_of(
    root: etree._Element,
    changed: Mapping[int, tuple[etree._Element, set[str]]],
    schema: Schema,
    named: Mapping[int, Mapping[str, list[etree._Element] | None]] | None = None,
) -> Touched:
    """The trie of the elements of tree ``root`` whose children or values changed (``changed``: by id, each with
    the tags of the changed children; elements no longer in the tree are ignored: their removal changed a
    parent, which is in ``changed`` too). ``named``: by the same ids, the changed kinds whose every change
    created, deleted or replaced a list entry, with those entries (None, or a kind missing: changed in another
    way too); their identities become the nodes' ``entries``, or past :data:`INDEX_ABOVE` the elements their
    ``bulk``.

    A change inside a child whose kind its parent already reports as changed adds nothing (that parent is
    compared whole, and the whole subtree of that kind counts as changed) unless the parent names its changed
    entries and that child is not one of them, so 10,000 new users cost one entry; such a change inside a child
    that is not in its parent's ``bulk`` takes the kind out of the ``bulk`` (the other entries are no longer as
    they were).
    """
    marks: dict[int, dict[str, list[etree._Element]]] = {}  # few entries: outside_runs looks them up one by one
    bulk: dict[int, dict[str, list[etree._Element]]] = {}  # more: created_only may tell they are all new
    for key, kinds in (named or {}).items():
        for tag, entries in kinds.items():
            if entries is not None:
                (marks if len(entries) <= INDEX_ABOVE else bulk).setdefault(key, {})[tag] = entries
    marked = {key: {tag: {id(e) for e in entries} for tag, entries in kinds.items()} for key, kinds in marks.items()}
    in_bulk = {key: {tag: {id(e) for e in entries} for tag, entries in kinds.items()} for key, kinds in bulk.items()}
    adds: list[tuple[list[etree._Element], set[str], int]] = []
    for el, tags in changed.values():
        chain = [el]
        for ancestor in el.iterancestors():
            reported = changed.get(id(ancestor))
            if reported is not None and chain[-1].tag in reported[1]:
                tag = tag_of(chain[-1])
                ids = marked.get(id(ancestor), {}).get(tag)
                if ids is None or id(chain[-1]) in ids:
                    if id(chain[-1]) not in in_bulk.get(id(ancestor), {}).get(tag, (id(chain[-1]),)):
                        bulk[id(ancestor)].pop(tag, None)  # a change inside an entry the bulk does not name
                    break
            chain.append(ancestor)
        else:
            if chain[-1] is root:
                adds.append((chain[-2::-1], tags, id(el)))
    trie = Touched()
    for path, tags, key in adds:
        _add(trie, path, tags, schema, marks.get(key, {}), bulk.get(key, {}))
    return trie


def _add(
    trie: Touched,
    path: list[etree._Element],
    tags: set[str],
    schema: Schema,
    named: Mapping[str, list[etree._Element]],
    bulk: Mapping[str, list[etree._Element]],
) -> None:
    """Record the last element of ``path`` (top-level node first) as changed in ``tags`` (``named``, ``bulk``:
    see :func:`touched_of`)."""
    node = trie
    snode: SchemaNode | None = schema.root
    for step in path:
        snode = snode.child(tag_of(step)) if snode is not None else None
        node = node.children.setdefault(identity(step, snode), Touched())
    node.whole = True
    entries: dict[str, set[Identity]] = {}
    for tag, elements in named.items():
        cnode = snode.child(tag) if snode is not None else None
        if tag in tags and cnode is not None and cnode.kind is Kind.LIST:
            entries[tag] = {identity(e, cnode) for e in elements}
    change = Touched(True, set(tags), entries=entries, bulk={tag: list(bulk[tag]) for tag in tags & bulk.keys()})
    node.entries = _named_entries(node, change)
    node.bulk = _bulk_entries(node, change)
    node.tags |= tags
