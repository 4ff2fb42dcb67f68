"""with-defaults (RFC 6243): adding, tagging or trimming default values in a copy of a tree for output.

Datastores store only what was configured (IOS XE's basic-mode is ``explicit``); ``report-all`` and
``report-all-tagged`` add the schema defaults that are in effect, ``trim`` drops values equal to their default.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Iterator

from lxml import etree

from iosxe_agent.data.errors import DataError
from iosxe_agent.data.order import insert_in_schema_order
from iosxe_agent.data.tags import tag_of
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

WD_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults"
DEFAULT_ATTR = f"{{{WD_NS}}}default"


class WithDefaults(enum.StrEnum):
    """The with-defaults retrieval modes (RFC 6243 §3), as their wire text."""

    EXPLICIT = "explicit"
    REPORT_ALL = "report-all"
    REPORT_ALL_TAGGED = "report-all-tagged"
    TRIM = "trim"


MODES = tuple(WithDefaults)


def apply_with_defaults(tree: etree._Element, schema: Schema, mode: WithDefaults) -> etree._Element:
    """A copy of ``tree`` as with-defaults ``mode`` wants it (``explicit`` returns ``tree`` itself)."""
    if mode == WithDefaults.EXPLICIT:
        return tree
    out = copy.deepcopy(tree)
    if mode == WithDefaults.TRIM:
        _trim(out, schema.root)
    else:
        _fill(out, schema.root, tagged=mode == WithDefaults.REPORT_ALL_TAGGED)
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


#: Whether any ``wd:default`` attribute is in a document: asked of every edit, compiled once (five times cheaper
#: than ``xpath()`` compiling it again on each call).
_ANY_DEFAULT_TAG = etree.XPath("boolean(.//@wd:default)", namespaces={"wd": WD_NS})


def resolve_default_tags(
    config: etree._Element, schema: Schema, *, edit: bool
) -> tuple[etree._Element, tuple[DataError, ...]]:
    """Handle ``wd:default`` attributes in edit or copy content (RFC 6243 §4.5: a client may send back what a
    ``report-all-tagged`` reply gave it).

    ``wd:default="true"`` on a leaf holding its schema default means "at its default", which in our explicit
    basic-mode is "not configured": in an edit (``edit=True``) the leaf becomes ``nc:operation="remove"``
    (an explicit ``delete`` is kept), in a complete configuration (copy-config) it is dropped. The tag on any
    other node, or on a leaf whose value is not its default, is ``invalid-value``; ``false`` is ignored. Returns
    ``config`` itself when it carries no tag, otherwise a changed copy; with errors, the caller must refuse.
    """
    if not _ANY_DEFAULT_TAG(config):
        return config, ()
    out = copy.deepcopy(config)
    errors: list[DataError] = []
    op_attr = "{urn:ietf:params:xml:ns:netconf:base:1.0}operation"
    for el in out.xpath(".//*[@wd:default]", namespaces={"wd": WD_NS}):
        value = el.attrib.pop(DEFAULT_ATTR).strip()
        name = etree.QName(el).localname
        if value in ("false", "0"):
            continue
        if value not in ("true", "1"):
            info = (("bad-attribute", "default"), ("bad-element", name))
            errors.append(DataError("bad-attribute", f'wd:default="{value}" is not a boolean', info=info))
            continue
        tags: list[str] = []
        cur: etree._Element | None = el
        while cur is not None and cur is not out:
            tags.append(tag_of(cur))
            cur = cur.getparent()
        snode = schema.node_for(tags[::-1])
        if snode is None or snode.kind is not Kind.LEAF or not snode.default:
            msg = f"wd:default is only allowed on a leaf that has a default value, not on <{name}>"
            errors.append(DataError("invalid-value", msg, info=(("bad-element", name),)))
            continue
        if (el.text or "").strip() != snode.default[0]:
            msg = f'<{name}> is tagged wd:default but "{(el.text or "").strip()}" is not its default value'
            errors.append(DataError("invalid-value", msg, info=(("bad-element", name),)))
            continue
        parent = el.getparent()
        if not edit and parent is not None:
            parent.remove(el)
        elif el.get(op_attr) != "delete":
            el.set(op_attr, "remove")
    return out, tuple(errors)
