"""NMDA views of data trees (RFC 8342, RFC 8526, RFC 8527): the operational datastore with origins, and the
get-data selections (config-filter, origin-filter, max-depth) as operations on filter selections.

Everything here is a pure function of its arguments (inputs are never changed).

The operational datastore of a device whose committed configuration is live is the running configuration
(every node of it is in use, origin ``or:intended``) plus the default values in use (origin ``or:default``,
reported as RFC 6243 asks: our basic-mode is ``explicit``, so only with ``report-all``/``report-all-tagged``)
plus the state data (``config false``; state nodes carry no origin, RFC 8342 §5.3.4). To know later which
nodes were configured, :func:`operational_tree` marks every node that existed before defaults were filled in
with a private attribute; :func:`finish_origins` turns the marks into ``or:origin`` annotations on a filtered
copy, or just removes them.

Selections are the ones :func:`iosxe_agent.data.filter.build_selection` takes: ``{element: True | {...}}`` keyed by
data elements of the tree (``True``: the whole subtree). get-data filters are "logically ANDed" (RFC 8526), so
each filter gives a selection and :func:`intersect` combines them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable

from lxml import etree

from iosxe_agent.data.defaults import WithDefaults, apply_with_defaults
from iosxe_agent.data.filter import Sel, Selection
from iosxe_agent.data.tags import tag_of
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

__all__ = [
    "ORIGIN_ATTR",
    "OR_NS",
    "config_selection",
    "finish_origins",
    "intersect",
    "limit_depth",
    "operational_tree",
    "origin_selection",
    "whole",
]

OR_NS = "urn:ietf:params:xml:ns:yang:ietf-origin"
ORIGIN_ATTR = f"{{{OR_NS}}}origin"
INTENDED = f"{{{OR_NS}}}intended"
DEFAULT = f"{{{OR_NS}}}default"
_MARK = "{urn:x-iosxe-agent:internal}configured"  # private: never leaves this module's callers' hands


def operational_tree(
    running: etree._Element,
    state: Iterable[etree._Element],
    schema: Schema,
    mode: WithDefaults,
    *,
    track_origin: bool,
) -> etree._Element:
    """A new wrapper holding a copy of ``running``'s nodes, then the ``state`` elements (taken over, not
    copied), with defaults handled as with-defaults ``mode`` says.

    With ``track_origin`` every node present before defaults were added carries the private mark that
    :func:`origin_selection` and :func:`finish_origins` read; the caller must end with :func:`finish_origins`.
    """
    tree = copy.deepcopy(running)
    tree.extend(state)
    if track_origin:
        tree.set(_MARK, "")  # declares the private namespace once, at the root
        for el in tree.iterdescendants(tag=etree.Element):
            el.set(_MARK, "")
    return apply_with_defaults(tree, schema, mode)


def _origin(el: etree._Element) -> str:
    return INTENDED if el.get(_MARK) is not None else DEFAULT


def _elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def whole(data: etree._Element) -> Selection:
    """Everything: each top-level node of the wrapper ``data`` selected whole."""
    return dict.fromkeys(_elements(data), True)


def _select(
    el: etree._Element, snode: SchemaNode | None, config: bool, keep: Callable[[etree._Element, bool], bool]
) -> Sel | None:
    """Select the nodes of ``el``'s subtree for which ``keep(node, is_config)`` holds, ancestors included."""
    children = _elements(el)
    if not children:
        return True if keep(el, config) else None
    sub: dict[etree._Element, Sel] = {}
    for c in children:
        cnode = snode.child(tag_of(c)) if snode is not None else None
        r = _select(c, cnode, config and (cnode.config if cnode is not None else config), keep)
        if r is not None:
            sub[c] = r
    if len(sub) == len(children) and all(v is True for v in sub.values()) and keep(el, config):
        return True
    return sub or None


def _top(data: etree._Element, schema: Schema, keep: Callable[[etree._Element, bool], bool]) -> Selection:
    out: Selection = {}
    for top in _elements(data):
        snode = schema.root.child(tag_of(top))
        r = _select(top, snode, snode.config if snode is not None else False, keep)
        if r is not None:
            out[top] = r
    return out


