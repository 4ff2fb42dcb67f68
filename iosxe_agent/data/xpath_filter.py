"""XPath filtering (RFC 6241 §6.4 / §8.9, RFC 8526 ``xpath-filter``) over lxml data trees.

:func:`xpath_filter` is a pure function: it evaluates an XPath 1.0 expression (YANG functions included) on a
data wrapper (``<data>``/``<config>``) and returns a *new* wrapper holding every selected node with its whole
subtree, its ancestors, and the key leaves of every list entry on the way (RFC 8526: "Any ancestor nodes
(including list keys) of nodes selected by the filters are included in the response"; Netopeer2 and ConfD
answer the same way). The output is built by the subtree filter's :func:`~iosxe_agent.data.filter.build_selection`,
so an XPath filter and a subtree filter that select the same nodes give byte-identical answers.

Evaluation context (RFC 8526 ``xpath-filter``): the namespace declarations in scope on the filter element, no
variables, the core function library plus the YANG functions, and the datastore root as context node (the
wrapper stands for the root, see :mod:`iosxe_agent.yang.xpath`). Where the RFCs are silent:

* An *unprefixed* name test matches that local name in any namespace (``/native/hostname``): IOS XE (ConfD)
  accepts it and many scripts use it; the subtree filter has the same leniency for namespace-less nodes.
* Selected text, attribute, comment and processing-instruction nodes stand for the element that holds them
  (``/ios:native/ios:hostname/text()`` selects ``hostname``); namespace nodes cannot be selected.
* Selecting the root (``/``) or the wrapper selects everything.
* An expression that does not give a node-set (``count(/ios:native)``) is an error, as RFC 8526 requires.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from iosxe_agent.data.filter import Sel, Selection, build_selection
from iosxe_agent.yang.schema import Schema
from iosxe_agent.yang.xpath import ANY_NAMESPACE, XPathError, compile_xpath

__all__ = ["XPathFilterError", "xpath_filter", "xpath_select", "xpath_selection"]


class XPathFilterError(ValueError):
    """The expression cannot be compiled or evaluated, or does not give a node-set."""


def _identities(schema: Schema | None) -> dict[str, set[str]] | None:
    return {k: v.derived for k, v in schema.identities.items()} if schema is not None else None


def xpath_select(
    data: etree._Element, expr: str, prefixes: Mapping[str | None, str], schema: Schema | None = None
) -> list[etree._Element]:
    """The elements ``expr`` selects in the tree under the wrapper ``data`` (document order, no duplicates).

    ``prefixes`` is the namespace mapping in scope on the filter element (an lxml ``nsmap``; the default
    namespace is ignored, as XPath 1.0 wants). The wrapper is in the result when the expression selects it or
    the root. ``data`` must be the root element of its document (datastore trees always are).
    """
    if data.getparent() is not None:
        raise XPathFilterError("internal: the data wrapper must be a document root")
    named = {p: u for p, u in prefixes.items() if p}
    try:
        compiled = compile_xpath(expr, named, ANY_NAMESPACE, identities=_identities(schema))
        result = compiled.evaluate(data)
    except XPathError as exc:
        raise XPathFilterError(str(exc)) from exc
    if not isinstance(result, list):
        raise XPathFilterError(f"XPath {expr!r} gives a {_kind(result)}, not a node-set")
    seen: set[etree._Element] = set()
    out: list[etree._Element] = []
    for item in result:
        el = _owner(item)
        if el is None:
            raise XPathFilterError(f"XPath {expr!r} selects namespace nodes, which a filter cannot return")
        if el not in seen:
            seen.add(el)
            out.append(el)
    return out


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, float | int):
        return "number"
    return "string"


def _owner(item: object) -> etree._Element | None:
    """The element that stands for one node of the result node-set."""
    if isinstance(item, etree._Element):
        if isinstance(item.tag, str):
            return item
        parent = item.getparent()  # a comment or processing instruction
        return parent
    getparent = getattr(item, "getparent", None)  # text and attribute results are "smart strings"
    if getparent is not None:
        parent = getparent()
        if isinstance(parent, etree._Element):
            return parent
    return None  # namespace nodes come back as (prefix, uri) tuples


def xpath_selection(data: etree._Element, nodes: list[etree._Element]) -> Selection:
    """The selection (as :func:`~iosxe_agent.data.filter.build_selection` takes it) of ``nodes`` and their ancestors.

    A node selected whole wins over a partial selection of it (``/native`` plus ``/native/hostname`` is all of
    ``native``); the wrapper itself selects every top-level node.
    """
    selection: Selection = {}
    for node in nodes:
        if node is data:
            return dict.fromkeys((c for c in data if isinstance(c.tag, str)), True)
        chain: list[etree._Element] = []
        cur: etree._Element | None = node
        while cur is not None and cur is not data:
            chain.append(cur)
            cur = cur.getparent()
        if cur is None:
            continue  # not below the wrapper (cannot happen for a datastore root)
        level: dict[etree._Element, Sel] = selection
        for el in reversed(chain[1:]):
            sub = level.get(el)
            if sub is True:
                break
            if sub is None:
                sub = level[el] = {}
            level = sub
        else:
            level[chain[0]] = True
    return selection


def xpath_filter(
    data: etree._Element, expr: str, prefixes: Mapping[str | None, str], schema: Schema | None = None
) -> etree._Element:
    """Apply the XPath filter ``expr`` to the children of the wrapper ``data``.

    Returns a new element with ``data``'s tag, attributes and namespace declarations whose children are the
    selected nodes with their ancestors and list keys (copies). Raises :class:`XPathFilterError`.
    """
    return build_selection(data, xpath_selection(data, xpath_select(data, expr, prefixes, schema)), schema)
