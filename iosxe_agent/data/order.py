"""Schema-order placement of sibling elements, the canonical form every datastore tree keeps."""

from __future__ import annotations

from lxml import etree

from iosxe_agent.yang.schema import SchemaNode


def insert_in_schema_order(parent: etree._Element, snode: SchemaNode, new: etree._Element) -> None:
    """Insert ``new`` (an instance of ``snode``) after the last sibling whose schema position is not later.

    ``new`` may already be a child of ``parent`` (created in place); it is then moved.

    Scanning from the end makes appending in schema order (the common case: building or loading a tree) O(1).
    The scan walks sibling links (``getprevious``): lxml's ``len()`` and positive indexing walk the children from
    the first one, which made creating 10,000 list entries in one edit quadratic.
    """
    owner = snode.data_parent
    data = owner.data_children if owner is not None else {}
    idx = snode.order_index
    sib = next(parent.iterchildren(reversed=True), None)
    while sib is not None:
        if sib is not new and isinstance(sib.tag, str):
            s = data.get(sib.tag)
            if s is None or s.order_index <= idx:
                sib.addnext(new)
                return
        sib = sib.getprevious()
    parent.insert(0, new)
