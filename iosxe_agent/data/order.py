"""Schema-order placement of sibling elements, the canonical form every datastore tree keeps, and finding and
ordering siblings without scanning the long lists among them (a node beside 100,000 users)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar

from lxml import etree

from iosxe_agent.data.tags import tag_of
from iosxe_agent.yang.schema import Kind, SchemaNode

#: a child of one parent with its schema node first: ``(element, schema node, …)``
Placed = TypeVar("Placed", bound=tuple[Any, ...])


def insert_in_schema_order(
    parent: etree._Element, snode: SchemaNode, new: etree._Element, hint: etree._Element | None = None
) -> None:
    """Insert ``new`` (an instance of ``snode``) after the last sibling whose schema position is not later.

    ``new`` may already be a child of ``parent`` (created in place); it is then moved. ``hint``: an instance of
    ``snode`` placed earlier; if it is still a child of ``parent`` with only later positions after it (siblings
    are in schema order), ``new`` goes right after it without a scan (10,000 users added in one edit each
    passed every top-level node that follows the users).

    Scanning from the end makes appending in schema order (the common case: building or loading a tree) O(1).
    The scan walks sibling links (``getprevious``): lxml's ``len()`` and positive indexing walk the children from
    the first one, which made creating 10,000 list entries in one edit quadratic.
    """
    owner = snode.data_parent
    data = owner.data_children if owner is not None else {}
    idx = snode.order_index
    if hint is not None and hint is not new and hint.getparent() is parent:
        after = hint.getnext()
        if after is new:
            after = new.getnext()
        if after is None or (isinstance(after.tag, str) and (s := data.get(after.tag)) is not None
                             and s.order_index > idx):  # fmt: skip
            hint.addnext(new)
            return
    sib = next(parent.iterchildren(reversed=True), None)
    while sib is not None:
        if sib is not new and isinstance(sib.tag, str):
            s = data.get(sib.tag)
            if s is None or s.order_index <= idx:
                sib.addnext(new)
                return
        sib = sib.getprevious()
    parent.insert(0, new)


#: Siblings :func:`find_single` steps over from each end before it leaves the search to one scan in C.
WALK_BOUND = 64


def find_single(parent: etree._Element, snode: SchemaNode) -> etree._Element | None:
    """The instance of ``snode`` (a container or leaf: at most one per parent) among the children of
    ``parent``, whose siblings are in schema order.

    Why: ``iterchildren(tag)`` scans from the first child, and a container placed after a long list (the
    ``ip`` beside 100,000 users) cost a scan of the whole list per look-up, about fifteen times per commit.
    Stepping from both ends at once reaches any node near either end, and schema order says when to stop: a
    sibling placed after ``snode`` seen from the front (before it, from the back) means ``snode`` is absent.
    A search longer than :data:`WALK_BOUND` steps falls back to the scan in C, and so does the search among
    fewer children than that (told by one indexing in C): there the scan costs less than the first steps.
    """
    if not _more_than_bound(parent):  # (asked first: the common case then reads nothing else of the schema)
        return next(parent.iterchildren(snode.tag), None)
    owner = snode.data_parent
    tag = snode.tag
    if owner is None:
        return next(parent.iterchildren(tag), None)
    data = owner.data_children
    idx = snode.order_index
    front = next(parent.iterchildren(), None)
    back = next(parent.iterchildren(reversed=True), None)
    for _ in range(WALK_BOUND):
        if front is None or back is None:
            return None
        for sib, sign in ((front, 1), (back, -1)):
            stag = sib.tag
            if stag == tag:
                return sib
            if isinstance(stag, str) and (s := data.get(stag)) is not None and (s.order_index - idx) * sign > 0:
                return None  # passed the place where it would be
        if front is back:
            return None
        front = front.getnext()
        if front is back:  # met in the middle: both seen
            return None
        back = back.getprevious()
    return next(parent.iterchildren(tag), None)


def _more_than_bound(parent: etree._Element) -> bool:
    """True when ``parent`` has more than :data:`WALK_BOUND` children (comments included): lxml's indexing walks
    from the first child in C and stops there, whatever the parent's size. (Not a slice: lxml counts every
    child to resolve one, 1 ms beside 100,000 users.)"""
    try:
        parent[WALK_BOUND]
    except IndexError:
        return False
    return True


def single_children(parent: etree._Element, *tags: str) -> dict[str, etree._Element | None]:
    """The child of ``parent`` with each of ``tags`` (None when absent), for tags ``parent`` holds at most once
    (containers and leaves): found from both ends, the ones not reached within :data:`WALK_BOUND` steps by one
    scan in C from the first child.

    Unlike :func:`find_single` it needs no schema and assumes no sibling order, so it serves where either is
    missing: the views (which see the tree alone) and a change record replayed onto a tree whose siblings are
    out of schema order until the record's last operation. Among at most :data:`WALK_BOUND` children (told by
    one indexing in C, as :func:`find_single` does) the scan costs less than the walk's first steps in Python.
    """
    found: dict[str, etree._Element | None] = dict.fromkeys(tags)
    if not _more_than_bound(parent):
        return _scanned(parent, found, tags)
    missing = set(tags)
    front = next(parent.iterchildren(), None)
    back = next(parent.iterchildren(reversed=True), None)
    for _ in range(WALK_BOUND):
        if front is None or back is None:
            return found
        for sib in (front, back):
            if sib.tag in missing:
                found[sib.tag] = sib
                missing.discard(sib.tag)
        if not missing or front is back or front.getnext() is back:  # everything wanted, or every child, seen
            return found
        front, back = front.getnext(), back.getprevious()
    return _scanned(parent, found, missing)


def _scanned(
    parent: etree._Element, found: dict[str, etree._Element | None], missing: Collection[str]
) -> dict[str, etree._Element | None]:
    """``found`` with the first child of ``parent`` of each of the ``missing`` tags, by one scan in C (none: no
    scan, as ``iterchildren()`` would give every child), which stops once each is found."""
    left = len(missing)
    for child in parent.iterchildren(*missing) if left else ():
        tag = tag_of(child)
        if found[tag] is None:
            found[tag] = child
            left -= 1
            if not left:
                break
    return found


def instances(parent: etree._Element, snode: SchemaNode) -> list[etree._Element]:
    """Every instance of ``snode`` among the children of ``parent`` (siblings in schema order), in document order:
    a container or leaf by :func:`find_single`, the entries of a list or leaf-list by one scan in C."""
    if snode.kind in (Kind.LIST, Kind.LEAF_LIST):
        return list(parent.iterchildren(snode.tag))
    found = find_single(parent, snode)
    return [] if found is None else [found]


#: Children of one kind to put in order: up to this many, each is placed by its own scan in C
#: (``parent.index``); more, and the siblings of that kind are numbered once.
SCAN_EACH_UP_TO = 16


def in_document_order(parent: etree._Element, children: Collection[Placed]) -> list[Placed]:
    """``children`` (each a distinct child of ``parent`` with its schema node, siblings in schema order) sorted
    into document order.

    Why: ``parent.index`` counts from the first child, so ordering the ``ip`` beside 100,000 users cost a scan
    of the users per commit. Schema order sorts children of different kinds; only children of one kind (list
    entries) need their positions, found among the siblings of their kind.
    """
    items = list(children)
    if len(items) < 2:
        return items
    kinds: dict[int, list[Placed]] = {}
    for item in items:
        kinds.setdefault(item[1].order_index, []).append(item)
    out: list[Placed] = []
    for index in sorted(kinds):
        same = kinds[index]
        out += same if len(same) == 1 else _by_position(parent, same, same[0][1].tag)
    return out


def _by_position(parent: etree._Element, items: list[Placed], tag: str) -> list[Placed]:
    """``items`` (children of ``parent`` with ``tag``) sorted by position."""
    if len(items) <= SCAN_EACH_UP_TO:
        return sorted(items, key=lambda item: parent.index(item[0]))
    order = {id(child): i for i, child in enumerate(parent.iterchildren(tag))}
    return sorted(items, key=lambda item: order[id(item[0])])
