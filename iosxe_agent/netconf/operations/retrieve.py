"""get and get-config (RFC 6241 §7.1, §7.7) with subtree and XPath filters (RFC 6241 §6, §8.9) and
with-defaults (RFC 6243).

The filter helpers here are shared with get-data (:mod:`iosxe_agent.netconf.operations.nmda`): a filter is parsed
into a :class:`Filter`, evaluated into a selection of data nodes, and the selection is built into the reply by
the one output builder of :mod:`iosxe_agent.data.filter`, so subtree and XPath filters that select the same nodes
give the same bytes.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from iosxe_agent.data.defaults import WD_NS, WithDefaults, apply_with_defaults
from iosxe_agent.data.filter import FilterError, Selection, build_selection, subtree_selection
from iosxe_agent.data.hidden import strip_hidden
from iosxe_agent.data.nmda import whole
from iosxe_agent.data.wire import wire_copy
from iosxe_agent.data.xpath_filter import XPathFilterError, xpath_select, xpath_selection
from iosxe_agent.netconf import capabilities
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import RpcFault, bad_element, protocol_error
from iosxe_agent.netconf.operations.params import child, datastore_name, only_known, with_defaults_mode
from iosxe_agent.netconf.registry import Registry, Reply, RpcContext
from iosxe_agent.netconf.xmlio import NC_NS, qn
from iosxe_agent.yang.schema import Schema

_GET_PARAMS = {qn(NC_NS, "filter"), qn(WD_NS, "with-defaults")}
_GET_CONFIG_PARAMS = _GET_PARAMS | {qn(NC_NS, "source")}


@dataclass(frozen=True, slots=True)
class Filter:
    """A parsed retrieval filter.

    ``subtree``: the children of ``element`` are the filter nodes (RFC 6241 §6). ``xpath``: ``select`` is the
    expression and ``prefixes`` the namespace declarations in scope where it was written (RFC 6241 §8.9).
    ``param`` names the request element, for error reports (``filter``, ``subtree-filter``, ``xpath-filter``).
    """

    kind: Literal["subtree", "xpath"]
    param: str
    element: etree._Element | None = None
    select: str = ""
    prefixes: Mapping[str | None, str] = field(default_factory=dict)


def _attribute(el: etree._Element, name: str) -> str | None:
    """An attribute of ``<filter>``, unqualified (usual) or in the base namespace (some clients qualify it)."""
    value = el.get(name)
    return value if value is not None else el.get(qn(NC_NS, name))


def parse_filter(flt: etree._Element | None) -> Filter | None:
    """The ``<filter>`` parameter of get/get-config (None when there is none)."""
    if flt is None:
        return None
    kind = _attribute(flt, "type") or "subtree"
    if kind == "subtree":
        return Filter("subtree", "filter", element=flt)
    if kind == "xpath":
        select = _attribute(flt, "select")
        if select is None:
            raise protocol_error(
                ErrorTag.MISSING_ATTRIBUTE,
                'a <filter type="xpath"> needs a select attribute',
                element="filter",
                bad_attribute="select",
            )
        return Filter("xpath", "filter", select=select, prefixes=dict(flt.nsmap))
    raise protocol_error(
        ErrorTag.BAD_ATTRIBUTE,
        f'filter type "{kind}" is not supported',
        element="filter",
        bad_attribute="type",
    )


def invalid_xpath(param: str, message: str) -> RpcFault:
    """An XPath filter that cannot be compiled or evaluated, or selects no node-set."""
    return protocol_error(ErrorTag.INVALID_VALUE, f"invalid XPath in <{param}>: {message}")


def selection(tree: etree._Element, flt: Filter | None, schema: Schema) -> Selection:
    """What ``flt`` selects among the top-level nodes of the datastore wrapper ``tree`` (all without a filter).

    ``tree`` must be the root element of its document (stored and freshly copied trees are).
    """
    if flt is None:
        return whole(tree)
    if flt.kind == "subtree":
        assert flt.element is not None
        try:
            return subtree_selection(tree, flt.element)
        except FilterError as exc:
            raise bad_element(flt.param, str(exc)) from exc
    try:
        return xpath_selection(tree, xpath_select(tree, flt.select, flt.prefixes, schema))
    except XPathFilterError as exc:
        raise invalid_xpath(flt.param, str(exc)) from exc


def _size(flt: Filter) -> int:
    """Elements of a subtree filter (counted by libxml2) or characters of an XPath one."""
    return int(flt.element.xpath("count(.//*)")) if flt.element is not None else len(flt.select)


async def filtered(ctx: RpcContext, tree: etree._Element, flt: Filter | None) -> Selection:
    """:func:`selection`, in a worker thread when the filter is large (``worker_filter_size``).

    Evaluating a filter is Python work in proportion to its size; on the event loop a large one would hold up
    every session. Reading ``tree`` there is safe: stored datastore trees are never changed in place (a commit
    swaps in a new tree), and the request belongs to this session alone.
    """
    schema = ctx.services.schema
    if flt is None or _size(flt) < ctx.services.limits.worker_filter_size:
        return selection(tree, flt, schema)
    return await asyncio.to_thread(selection, tree, flt, schema)


async def select(ctx: RpcContext, tree: etree._Element, op: etree._Element) -> etree._Element:
    """Apply ``<filter>`` and ``<with-defaults>`` to ``tree`` and return a ``<data>`` element.

    Hidden modules' nodes are gone before the filter runs (their defaults too), so a filter naming one selects
    nothing, as for a module the server does not have.
    """
    mode = with_defaults_mode(op)
    flt = parse_filter(child(op, "filter"))
    schema = ctx.services.schema
    tree = strip_hidden(apply_with_defaults(tree, schema, mode), schema)
    data = etree.Element(qn(NC_NS, "data"))
    # stored trees are already in wire form, so a plain (C-speed) copy will do; with-defaults tags need the
    # namespace-normalising copy so the wd: prefix is declared where it is used
    if flt is None:
        copy_of = copy.deepcopy if mode == WithDefaults.EXPLICIT else wire_copy
        data.extend(copy_of(c) for c in tree)
        return data
    result = build_selection(tree, await filtered(ctx, tree, flt), schema)
    data.extend([wire_copy(c) for c in result] if mode != WithDefaults.EXPLICIT else list(result))
    return data


async def get_config(ctx: RpcContext, op: etree._Element) -> Reply:
    """<get-config>: configuration of one datastore."""
    only_known(op, _GET_CONFIG_PARAMS, "get-config")
    ds = datastore_name(ctx, op, "source")
    return [await select(ctx, ctx.services.stores.tree(ds), op)]


async def get(ctx: RpcContext, op: etree._Element) -> Reply:
    """<get>: the running configuration plus the state data of every state provider."""
    only_known(op, _GET_PARAMS, "get")
    tree = ctx.services.stores.running
    if ctx.services.state_providers:
        tree = copy.deepcopy(tree)
        for provider in ctx.services.state_providers:
            tree.extend(provider())
    return [await select(ctx, tree, op)]


def register(registry: Registry) -> None:
    """Serve the retrieval operations; XPath filters make them offer ``:xpath``."""
    registry.register(qn(NC_NS, "get-config"), get_config)
    registry.register(qn(NC_NS, "get"), get)
    registry.capabilities.append(capabilities.XPATH)
