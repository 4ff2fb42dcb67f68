"""Schema-order placement of sibling elements, the canonical form every datastore tree keeps."""

from __future__ import annotations

from lxml import etree

from iosxe_agent.yang.schema import SchemaNode


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
    A search longer than :data:`WALK_BOUND` steps falls back to the scan in C.
    """
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