def config_selection(data: etree._Element, schema: Schema, want_config: bool) -> Selection:
    """RFC 8526 ``config-filter``: only ``config true`` (or only ``config false``) nodes, with their ancestors.

    A node the schema does not know counts as what its parent is (a top-level one as state).
    """
    return _top(data, schema, lambda _el, is_config: is_config == want_config)


def origin_selection(data: etree._Element, schema: Schema, matches: Callable[[str], bool]) -> Selection:
    """RFC 8526 ``origin-filter``/``negated-origin-filter``: configuration nodes whose origin (the Clark name
    of an ietf-origin identity) ``matches``; state nodes are not affected. Needs a tracked operational tree."""
    return _top(data, schema, lambda el, is_config: not is_config or matches(_origin(el)))


def intersect(a: Selection, b: Selection) -> Selection:
    """What both selections select (a partly selected node whose children all drop out is dropped too)."""
    out: Selection = {}
    for el, x in a.items():
        y = b.get(el)
        if y is None:
            continue
        r = _intersect(x, y)
        if r is not None:
            out[el] = r
    return out


def _intersect(x: Sel, y: Sel) -> Sel | None:
    if x is True:
        return y
    if y is True:
        return x
    sub = intersect(x, y)
    return sub or None


def limit_depth(selection: Selection, depth: int | None) -> Selection:
    """RFC 8526 ``max-depth``: below each node selected whole, keep ``depth - 1`` more levels (``None``: all).

    A node at the limit is kept without children (a list entry keeps its keys: the output builder always adds
    them); a leaf is always kept with its value.
    """
    if depth is None:
        return selection
    return {el: _limit_sel(el, s, depth) for el, s in selection.items()}


def _limit_sel(el: etree._Element, s: Sel, depth: int) -> Sel:
    if s is True:
        return _limit(el, depth)
    return {c: _limit_sel(c, cs, depth) for c, cs in s.items()}


def _limit(el: etree._Element, depth: int) -> Sel:
    children = _elements(el)
    if not children:
        return True
    if depth <= 1:
        return {}
    return {c: _limit(c, depth - 1) for c in children}


def finish_origins(out: etree._Element, schema: Schema, *, annotate: bool) -> None:
    """On ``out`` (a filtered copy of a tracked operational tree, changed in place): with ``annotate`` put
    ``or:origin`` on each top-level configuration node and wherever a node's origin differs from the one it
    would inherit (non-presence containers carry none, RFC 8342 §5.3.4); always remove the private marks.

    The values use the prefix ``or``; :func:`iosxe_agent.data.wire.wire_copy` declares it where it is used.
    """
    if out.get(_MARK) is not None:
        del out.attrib[_MARK]
    for top in _elements(out):
        snode = schema.root.child(tag_of(top))
        is_config = snode is not None and snode.config
        if annotate and is_config:
            origin = _origin(top)
            top.set(ORIGIN_ATTR, _value(origin))
            _walk(top, snode, origin, annotate)
        else:
            _walk(top, snode, None, False)
        if top.get(_MARK) is not None:
            del top.attrib[_MARK]


def _value(origin: str) -> str:
    return "or:" + etree.QName(origin).localname


def _walk(el: etree._Element, snode: SchemaNode | None, inherited: str | None, annotate: bool) -> None:
    for c in _elements(el):
        cnode = snode.child(tag_of(c)) if snode is not None else None
        if annotate and inherited is not None and cnode is not None and cnode.config:
            origin = _origin(c)
            carries = not (cnode.kind is Kind.CONTAINER and not cnode.presence)
            if carries and origin != inherited:
                c.set(ORIGIN_ATTR, _value(origin))
                _walk(c, cnode, origin, annotate)
            else:
                _walk(c, cnode, inherited, annotate)
        else:
            _walk(c, cnode, None, False)
        if c.get(_MARK) is not None:
            del c.attrib[_MARK]
