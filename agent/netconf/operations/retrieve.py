"""get and get-config (RFC 6241 §7.1, §7.7) with subtree and XPath filters and with-defaults (RFC 6243)."""

from __future__ import annotations

import copy

from lxml import etree

from agent.data.defaults import MODES, WD_NS, apply_with_defaults
from agent.data.filter import FilterError, subtree_filter
from agent.data.wire import wire_copy
from agent.netconf.errors import ErrorTag
from agent.netconf.faults import bad_element, protocol_error
from agent.netconf.operations.params import child, choice, datastore_name, only_known
from agent.netconf.registry import Registry, Reply, RpcContext
from agent.netconf.xmlio import NC_NS, qn

_GET_PARAMS = {qn(NC_NS, "filter"), qn(WD_NS, "with-defaults")}
_GET_CONFIG_PARAMS = _GET_PARAMS | {qn(NC_NS, "source")}


def select(ctx: RpcContext, tree: etree._Element, op: etree._Element) -> etree._Element:
    """Apply ``<filter>`` and ``<with-defaults>`` to ``tree`` and return a ``<data>`` element."""
    mode = choice(op, "with-defaults", MODES, "explicit", ns=WD_NS)
    tree = apply_with_defaults(tree, ctx.services.schema, mode)
    flt = child(op, "filter")
    data = etree.Element(qn(NC_NS, "data"))
    # stored trees are already in wire form, so a plain (C-speed) copy will do; with-defaults tags need the
    # namespace-normalising copy so the wd: prefix is declared where it is used
    copy_of = copy.deepcopy if mode == "explicit" else wire_copy
    if flt is None:
        data.extend(copy_of(c) for c in tree)
        return data
    kind = flt.get("type", "subtree")
    if kind != "subtree":
        raise protocol_error(
            ErrorTag.BAD_ATTRIBUTE,
            f'filter type "{kind}" is not supported',
            element="filter",
            bad_attribute="type",
        )
    try:
        result = subtree_filter(tree, flt, ctx.services.schema)
    except FilterError as exc:
        raise bad_element("filter", str(exc)) from exc
    data.extend([wire_copy(c) for c in result] if mode != "explicit" else list(result))
    return data


async def get_config(ctx: RpcContext, op: etree._Element) -> Reply:
    """<get-config>: configuration of one datastore."""
    only_known(op, _GET_CONFIG_PARAMS, "get-config")
    ds = datastore_name(ctx, op, "source")
    return [select(ctx, ctx.services.stores.tree(ds), op)]


async def get(ctx: RpcContext, op: etree._Element) -> Reply:
    """<get>: the running configuration plus the state data of every state provider."""
    only_known(op, _GET_PARAMS, "get")
    tree = ctx.services.stores.running
    if ctx.services.state_providers:
        tree = copy.deepcopy(tree)
        for provider in ctx.services.state_providers:
            tree.extend(provider())
    return [select(ctx, tree, op)]


def register(registry: Registry) -> None:
    """Serve the retrieval operations."""
    registry.register(qn(NC_NS, "get-config"), get_config)
    registry.register(qn(NC_NS, "get"), get)
