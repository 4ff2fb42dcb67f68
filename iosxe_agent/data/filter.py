"""Subtree filtering (RFC 6241 §6) over lxml data trees.

:func:`subtree_filter` is a pure function: it reads a data wrapper (``<data>``/``<config>``) and a
``<filter>`` element and returns a *new* wrapper holding the selected nodes; neither input is changed. The
schema, when given, is used for one thing only: finding the key leaves of list entries for the output.

Semantics, node by node (RFC 6241 §6.2):

* **Namespace selection** (§6.2.1): a namespaced filter node matches only data nodes of that namespace. A
  filter node in *no* namespace (``xmlns=""`` or no declaration) matches data nodes of that local name in
  *any* namespace. RFC 6241 has no such wildcard; it is a ConfD / IOS XE leniency ncclient scripts rely on.
* **Attribute match expressions** (§6.2.2): every attribute on a filter node must be present with the same
  value on the data node. An unqualified filter attribute also matches a data attribute of that local name in
  any namespace (the same leniency as for elements).
* **Containment nodes** (§6.2.3): filter nodes with element children. A data node matched by one is output
  only if something below it was selected (RFC: "included if any nested filter criteria are also met").
* **Selection nodes** (§6.2.4): empty filter leaves (whitespace-only text counts as empty) select the whole
  data subtree of every matching instance.
* **Content match nodes** (§6.2.5): filter leaves with non-blank text (stripped). Within one sibling set they
  are a conjunction: each must match some data child of the parent, or the set selects nothing. When all
  match and the set has no selection or containment nodes, the whole parent subtree is selected; otherwise
  the matching content nodes themselves plus whatever the selection and containment siblings select. On a
  leaf-list only the matching instances are output. Values are compared with surrounding whitespace
  stripped; ``prefix:name`` values also match when both prefixes resolve to the same namespace (an
  identityref written with another prefix).

Where the RFC is silent:

* Each child of ``<filter>`` is an independent subtree (§6.4.7 "multiple subtrees"): at the top level,
  content match nodes form no conjunction and never select "everything at this level"; a top-level content
  match node selects just the matching top-level leaf.
* When a list entry is output because of containment or content match (not selected whole), its key leaves
  are always included, in key order, before its other children (ConfD / IOS XE behaviour; the RFC says
  MAY). This needs the schema; without one no keys are added.
* Several filter nodes may select the same data node (overlapping subtrees); their selections are merged,
  so each data node appears once, and output siblings keep the data tree's (schema) order.
* A filter node with element children and non-blank text (mixed content) is malformed: :class:`FilterError`.

Cost is linear in the data visited: matching uses lxml's C-level tag iteration, and when one sibling set
holds several containment nodes for the same list (``<user><name>a</name></user><user><name>b</name>…``)
their first content-match values are looked up in an index built once, so many-entries-by-key filters stay
linear too.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeAlias

from lxml import etree

from iosxe_agent.data.tags import tag_of
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode, split_clark

__all__ = ["FilterError", "Selection", "build_selection", "filter_is_empty", "subtree_filter", "subtree_selection"]


class FilterError(ValueError):
    """A malformed subtree filter; ``bad_element`` is the local name of the offending filter element."""

    def __init__(self, message: str, bad_element: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.bad_element = bad_element


#: What a sibling set selects below one data node: True = the whole subtree; a dict = these children, each with
#: its own selection. Dict keys are data elements (lxml keeps one proxy per node while it is referenced).
Sel: TypeAlias = Literal[True] | dict[etree._Element, "Sel"]
#: What a filter selects among the children of a data wrapper (the XPath filter builds one too, so both kinds
#: of filter produce their output with the same :func:`build_selection`).
Selection: TypeAlias = dict[etree._Element, Sel]


@dataclass(frozen=True, slots=True)
class _FNode:
    """One parsed filter node."""

    match: str  # tag for lxml's iterchildren: "{ns}name", or "{*}name" for a namespace-less filter node
    attrs: tuple[tuple[str, str], ...]  # attribute match expressions (Clark name, value)
    text: str | None  # content match value (stripped); None for selection and containment nodes
    qname: tuple[str, str] | None  # (namespace, local) when text is "prefix:local" with a prefix in scope
    children: _FSet | None  # set for containment nodes


@dataclass(frozen=True, slots=True)
class _FSet:
    """The children of one containment node (or of ``<filter>``), split by role."""

    content: tuple[_FNode, ...]
    selection: tuple[_FNode, ...]
    containment: tuple[_FNode, ...]
    # per containment node: (leaf match, value) of a content-match child to index on, or None
    index_keys: tuple[tuple[str, str] | None, ...]


def filter_is_empty(filter_el: etree._Element) -> bool:
    """True when ``filter_el`` has no element children: RFC 6241 §6.4.2, the reply holds no data."""
    return not any(isinstance(c.tag, str) for c in filter_el)


def subtree_filter(data: etree._Element, filter_el: etree._Element, schema: Schema | None = None) -> etree._Element:
    """Apply the subtree filter ``filter_el`` to the children of the wrapper ``data``.

    Returns a new element with ``data``'s tag, attributes and namespace declarations whose children are the
    selected data nodes (copies). Raises :class:`FilterError` for a malformed filter.
    """
    return build_selection(data, subtree_selection(data, filter_el), schema)


def subtree_selection(data: etree._Element, filter_el: etree._Element) -> Selection:
    """What the subtree filter ``filter_el`` selects among the children of the wrapper ``data``.

    Raises :class:`FilterError` for a malformed filter.
    """
    try:
        selected = _evaluate(data, _parse_filter(filter_el), root=True)
    except RecursionError:
        raise FilterError("filter is nested too deeply", _local(filter_el.tag)) from None
    return selected if isinstance(selected, dict) else {}


def build_selection(data: etree._Element, selected: Selection, schema: Schema | None = None) -> etree._Element:
    """A new element with ``data``'s tag, attributes and namespace declarations holding copies of the
    ``selected`` data nodes (list entries output in part get their keys first; siblings keep data order)."""
    out = etree.Element(data.tag, attrib=dict(data.attrib), nsmap=data.nsmap)
    if selected:
        root_schema = schema.root if schema is not None else None
        _build_children(out, data, selected, root_schema, dict(data.nsmap))
    return out


# --------------------------------------------------------------------------------------------------- parsing


def _local(tag: object) -> str | None:
    return split_clark(tag)[1] if isinstance(tag, str) else None


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _parse_filter(filter_el: etree._Element) -> _FSet:
    elems = [c for c in filter_el if isinstance(c.tag, str)]
    if not _blank(filter_el.text) or any(not _blank(c.tail) for c in filter_el):
        raise FilterError("a subtree filter holds elements, not text", _local(filter_el.tag))
    return _parse_set(elems)


def _parse_set(elems: list[etree._Element]) -> _FSet:
    content: list[_FNode] = []
    selection: list[_FNode] = []
    containment: list[_FNode] = []
    for el in elems:
        node = _parse_node(el)
        if node.children is not None:
            containment.append(node)
        elif node.text is not None:
            content.append(node)
        else:
            selection.append(node)
    # Repeated identical leaves select nothing more: drop them, so a filter padded with copies costs its parse only.
    content, selection = list(dict.fromkeys(content)), list(dict.fromkeys(selection))
    # Index only when several containment nodes address the same data nodes (e.g. many list entries by key).
    counts = Counter(n.match for n in containment)
    index_keys: list[tuple[str, str] | None] = []
    for n in containment:
        key = None
        if counts[n.match] > 1 and n.children is not None:
            for cm in n.children.content:
                if cm.qname is None:  # qname-aware values are compared by namespace, not text: no index
                    key = (cm.match, cm.text or "")
                    break
        index_keys.append(key)
    return _FSet(tuple(content), tuple(selection), tuple(containment), tuple(index_keys))


def _parse_node(el: etree._Element) -> _FNode:
    clark_name = tag_of(el)
    ns, local = split_clark(clark_name)
    match = clark_name if ns else f"{{*}}{local}"
    attrs = tuple((str(k), str(v)) for k, v in el.attrib.items())
    elems = [c for c in el if isinstance(c.tag, str)]
    if elems:
        if not _blank(el.text) or any(not _blank(c.tail) for c in el):
            raise FilterError(f"filter element '{local}' mixes text and child elements", local)
        return _FNode(match, attrs, None, None, _parse_set(elems))
    # a leaf: its text is el.text plus the tails of any comments / processing instructions inside it
    text = "".join([el.text or "", *(c.tail or "" for c in el)]).strip()
    if not text:
        return _FNode(match, attrs, None, None, None)
    qname = None
    prefix, sep, name = text.partition(":")
    if sep and name and ":" not in name:
        uri = el.nsmap.get(prefix)
        if uri is not None:
            qname = (uri, name)
    return _FNode(match, attrs, text, qname, None)


# ------------------------------------------------------------------------------------------------ evaluation


def _attrs_match(d: etree._Element, attrs: tuple[tuple[str, str], ...]) -> bool:
    for name, value in attrs:
        got = d.get(name)
        if got is None and not name.startswith("{"):
            got = next((v for k, v in d.attrib.items() if split_clark(str(k))[1] == name), None)
        if got != value:
            return False
    return True


def _value_match(d: etree._Element, f: _FNode) -> bool:
    text = (d.text or "").strip()
    if text == f.text:
        return True
    if f.qname is None or ":" not in text:
        return False
    prefix, _, name = text.partition(":")
    return name == f.qname[1] and d.nsmap.get(prefix) == f.qname[0]


def _merge(a: Sel | None, b: Sel) -> Sel:
    if a is None:
        return b
    if a is True or b is True:
        return True
    for k, v in b.items():
        a[k] = _merge(a.get(k), v)
    return a


def _evaluate(parent: etree._Element, fset: _FSet, root: bool = False) -> Sel | None:
    """What sibling set ``fset`` selects among the children of ``parent`` (None: nothing).

    ``root`` marks the children of ``<filter>``: independent subtrees, no content-match conjunction.
    """
    result: dict[etree._Element, Sel] = {}
    for cm in fset.content:
        found = False
        for d in parent.iterchildren(cm.match):
            if _attrs_match(d, cm.attrs) and _value_match(d, cm):
                result[d] = True
                found = True
        if not found and not root:
            return None  # §6.2.5: a false content match test selects nothing in this sibling set
    if not root and not fset.selection and not fset.containment:
        return True  # only content match nodes, all true: the whole parent subtree
    for sn in fset.selection:
        for d in parent.iterchildren(sn.match):
            if _attrs_match(d, sn.attrs):
                result[d] = True
    indexes: dict[tuple[str, str], dict[str, list[etree._Element]]] = {}
    for cn, key in zip(fset.containment, fset.index_keys, strict=True):
        assert cn.children is not None
        if key is None:
            candidates: Iterable[etree._Element] = parent.iterchildren(cn.match)
        else:
            index = indexes.get((cn.match, key[0]))
            if index is None:
                index = indexes[(cn.match, key[0])] = _index(parent, cn.match, key[0])
            candidates = index.get(key[1], [])
        for d in candidates:
            if not _attrs_match(d, cn.attrs):
                continue
            sub = _evaluate(d, cn.children)
            if sub is not None:
                result[d] = _merge(result.get(d), sub)
    return result or None


def _index(parent: etree._Element, entry_match: str, leaf_match: str) -> dict[str, list[etree._Element]]:
    """Map each (stripped) value of a ``leaf_match`` child to the ``entry_match`` children holding it."""
    index: dict[str, list[etree._Element]] = {}
    for entry in parent.iterchildren(entry_match):
        for leaf in entry.iterchildren(leaf_match):
            bucket = index.setdefault((leaf.text or "").strip(), [])
            if not bucket or bucket[-1] is not entry:
                bucket.append(entry)
    return index


# -------------------------------------------------------------------------------------------------- building


def _declarations(d: etree._Element, scope: dict[str | None, str]) -> dict[str | None, str]:
    """The namespace mappings in scope at ``d`` that ``scope`` (the output's) lacks.

    They cover element names and also prefixes used only in values (identityref ``x:foo``), which lxml's copy
    would otherwise drop.
    """
    return {p: u for p, u in d.nsmap.items() if scope.get(p) != u}


def _append(out: etree._Element, d: etree._Element, scope: dict[str | None, str]) -> None:
    """Append a copy of the whole subtree ``d`` to ``out`` (without its tail)."""
    if len(d):
        c = copy.deepcopy(d)  # C-level copy; prefixes declared above d are in the output's scope already
        c.tail = None
        out.append(c)
    else:  # a leaf: cheaper than a deep copy, which builds a document per call
        attrib = d.attrib
        el = etree.SubElement(out, d.tag, dict(attrib) if attrib else None, _declarations(d, scope) or None)
        el.text = d.text


def _build_children(
    out: etree._Element,
    parent: etree._Element,
    sel: dict[etree._Element, Sel],
    snode: SchemaNode | None,
    scope: dict[str | None, str],
) -> None:
    """Append to ``out`` the selected children of ``parent``, keys of a list entry first, then data order.

    ``scope`` is the namespace mapping in force at ``out``; each partly selected element re-declares what its
    data counterpart has in scope and ``out`` lacks, so copied subtrees keep every prefix their values use.
    """
    done: set[etree._Element] = set()
    if snode is not None and snode.kind is Kind.LIST:
        for key in snode.keys:
            leaf = next(parent.iterchildren(key), None)
            if leaf is not None:
                _append(out, leaf, scope)
                done.add(leaf)
    for child in parent.iterchildren(tag=etree.Element):
        s = sel.get(child)
        if s is None or child in done:
            continue
        if s is True:
            _append(out, child, scope)
            continue
        nsmap = _declarations(child, scope)
        attrib = child.attrib
        el = etree.SubElement(out, child.tag, dict(attrib) if attrib else None, nsmap or None)
        cnode = snode.child(tag_of(child)) if snode is not None else None
        _build_children(el, child, s, cnode, {**scope, **nsmap} if nsmap else scope)
