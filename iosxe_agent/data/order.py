"""Schema-order placement of sibling elements, the canonical form every datastore tree keeps."""

from __future__ import annotations

from lxml import etree

from iosxe_agent.yang.schema import SchemaNode


def insert_in_schema_order(parent: etree._Element, snode: SchemaNode, new: etree._Element) -> None:
    """Insert ``new`` (an instance of ``snode``) after the last sibling whose schema position is not later.

    ``new`` may already be a child of ``parent`` (created in place); it is then moved.

    Scanning from the end makes appending in schema order (the common case: building or loading a tree) O(1).
    """
    owner = snode.data_parent
    data = owner.data_children if owner is not None else {}
    idx = snode.order_index
    for pos in range(len(parent) - 1, -1, -1):
        sib = parent[pos]
        if sib is new or not isinstance(sib.tag, str):
            continue
        s = data.get(sib.tag)
        if s is None or s.order_index <= idx:
            sib.addnext(new)
            return
    parent.insert(0, new)
