"""with-defaults (RFC 6243): adding, tagging or trimming default values in a copy of a tree for output.

Datastores store only what was configured (IOS XE's basic-mode is ``explicit``); ``report-all`` and
``report-all-tagged`` add the schema defaults that are in effect, ``trim`` drops values equal to their default.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

from lxml import etree

from agent.data.order import insert_in_schema_order
from agent.yang.schema import Kind, Schema, SchemaNode

WD_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults"
DEFAULT_ATTR = f"{{{WD_NS}}}default"
MODES = ("explicit", "report-all", "report-all-tagged", "trim")


def apply_with_defaults(tree: etree._Element, schema: Schema, mode: str) -> etree._Element:
    """A copy of ``tree`` as with-defaults ``mode`` wants it (``explicit`` returns ``tree`` itself)."""
    if mode == "explicit":
        return tree
    out = copy.deepcopy(tree)
    if mode == "trim":
        _trim(out, schema.root)
    else:
        _fill(out, schema.root, tagged=mode == "report-all-tagged")
    return out


def _in_effect(snode: SchemaNode, present: set[str]) -> Iterator[SchemaNode]:
    """Data children whose defaults apply: outside choices, in the active case, or in a choice's default case."""
    for c in snode.children:
        if c.kind is Kind.CHOICE:
            active = next((case for case in c.children if any(d.tag in present for d in _data(case))), None)
            if active is None and c.default:
                active = next((case for case in c.children if case.name == c.default[0]), None)
            if active is not None:
                yield from _in_effect(active, present)
        elif c.kind is Kind.CASE:
            yield from _in_effect(c, present)
        else:
            yield c


def _data(node: SchemaNode) -> Iterator[SchemaNode]:
    for c in node.children:
        if c.kind in (Kind.CHOICE, Kind.CASE):
            yield from _data(c)
        else:
            yield c


def _fill(el: etree._Element, snode: SchemaNode, tagged: bool) -> None:
    present = {c.tag for c in el if isinstance(c.tag, str)}
    for child in list(el):
        cnode = snode.child(child.tag) if isinstance(child.tag, str) else None
        if cnode is None:
            continue
        if cnode.kind in (Kind.CONTAINER, Kind.LIST):
            _fill(child, cnode, tagged)
        elif tagged and cnode.kind is Kind.LEAF and cnode.default and (child.text or "") == cnode.default[0]:
            child.set(DEFAULT_ATTR, "true")
    if snode.kind is Kind.MODULE:
        return
    for cnode in _in_effect(snode, present):
        if cnode.tag in present or (not cnode.config and snode.config):
            continue
        if cnode.kind is Kind.LEAF and cnode.default:
            leaf = _new_child(el, cnode)
            leaf.text = cnode.default[0] or None
            if tagged:
                leaf.set(DEFAULT_ATTR, "true")
            insert_in_schema_order(el, cnode, leaf)
        elif cnode.kind is Kind.CONTAINER and not cnode.presence:
            holder = _new_child(el, cnode)
            _fill(holder, cnode, tagged)
            if len(holder):
                insert_in_schema_order(el, cnode, holder)
            else:
                el.remove(holder)


def _new_child(parent: etree._Element, snode: SchemaNode) -> etree._Element:
    """Created in place so it reuses the namespace declarations in scope (wire form, no invented prefixes)."""
    same = etree.QName(parent).namespace == snode.ns
    return etree.SubElement(parent, snode.tag, nsmap=None if same else {None: snode.ns})


def _trim(el: etree._Element, snode: SchemaNode) -> None:
    for child in list(el):
        cnode = snode.child(child.tag) if isinstance(child.tag, str) else None
        if cnode is None:
            continue
        if cnode.kind is Kind.LEAF and cnode.default and (child.text or "") == cnode.default[0]:
            el.remove(child)
        elif cnode.kind in (Kind.CONTAINER, Kind.LIST):
            _trim(child, cnode)
